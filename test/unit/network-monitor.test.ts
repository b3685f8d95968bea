import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkMonitor } from '../../main/host/network';
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
