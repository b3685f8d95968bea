/**
 * Playwright fixtures: one real gateway per worker, and a real web-mode host process per test
 * with its own data directory and provisioning file.
 */
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type Gateway } from '../gateway/harness';

export interface WebHost {
  url: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface HostOptions {
  /** The provisioning file's contents (or a function of the gateway giving them); null for none. */
  provisioning?: Record<string, unknown> | null | ((gw: Gateway) => Record<string, unknown>);
  dataDir?: string;
  /** Extra environment for the host process. */
  env?: Record<string, string>;
  /** The host reads its network interfaces from this file (--test-interfaces): rewriting it "moves" the machine. */
  testInterfacesFile?: string;
}

/** The web-mode host as electron-vite builds it from main/web/cli.ts. */
export const WEB_HOST = 'out/main/web.js';

export async function launchWebHost(opts: {
  dataDir: string;
  provisioningPath?: string;
  env?: Record<string, string>;
  /** Passed as the CLI's --test-interfaces (the only way in: no environment variable). */
  testInterfacesFile?: string;
}): Promise<WebHost> {
  // The built host (npx electron-vite build), as `npm run web` starts it: no TypeScript compiled at start.
  if (!existsSync(WEB_HOST)) throw new Error(`${WEB_HOST} is missing: run \`npx electron-vite build\` first`);
  const args = [WEB_HOST, '--port', '0', '--data-dir', opts.dataDir];
  if (opts.provisioningPath) args.push('--provisioning', opts.provisioningPath);
  if (opts.testInterfacesFile) args.push('--test-interfaces', opts.testInterfacesFile);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANG: 'en_US.UTF-8', ...opts.env } });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`web host did not start: ${stderr}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /SOFTPHONE_WEB_URL=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited ${code}: ${stderr}`));
    });
  });
  return {
    url,
    dataDir: opts.dataDir,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export function accountFor(gw: Gateway, user = 'alice', password?: string): Record<string, unknown> {
  const u = gw.users.find((x) => x.user === user);
  return {
    gateways: [gw.wsUrl],
    sipUri: `sip:${user}@${gw.domain}`,
    authUser: user,
    displayName: user === 'alice' ? 'Alice Martin' : user,
    password: password ?? u?.password ?? '',
    iceServers: [],
  };
}

/**
 * Another party on the gateway: their own web-mode host and browser context, registered as `user`
 * (bob for call waiting and transfer). `close` stops both.
 */
export async function openParty(browser: Browser, gw: Gateway, user: string): Promise<{ page: Page; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `softphone-${user}-`));
  writeFileSync(join(dir, 'provisioning.json'), JSON.stringify({ version: 1, firstRun: false, account: accountFor(gw, user), emergency: { homeCountry: 'FR' } }));
  const host = await launchWebHost({ dataDir: join(dir, 'data'), provisioningPath: join(dir, 'provisioning.json') });
  const context = await browser.newContext({ permissions: ['microphone'] });
  const page = await context.newPage();
  if (process.env.GATEWAY_LOG) page.on('console', (m) => console.log(`[${user} ${m.type()}] ${m.text()}`));
  await page.goto(host.url);
  await expectRegistered(page);
  return {
    page,
    close: async () => {
      await context.close();
      await host.stop();
    },
  };
}

type Fixtures = {
  hostOptions: HostOptions;
  webHost: WebHost;
  app: Page;
};

export const test = base.extend<Fixtures, { gateway: Gateway }>({
  gateway: [
    async ({}, use) => {
      const gw = await startGateway({ log: process.env.GATEWAY_LOG ? (l) => console.log(l) : undefined });
      await use(gw);
      await gw.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  hostOptions: [{}, { option: true }],
  webHost: async ({ gateway, hostOptions }, use) => {
    const dataDir = hostOptions.dataDir ?? mkdtempSync(join(tmpdir(), 'softphone-data-'));
    const option = hostOptions.provisioning;
    const given =
      option === undefined ? { version: 1, account: accountFor(gateway), emergency: { homeCountry: 'FR' } } : typeof option === 'function' ? option(gateway) : option;
    let provisioningPath: string | undefined;
    // Provisioned machines get first run once; the tests start at the dialer unless they say otherwise.
    const provisioning = given && !('firstRun' in given) ? { ...given, firstRun: false } : given;
    if (provisioning) {
      provisioningPath = join(dataDir, 'provisioning.json');
      writeFileSync(provisioningPath, JSON.stringify(provisioning, null, 2));
    }
    const host = await launchWebHost({ dataDir, provisioningPath, env: hostOptions.env, testInterfacesFile: hostOptions.testInterfacesFile });
    await use(host);
    await host.stop();
  },
  app: async ({ page, webHost }, use) => {
    if (process.env.GATEWAY_LOG) {
      page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
    }
    await page.goto(webHost.url);
    await use(page);
  },
});

export { expect };

export async function expectRegistered(page: Page): Promise<void> {
  await expect(page.getByTestId('registration')).toHaveAttribute('data-status', 'registered', { timeout: 20_000 });
}

/** Waits until the call's getStats() counters show packets both sent and received. */
export async function expectAudioBothWays(page: Page, minPackets = 25): Promise<void> {
  const stats = page.getByTestId('audio-stats').first();
  await expect
    .poll(async () => Number(await stats.getAttribute('data-packets-received')), { timeout: 15_000 })
    .toBeGreaterThan(minPackets);
  await expect
    .poll(async () => Number(await stats.getAttribute('data-packets-sent')), { timeout: 15_000 })
    .toBeGreaterThan(minPackets);
}

/** The page hears the far end: the received audio level (inbound-rtp audioLevel) is above silence. */
export async function expectHearing(page: Page): Promise<void> {
  const stats = page.getByTestId('audio-stats').first();
  await expect.poll(async () => Number(await stats.getAttribute('data-audio-level')), { timeout: 15_000 }).toBeGreaterThan(0.01);
}

/** RMS amplitude of a WAV file, measured by sox (0 = silence). */
export function wavRms(file: string): number {
  // `sox … stat` reports on stderr.
  const r = spawnSync('sox', [file, '-n', 'stat'], { encoding: 'utf8' });
  return parseRms(`${r.stdout}${r.stderr}`);
}

export function parseRms(text: string): number {
  const m = /RMS\s+amplitude:\s+([0-9.]+)/.exec(text);
  return m ? Number(m[1]) : 0;
}
