import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir, type NetworkInterfaceInfo } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createNetworkMonitor, fingerprint, NetworkMonitor, type NetworkMonitorOptions } from '../../main/host/network';
import { startStunServer, type StunServer } from '../gateway/stun-server';

// Integration: a real STUN exchange on 127.0.0.1, the real DB-IP database, the real decision.
describe('NetworkMonitor with a local STUN server', () => {
  let stunServer: StunServer;
  const dir = mkdtempSync(join(tmpdir(), 'softphone-netmon-'));
  const interfacesFile = join(dir, 'interfaces.json');
  beforeAll(async () => {
    stunServer = await startStunServer();
    writeFileSync(interfacesFile, JSON.stringify({ eth0: [{ address: '10.0.0.5', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '10.0.0.5/24' }] }));
  });
  afterAll(async () => {
    await stunServer.close();
  });

  it.each([
    ['8.8.8.8', 'US', 'high'],
    ['81.2.69.160', 'GB', 'high'],
    ['203.0.113.7', null, 'unknown'],
    ['192.168.1.20', null, 'unknown'],
  ])('the STUN-mapped address %s gives %s', async (mapped, country, confidence) => {
    stunServer.setMappedAddress(mapped);
    const monitor = new NetworkMonitor({ stunServers: async () => [stunServer.url], interfacesFile });
    await monitor.start();
    monitor.stop();
    expect(monitor.current.decision).toMatchObject({ country, confidence });
    expect(monitor.current.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a tunnel interface makes the IP untrustworthy', async () => {
    stunServer.setMappedAddress('8.8.8.8');
    const vpnFile = join(dir, 'vpn.json');
    writeFileSync(vpnFile, JSON.stringify({ wg0: [{ address: '10.66.0.2', netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '10.66.0.2/24' }] }));
    const monitor = new NetworkMonitor({ stunServers: async () => [stunServer.url], interfacesFile: vpnFile });
    await monitor.start();
    monitor.stop();
    expect(monitor.current.decision).toMatchObject({ country: null, confidence: 'unknown' });
  });

  it('without a STUN server, nothing is sent and nothing is guessed', async () => {
    const monitor = new NetworkMonitor({ stunServers: async () => [], interfacesFile });
    await monitor.start();
    monitor.stop();
    expect(monitor.current.decision.country).toBeNull();
  });
});

// Issue 9, item 16: the interfaces decide the address sent with an emergency call, so the test seam
// that replaces them enters only through web mode's --test-interfaces flag, never the environment.
describe('the test-interfaces seam stays out of Electron', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softphone-seam-'));
  const seamFile = join(dir, 'interfaces.json');
  const seamInterfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = { 'wg-seam0': [{ address: '10.77.0.5', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:77', internal: false, cidr: '10.77.0.5/24' }] };
  writeFileSync(seamFile, JSON.stringify(seamInterfaces));
  const noAccount = async (): Promise<null> => null;
  const optsOf = (m: NetworkMonitor): NetworkMonitorOptions => (m as unknown as { opts: NetworkMonitorOptions }).opts;
  const vpnReason = (m: NetworkMonitor): unknown => m.current.decision.reasons.find((r) => r.code === 'vpn');

  it('with SOFTPHONE_TEST_INTERFACES set, the factory Electron main uses reads the OS, not the file', async () => {
    const saved = process.env.SOFTPHONE_TEST_INTERFACES;
    process.env.SOFTPHONE_TEST_INTERFACES = seamFile;
    try {
      // As main/index.ts calls it: account and sites, nothing else.
      const monitor = createNetworkMonitor(noAccount, async () => []);
      expect(optsOf(monitor).interfacesFile ?? null).toBeNull();
      await monitor.start();
      monitor.stop();
      expect(monitor.current.fingerprint).toBe(fingerprint(networkInterfaces()));
      expect(monitor.current.fingerprint).not.toBe(fingerprint(seamInterfaces));
      expect(JSON.stringify(vpnReason(monitor) ?? null)).not.toContain('wg-seam0');
    } finally {
      if (saved === undefined) delete process.env.SOFTPHONE_TEST_INTERFACES;
      else process.env.SOFTPHONE_TEST_INTERFACES = saved;
    }
  });

  it('an explicit interfacesFile option is read, and nothing else sets one', async () => {
    const explicit = createNetworkMonitor(noAccount, async () => [], { interfacesFile: seamFile });
    await explicit.start();
    explicit.stop();
    expect(explicit.current.fingerprint).toBe(fingerprint(seamInterfaces));
    expect(vpnReason(explicit)).toEqual({ code: 'vpn', interfaces: ['wg-seam0'] });

    expect(optsOf(createNetworkMonitor(noAccount)).interfacesFile ?? null).toBeNull();
  });

  const mainDir = resolve(__dirname, '../../main');
  const webDir = join(mainDir, 'web') + sep;
  const sources = (d: string): string[] =>
    readdirSync(d).flatMap((n) => {
      const p = join(d, n);
      return statSync(p).isDirectory() ? sources(p) : /\.(ts|tsx|js|mjs|cjs)$/.test(n) ? [p] : [];
    });

  it('no file under main/ outside main/web/ names the variable or reads a test seam from the environment', () => {
    const outside = sources(mainDir).filter((f) => !f.startsWith(webDir));
    expect(outside.length).toBeGreaterThan(3);
    const offenders: string[] = [];
    for (const file of outside) {
      const text = readFileSync(file, 'utf8');
      const where = relative(mainDir, file);
      if (/SOFTPHONE_TEST|TEST_INTERFACES/.test(text)) offenders.push(`${where}: names a test variable`);
      // Every environment variable read there: process.env.X, process.env['X'], env[X].
      for (const m of text.matchAll(/(?:process\.env|\benv)\s*(?:\.\s*(\w+)|\[\s*['"`]?(\w+))/g)) {
        const name = m[1] ?? m[2] ?? '';
        if (/test|seam|fake|mock/i.test(name)) offenders.push(`${where}: reads ${name} from the environment`);
      }
      if (/interfacesFile\s*:/.test(text) && !file.endsWith(join('host', 'network.ts'))) offenders.push(`${where}: passes an interfaces file`);
    }
    expect(offenders).toEqual([]);
  });

  it("Electron main's imports never reach main/web/ (where the seam is set)", () => {
    const seen = new Set<string>();
    const resolveImport = (from: string, spec: string): string | null => {
      const base = resolve(dirname(from), spec);
      for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
      return null;
    };
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = resolveImport(file, m[1] as string);
        if (target) visit(target);
      }
    };
    visit(join(mainDir, 'index.ts'));
    expect(seen.has(join(mainDir, 'host', 'network.ts'))).toBe(true);
    expect([...seen].filter((f) => f.startsWith(webDir)).map((f) => relative(mainDir, f))).toEqual([]);
  });
});
