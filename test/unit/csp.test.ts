import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, gatewayOrigins } from '../../main/host/csp';

const connectSrc = (policy: string): string[] =>
  (policy.split('; ').find((d) => d.startsWith('connect-src ')) ?? '').split(' ').slice(1);

describe('gatewayOrigins', () => {
  it("keeps each ws:/wss: gateway's exact origin, once, in order", () => {
    expect(
      gatewayOrigins(['wss://sip1.example.com:8443/ws', 'wss://sip2.example.com/ws?x=1', 'ws://127.0.0.1:8080/ws', 'wss://SIP1.example.com:8443/other', 'wss://sip3.example.com:443/ws']),
    ).toEqual(['wss://sip1.example.com:8443', 'wss://sip2.example.com', 'ws://127.0.0.1:8080', 'wss://sip3.example.com']);
  });

  it('leaves out what is not a ws:/wss: URL, or a host a policy cannot name', () => {
    expect(gatewayOrigins(['https://sip.example.com/ws', 'not a url', 'wss://[::1]:8443/ws', "wss://a;b/ws", 'wss://user:pw@sip.example.com/ws'])).toEqual([
      'wss://sip.example.com',
    ]);
  });
});

describe('contentSecurityPolicy', () => {
  it("names the account's gateways only, never any ws: or wss:", () => {
    const policy = contentSecurityPolicy({ gateways: ['wss://sip.example.com:8443/ws', 'wss://backup.example.com/ws'] });
    expect(connectSrc(policy)).toEqual(["'self'", 'wss://sip.example.com:8443', 'wss://backup.example.com']);
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
  });

  it('connects nowhere else with no account, and changes with the account', () => {
    expect(connectSrc(contentSecurityPolicy({ gateways: [] }))).toEqual(["'self'"]);
    expect(contentSecurityPolicy({ gateways: ['wss://a.example/ws'] })).not.toBe(contentSecurityPolicy({ gateways: ['wss://b.example/ws'] }));
  });

  it("web mode: any gateway, and its own bridge's origin", () => {
    const policy = contentSecurityPolicy({ gateways: 'any', extra: ['http://127.0.0.1:4321'] });
    expect(connectSrc(policy)).toEqual(["'self'", 'ws:', 'wss:', 'http://127.0.0.1:4321']);
  });

  it('a gateway URL cannot add a directive', () => {
    const policy = contentSecurityPolicy({ gateways: ["wss://x.example/ws; script-src 'unsafe-inline'", 'wss://x.example/;script-src *'] });
    expect(policy.match(/script-src/g)).toHaveLength(1);
  });
});
