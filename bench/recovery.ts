/**
 * Gateway back → emergency availability Ready again (re-registration included), median over runs.
 * The gateway's Kamailio is stopped (its registrations are lost) and started again on the same ports.
 */
import { chromium } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../playwright.config';
import { startGateway } from '../test/gateway/harness';
import { accountFor, launchWebHost } from '../test/e2e/fixtures';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const gw = await startGateway();
const dir = mkdtempSync(join(tmpdir(), 'softphone-bench-rec-'));
const provisioningPath = join(dir, 'provisioning.json');
writeFileSync(provisioningPath, JSON.stringify({ version: 1, firstRun: false, account: accountFor(gw), emergency: { address: { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris' } } }));
const host = await launchWebHost({ dataDir: join(dir, 'data'), provisioningPath });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const fromListening: number[] = [];
const fromStart: number[] = [];
try {
  const page = await browser.newPage();
  await page.goto(host.url);
  await page.getByTestId('address-reminder').getByRole('button', { name: 'It is still right' }).click();
  const ready = page.locator('[data-testid="availability"][data-state="ready"]');
  const unavailable = page.locator('[data-testid="availability"][data-state="unavailable"]');
  await ready.waitFor({ timeout: 20_000 });
  for (let i = 0; i < RUNS; i++) {
    await gw.stopSignalling();
    await unavailable.waitFor({ timeout: 10_000 });
    // Let the back-off reach its longest step, as after a real outage.
    await page.waitForTimeout(4000);
    const t0 = Date.now();
    await gw.startSignalling();
    const t1 = Date.now();
    await ready.waitFor({ timeout: 20_000 });
    fromListening.push(Date.now() - t1);
    fromStart.push(Date.now() - t0);
  }
} finally {
  await browser.close();
  await host.stop();
  await gw.stop();
}
const fmt = (xs: number[]): string => `median ${median(xs)} ms (n=${xs.length}, min ${Math.min(...xs)}, max ${Math.max(...xs)})`;
console.log(`gateway listening again → Ready       : ${fmt(fromListening)}`);
console.log(`gateway process started → Ready       : ${fmt(fromStart)}`);
