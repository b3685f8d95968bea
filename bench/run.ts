/**
 * `npm run bench`: medians over repeated runs, against the real test gateway in real Chromium.
 *  - web-mode start → registered
 *  - press Call → INVITE reaches the gateway, for a normal call and for an emergency call,
 *    with a reachable and with an unreachable STUN server on the account
 *  - press Call → audio flowing (packets received in getStats)
 * The key press is timed in the page, the INVITE when the gateway's log line reaches this process:
 * both on the system clock.
 */
import { chromium, type Browser } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../playwright.config';
import { startGateway, FAR_END_EXTENSION, type Gateway } from '../test/gateway/harness';
import { startSilentUdp, startStunServer } from '../test/gateway/stun-server';
import { accountFor, launchWebHost } from '../test/e2e/fixtures';
import { fmt, writeProvisioning } from './lib';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const invites: Array<{ target: string; at: number }> = [];

interface Scenario {
  label: string;
  target: string;
  emergency: boolean;
  iceServers: string[];
}

interface Samples {
  startToRegistered: number[];
  pressToInvite: number[];
  pressToAudio: number[];
}

async function run(browser: Browser, gw: Gateway, sc: Scenario): Promise<Samples> {
  const out: Samples = { startToRegistered: [], pressToInvite: [], pressToAudio: [] };
  for (let i = 0; i < RUNS; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'softphone-bench-'));
    const provisioningPath = writeProvisioning(dataDir, accountFor(gw), sc.iceServers);
    const t0 = Date.now();
    const host = await launchWebHost({ dataDir, provisioningPath });
    const context = await browser.newContext({ permissions: ['microphone'] });
    const page = await context.newPage();
    await page.goto(host.url);
    await page.locator('[data-testid="registration"][data-status="registered"]').waitFor({ timeout: 20_000 });
    out.startToRegistered.push(Date.now() - t0);

    await page.getByLabel('Number or SIP address').fill(sc.target);
    const button = sc.emergency ? page.getByTestId('emergency-call-button') : page.getByRole('button', { name: 'Call', exact: true });
    await button.waitFor();
    const before = invites.length;
    await page.evaluate(() => {
      document.addEventListener('click', () => ((window as unknown as { pressedAt: number }).pressedAt = Date.now()), { capture: true, once: true });
    });
    await button.click();
    const pressed = await page.evaluate(() => (window as unknown as { pressedAt: number }).pressedAt);
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="audio-stats"]')?.getAttribute('data-packets-received') ?? 0) > 0,
      undefined,
      { timeout: 15_000, polling: 20 },
    );
    out.pressToAudio.push(Date.now() - pressed);
    const invite = invites.slice(before).find((x) => x.target === sc.target);
    if (invite) out.pressToInvite.push(invite.at - pressed);
    await page.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
    if (sc.emergency) await page.getByRole('button', { name: 'Yes, hang up' }).click();
    await page.getByTestId('call').waitFor({ state: 'detached', timeout: 10_000 });
    await context.close();
    await host.stop();
  }
  return out;
}

const gw = await startGateway({
  log: (line) => {
    const m = /REQ INVITE sip:([^@]+)@/.exec(line);
    if (m) invites.push({ target: m[1] as string, at: Date.now() });
  },
});
const stunOk = await startStunServer();
const stunDead = await startSilentUdp();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const scenarios: Scenario[] = [
    { label: 'normal call, no STUN', target: FAR_END_EXTENSION, emergency: false, iceServers: [] },
    { label: 'normal call, unreachable STUN', target: FAR_END_EXTENSION, emergency: false, iceServers: [stunDead.url] },
    { label: 'emergency 112, reachable STUN', target: '112', emergency: true, iceServers: [stunOk.url] },
    { label: 'emergency 112, unreachable STUN', target: '112', emergency: true, iceServers: [stunDead.url] },
  ];
  let first = true;
  for (const sc of scenarios) {
    const r = await run(browser, gw, sc);
    if (first) console.log(`web-mode start → registered         : ${fmt(r.startToRegistered)}`);
    first = false;
    console.log(`${sc.label.padEnd(32)} press → INVITE at gateway: ${fmt(r.pressToInvite)}`);
    console.log(`${sc.label.padEnd(32)} press → audio flowing    : ${fmt(r.pressToAudio)}`);
  }
} finally {
  await browser.close();
  await stunOk.close();
  await stunDead.close();
  await gw.stop();
}
