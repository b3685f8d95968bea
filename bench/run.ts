/**
 * `npm run bench`: medians over repeated runs, against the real test gateway in real Chromium.
 *  - web-mode start → registered
 *  - press Call → INVITE reaches the gateway (gateway log time, same clock)
 *  - press Call → audio flowing (packets received in getStats)
 */
import { chromium } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../playwright.config';
import { startGateway, FAR_END_EXTENSION } from '../test/gateway/harness';
import { accountFor, launchWebHost } from '../test/e2e/fixtures';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const inviteSeen: number[] = [];
const gw = await startGateway({
  log: (line) => {
    if (/REQ INVITE sip:1000@/.test(line)) inviteSeen.push(Date.now());
  },
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const startToRegistered: number[] = [];
const callToInvite: number[] = [];
const callToAudio: number[] = [];

try {
  for (let i = 0; i < RUNS; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'softphone-bench-'));
    const provisioningPath = join(dataDir, 'provisioning.json');
    writeFileSync(provisioningPath, JSON.stringify({ version: 1, account: accountFor(gw) }));
    const t0 = Date.now();
    const host = await launchWebHost({ dataDir, provisioningPath });
    const context = await browser.newContext({ permissions: ['microphone'] });
    const page = await context.newPage();
    await page.goto(host.url);
    await page.getByTestId('registration').and(page.locator('[data-status="registered"]')).waitFor({ timeout: 20_000 });
    startToRegistered.push(Date.now() - t0);

    await page.getByLabel('Number or SIP address').fill(FAR_END_EXTENSION);
    const before = inviteSeen.length;
    // The key press time is taken in the page at the click itself; the gateway's log lines are timed
    // on arrival in this process. Both read the same system clock.
    await page.evaluate(() => {
      document.addEventListener('click', () => ((window as unknown as { pressedAt: number }).pressedAt = Date.now()), { capture: true, once: true });
    });
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    const pressed = await page.evaluate(() => (window as unknown as { pressedAt: number }).pressedAt);
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="audio-stats"]');
      return el !== null && Number(el.getAttribute('data-packets-received')) > 0;
    }, undefined, { timeout: 15_000, polling: 20 });
    callToAudio.push(Date.now() - pressed);
    const seen = inviteSeen[before];
    if (seen !== undefined) callToInvite.push(seen - pressed);
    await page.getByRole('button', { name: 'Hang up' }).click();
    await page.getByTestId('call').waitFor({ state: 'detached', timeout: 10_000 });
    await context.close();
    await host.stop();
  }
} finally {
  await browser.close();
  await gw.stop();
}

const fmt = (xs: number[]): string => `median ${median(xs).toFixed(0)} ms (n=${xs.length}, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
console.log(`web-mode start → registered : ${fmt(startToRegistered)}`);
console.log(`press Call → INVITE at gateway: ${fmt(callToInvite)}`);
console.log(`press Call → audio flowing    : ${fmt(callToAudio)}`);
