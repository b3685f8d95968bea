import { describe, expect, it } from 'vitest';
import { decideNetworkCountry, describeReason, isTunnelInterface, type NetworkSignals } from '../../src/network/decide';
import { isPublicIp } from '../../src/network/ip';

const none: NetworkSignals = { publicIps: [], vpnInterfaces: [], timeZone: null, timeZoneCountries: [], site: null };
const us = { ip: '8.8.8.8', source: 'stun' as const, country: 'US' };

describe('decideNetworkCountry', () => {
  it('a public IP gives its country, high', () => {
    const d = decideNetworkCountry({ ...none, publicIps: [us] });
    expect(d).toMatchObject({ country: 'US', confidence: 'high' });
    expect(describeReason(d.reasons[0]!)).toBe('public IP 8.8.8.8 (stun) → US (DB-IP)');
  });
  it('two sources that agree are high even when the time zone disagrees', () => {
    const d = decideNetworkCountry({ ...none, publicIps: [us, { ...us, source: 'via-received' }], timeZone: 'Europe/Paris', timeZoneCountries: ['FR', 'MC'] });
    expect(d).toMatchObject({ country: 'US', confidence: 'high' });
  });
  it('the time zone never overrides nor weakens the IP', () => {
    const d = decideNetworkCountry({ ...none, publicIps: [us], timeZone: 'Europe/Paris', timeZoneCountries: ['FR', 'MC'] });
    expect(d).toMatchObject({ country: 'US', confidence: 'high' });
    expect(d.reasons.find((r) => r.code === 'timeZone')).toMatchObject({ used: false });
  });
  it('private, loopback and documentation addresses give unknown, never a guess', () => {
    for (const ip of ['10.1.2.3', '192.168.1.10', '172.20.0.1', '127.0.0.1', '100.64.0.1', '169.254.1.1', '203.0.113.7', '::1', 'fd00::2', 'fe80::1']) {
      const d = decideNetworkCountry({ ...none, publicIps: [{ ip, source: 'stun', country: 'US' }] });
      expect(d, ip).toMatchObject({ country: null, confidence: 'unknown' });
      expect(d.reasons[0]?.code).toBe('notPublic');
    }
  });
  it('a public IP the database does not know gives unknown', () => {
    expect(decideNetworkCountry({ ...none, publicIps: [{ ip: '8.8.4.4', source: 'stun', country: null }] })).toMatchObject({ country: null, confidence: 'unknown' });
  });
  it('a VPN makes the IP untrustworthy: unknown', () => {
    const d = decideNetworkCountry({ ...none, publicIps: [us], vpnInterfaces: ['wg0'] });
    expect(d).toMatchObject({ country: null, confidence: 'unknown' });
    expect(d.reasons.map((r) => r.code)).toContain('vpn');
  });
  it('disagreeing public IPs: unknown', () => {
    const d = decideNetworkCountry({ ...none, publicIps: [us, { ip: '81.2.69.160', source: 'via-received', country: 'GB' }] });
    expect(d).toMatchObject({ country: null, confidence: 'unknown' });
  });
  it('with no address, a time zone of one country is a low-confidence hint', () => {
    expect(decideNetworkCountry({ ...none, timeZone: 'Europe/Berlin', timeZoneCountries: ['DE'] })).toMatchObject({ country: 'DE', confidence: 'low' });
    expect(decideNetworkCountry({ ...none, timeZone: 'Europe/Zurich', timeZoneCountries: ['CH', 'DE', 'LI'] })).toMatchObject({ country: null, confidence: 'unknown' });
  });
  it('an administrator network site wins', () => {
    expect(decideNetworkCountry({ ...none, publicIps: [us], vpnInterfaces: ['tun0'], site: { name: 'Lyon HQ', country: 'FR' } })).toMatchObject({ country: 'FR', confidence: 'high' });
  });
  it('nothing at all: unknown', () => {
    expect(decideNetworkCountry(none)).toMatchObject({ country: null, confidence: 'unknown', reasons: [{ code: 'noSignal' }] });
  });
});

describe('isPublicIp and tunnels', () => {
  it('knows public addresses', () => {
    expect(isPublicIp('8.8.8.8')).toBe(true);
    expect(isPublicIp('2001:4860:4860::8888')).toBe(true);
    expect(isPublicIp('::ffff:8.8.8.8')).toBe(true);
    expect(isPublicIp('not an ip')).toBe(false);
  });
  it('knows tunnel interfaces', () => {
    for (const n of ['tun0', 'tap1', 'wg0', 'utun3', 'ppp0', 'tailscale0']) expect(isTunnelInterface(n), n).toBe(true);
    for (const n of ['eth0', 'wlan0', 'en0', 'lo', 'docker0']) expect(isTunnelInterface(n), n).toBe(false);
  });
});
