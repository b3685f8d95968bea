import { describe, expect, it } from 'vitest';
import { checkAccount, checkGatewayUrl, parseSipUri, withoutPassword } from '../../src/account';

const good = {
  gateways: ['wss://sip.example.com/ws', 'wss://sip2.example.com/ws'],
  sipUri: 'sip:alice@example.com',
  authUser: 'alice',
  displayName: 'Alice',
  password: 'pw',
  iceServers: ['stun:stun.example.com:3478', { urls: 'turn:turn.example.com', username: 'u', credential: 'c' }],
};

describe('checkAccount', () => {
  it('accepts a complete account and normalises ICE servers', () => {
    const r = checkAccount(good, true);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.gateways).toHaveLength(2);
      expect(r.value.iceServers).toEqual([
        { urls: ['stun:stun.example.com:3478'] },
        { urls: ['turn:turn.example.com'], username: 'u', credential: 'c' },
      ]);
      expect(withoutPassword(r.value)).not.toHaveProperty('password');
    }
  });

  it('defaults the auth user to the SIP user', () => {
    const r = checkAccount({ ...good, authUser: '' }, true);
    expect(r.ok && r.value.authUser).toBe('alice');
  });

  it('names every bad field', () => {
    const r = checkAccount({ gateways: ['http://x', 'ws://example.com'], sipUri: 'alice', password: '', iceServers: ['http://nope'] }, true);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.field).sort()).toEqual(['gateways[0]', 'gateways[1]', 'iceServers.urls', 'password', 'sipUri'].sort().map((f) => (f === 'iceServers.urls' ? 'iceServers[0].urls' : f)));
    }
  });

  it('prefixes field paths for the provisioning file', () => {
    const r = checkAccount({ gateways: [], sipUri: 'sip:a@b' }, false, 'account');
    expect(!r.ok && r.errors[0]?.field).toBe('account.gateways');
  });

  it('rejects line breaks that could inject SIP headers', () => {
    const r = checkAccount({ ...good, displayName: 'Eve\r\nPriority: emergency' }, true);
    expect(!r.ok && r.errors[0]?.code).toBe('controlChars');
  });

  it('rejects a non-object', () => {
    expect(checkAccount('nope', false).ok).toBe(false);
    expect(checkAccount(null, false).ok).toBe(false);
  });
});

describe('checkGatewayUrl', () => {
  it('allows ws:// only to loopback', () => {
    expect(checkGatewayUrl('ws://127.0.0.1:8088', 'g')).toBeNull();
    expect(checkGatewayUrl('ws://localhost:8088', 'g')).toBeNull();
    expect(checkGatewayUrl('ws://10.0.0.1:8088', 'g')?.code).toBe('gatewayInsecure');
    expect(checkGatewayUrl('wss://10.0.0.1:8089/ws', 'g')).toBeNull();
    expect(checkGatewayUrl('https://x', 'g')?.code).toBe('gatewayScheme');
    expect(checkGatewayUrl('not a url', 'g')?.code).toBe('gatewayInvalid');
  });
});

describe('parseSipUri', () => {
  it('parses user and host', () => {
    expect(parseSipUri('sip:alice@127.0.0.1')).toEqual({ user: 'alice', host: '127.0.0.1' });
    expect(parseSipUri('sips:bob@example.com:5061')).toEqual({ user: 'bob', host: 'example.com' });
    expect(parseSipUri('alice@example.com')).toBeNull();
  });
});
