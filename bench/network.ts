/**
 * Network change → roaming warning refreshed, median over runs. The machine "moves" the way the
 * host sees it: its interfaces change (a test seam file the host polls) and the account's STUN
 * server (127.0.0.1) starts answering with another country's address. No call is placed, so no
 * ICE candidate for that address is ever used.
 */
import { chromium } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../playwright.config';
import { startStunServer } from '../test/gateway/stun-server';
import { launchWebHost } from '../test/e2e/fixtures';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const dir = mkdtempSync(join(tmpdir(), 'softphone-bench-net-'));
const interfacesFile = join(dir, 'interfaces.json');
const network = (n: number): string =>
  JSON.stringify({ eth0: [{ address: `10.${n}.0.5`, netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: `10.${n}.0.5/24` }] });
writeFileSync(interfacesFile, network(0));
const stunServer = await startStunServer();
const provisioningPath = join(dir, 'provisioning.json');
writeFileSync(
  provisioningPath,
  JSON.stringify({
    version: 1,
    firstRun: false,
    account: { gateways: ['ws://127.0.0.1:9'], sipUri: 'sip:alice@127.0.0.1', password: 'x', iceServers: [stunServer.url] },
    emergency: { address: { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris' } },
  }),
);
const host = await launchWebHost({ dataDir: join(dir, 'data'), provisioningPath, testInterfacesFile: interfacesFile });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const away: number[] = [];
const back: number[] = [];
try {
  const page = await browser.newPage();
  await page.goto(host.url);
  await page.getByTestId('address-compact').waitFor();
  const warning = page.getByTestId('roaming-warning');
  for (let i = 1; i <= RUNS; i++) {
    stunServer.setMappedAddress('8.8.8.8');
    let t0 = Date.now();
    writeFileSync(interfacesFile, network(i));
    await warning.waitFor({ state: 'visible', timeout: 10_000 });
    away.push(Date.now() - t0);
    stunServer.setMappedAddress(undefined);
    t0 = Date.now();
    writeFileSync(interfacesFile, network(0));
    await warning.waitFor({ state: 'detached', timeout: 10_000 });
    back.push(Date.now() - t0);
  }
} finally {
  await browser.close();
  await host.stop();
  await stunServer.close();
}
const fmt = (xs: number[]): string => `median ${median(xs)} ms (n=${xs.length}, min ${Math.min(...xs)}, max ${Math.max(...xs)})`;
console.log(`network change → roaming warning shown  : ${fmt(away)}`);
console.log(`network change → roaming warning cleared: ${fmt(back)}`);
