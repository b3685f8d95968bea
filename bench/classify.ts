/** Dial classification runs on every key press: time it over typical and adversarial inputs. */
import { EmergencyCatalogue } from '../src/emergency/catalogue';
import { classifyDial } from '../src/emergency/classify';

const t0 = performance.now();
const catalogue = new EmergencyCatalogue();
const buildMs = performance.now() - t0;
const ctx = { homeCountry: 'FR', networkCountry: 'US', outsideLinePrefix: '0' };
const inputs = ['1', '11', '112', '1120', '0112', '116 000', '+33 112', '+1 911', '01 23 45 67 89', '+33123456789', 'alice@example.com', '9'.repeat(40)];
// Every prefix of each input, as typed key by key.
const presses = inputs.flatMap((s) => [...s].map((_, i) => s.slice(0, i + 1)));
for (const p of presses) classifyDial(p, ctx, catalogue); // warm-up
const samples: number[] = [];
for (let round = 0; round < 200; round++) {
  const start = performance.now();
  for (const p of presses) classifyDial(p, ctx, catalogue);
  samples.push(((performance.now() - start) * 1000) / presses.length);
}
samples.sort((a, b) => a - b);
console.log(
  `classification per key press        : median ${samples[100]?.toFixed(1)} µs, p99 ${samples[198]?.toFixed(1)} µs over ${presses.length} presses × 200 rounds (catalogue built in ${buildMs.toFixed(0)} ms)`,
);
