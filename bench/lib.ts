/** Helpers shared by the benches (run.ts, compare.ts, soak.ts). */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Installed in a page with `page.addInitScript({ path: PAGE_PROBES })`: see page-probes.js. */
export const PAGE_PROBES = join(HERE, 'page-probes.js');

export const EMERGENCY_ADDRESS = { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris', FLR: '3' };

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export const fmt = (xs: number[]): string =>
  xs.length === 0 ? 'no samples' : `median ${median(xs).toFixed(0)} ms (n=${xs.length}, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

/** Writes a provisioning file for the web host: the account, its ICE servers, a French address. */
export function writeProvisioning(dir: string, account: Record<string, unknown>, iceServers: string[]): string {
  const path = join(dir, 'provisioning.json');
  writeFileSync(path, JSON.stringify({ version: 1, firstRun: false, account: { ...account, iceServers }, emergency: { homeCountry: 'FR', address: EMERGENCY_ADDRESS } }));
  return path;
}

/**
 * INVITEs as the gateway's Kamailio logs them (`REQ INVITE <ruri> … ci=<Call-ID>`), timed when the
 * line reaches this process. Pass `onLog` as the gateway's `log` option.
 */
export class GatewayInvites {
  readonly seen: Array<{ ruri: string; callId: string; at: number }> = [];

  readonly onLog = (line: string): void => {
    const m = /REQ INVITE (\S+) .*ci=(\S+)/.exec(line);
    if (m) this.seen.push({ ruri: m[1] as string, callId: m[2] as string, at: Date.now() });
  };

  /** When the gateway first saw an INVITE of this Call-ID (the one before the auth challenge). */
  firstOf(callId: string): number | undefined {
    return this.seen.find((x) => x.callId === callId)?.at;
  }
}

/** The figures this machine's results depend on. */
export function machineDescription(chromiumVersion: string): string[] {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // keep os.cpus()
  }
  const gib = (n: number): string => `${(n / 2 ** 30).toFixed(1)} GiB`;
  return [
    `- CPU: ${model}, nproc ${nproc}`,
    `- memory: ${gib(totalmem())} (${gib(freemem())} free at the end)`,
    `- load average (1, 5, 15 min) at the end: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`,
    `- Chromium ${chromiumVersion} (/usr/bin/chromium), Node ${process.version}`,
    `- date: ${new Date().toISOString()}`,
  ];
}

/** The probes' state in a page (see page-probes.js). */
export interface Probes {
  presses: number[];
  sent: Array<{ at: number; method: string; callId: string }>;
  registeredAt: number[];
  rtp: Array<{ created: number; at: number; seenAt: number; lowerBound: number; packets: number; interval: number; pollMs: number; pollMaxMs: number }>;
}

export async function probes(page: Page): Promise<Probes> {
  return page.evaluate(() => {
    const b = (window as unknown as { __bench: Probes }).__bench;
    return { presses: b.presses, sent: b.sent, registeredAt: b.registeredAt, rtp: b.rtp };
  });
}

export interface OpenThings {
  openPeerConnections: string[];
  sparePeerConnections: number;
  liveTracks: string[];
  openSockets: string[];
}

export async function openThings(page: Page): Promise<OpenThings> {
  return page.evaluate(() => (window as unknown as { __bench: { check(): OpenThings } }).__bench.check());
}

export async function audioCounters(page: Page): Promise<{ sent: number; received: number } | null> {
  return page.evaluate(() => (window as unknown as { __bench: { audio(): Promise<{ sent: number; received: number } | null> } }).__bench.audio());
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
