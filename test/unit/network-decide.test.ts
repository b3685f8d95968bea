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

import { inCidr, isCidr, matchSite } from '../../src/network/sites';

describe('network sites', () => {
  const lyon = { name: 'Lyon HQ', subnets: ['10.9.0.0/16'], publicIps: ['198.51.100.0/24'], address: { country: 'FR', A3: 'Lyon' } };
  const paris = { name: 'Paris', subnets: ['192.168.10.0/24'], publicIps: [], address: { country: 'FR', A3: 'Paris' } };
  it('matches CIDR ranges', () => {
    expect(inCidr('10.9.200.1', '10.9.0.0/16')).toBe(true);
    expect(inCidr('10.10.0.1', '10.9.0.0/16')).toBe(false);
    expect(inCidr('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(isCidr('10.0.0.0/8')).toBe(true);
    expect(isCidr('10.0.0.0/33')).toBe(false);
    expect(isCidr('nope')).toBe(false);
  });
  it('finds the site by local subnet or by public range', () => {
    expect(matchSite([paris, lyon], ['10.9.3.4'], [])?.name).toBe('Lyon HQ');
    expect(matchSite([paris, lyon], ['172.16.0.2'], ['198.51.100.77'])?.name).toBe('Lyon HQ');
    expect(matchSite([paris, lyon], ['192.168.10.5'], [])?.name).toBe('Paris');
    expect(matchSite([paris, lyon], ['10.1.1.1'], ['8.8.8.8'])).toBeNull();
  });
});
