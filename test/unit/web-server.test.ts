import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../main/web/server';

const PASSWORD = 'web-secret-Zq9';
let host: WebHost;
let dataDir: string;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch, so tests can send any Host and Origin header. */
function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function api(method: string, args: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return send(`/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Softphone-Token': host.token, ...headers },
    body: JSON.stringify(args),
  });
}

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'softphone-web-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Secours</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(rendererDir, 'notify-sw.js'), "self.addEventListener('notificationclick', () => {});");
  writeFileSync(join(root, 'outside.txt'), 'private');
  dataDir = join(root, 'data');
  host = await startWebHost({ port: 0, dataDir, rendererDir, systemLocale: 'en-GB' });
});

afterAll(async () => {
  await host?.close();
});

describe('web host', () => {
  it('prints a 127.0.0.1 URL carrying the token in the fragment', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves index.html and assets with MIME types and the CSP', async () => {
    const index = await send('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.body).toContain('Secours');
    const js = await send('/assets/app.js');
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect((await send('/missing.js')).status).toBe(404);
  });

  it("serves the notifications' service worker as JavaScript from the root (its scope is the whole page)", async () => {
    const sw = await send('/notify-sw.js');
    expect(sw.status).toBe(200);
    expect(sw.headers['content-type']).toMatch(/^text\/javascript/);
    expect(sw.headers['content-security-policy']).toContain("script-src 'self'");
    expect(sw.body).toContain('notificationclick');
  });

  it('takes setAttention and does nothing with it (no badge in web mode)', async () => {
    const ok = await api('setAttention', [{ missedCalls: 2, flash: true }]);
    expect(ok.status).toBe(200);
    expect((await api('setAttention', [{ missedCalls: -1, flash: true }])).status).toBe(400);
  });

  it('refuses directory traversal', async () => {
    for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt', '/%00']) {
      const r = await send(path);
      expect(r.status, path).not.toBe(200);
      expect(r.body).not.toContain('private');
    }
  });

  it('rejects a missing or wrong token', async () => {
    expect((await api('getState', [], { 'X-Softphone-Token': '' })).status).toBe(401);
    expect((await api('getState', [], { 'X-Softphone-Token': 'x'.repeat(host.token.length) })).status).toBe(401);
    const none = await send('/api/getState', { method: 'POST', body: '[]' });
    expect(none.status).toBe(401);
  });

  it('rejects a foreign Origin or Host (DNS rebinding)', async () => {
    expect((await api('getState', [], { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('getState', [], { Origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await api('getState', [], { Host: `evil.example:${host.port}` })).status).toBe(421);
    expect((await send('/', { headers: { Host: 'evil.example' } })).status).toBe(421);
  });

  it('answers bad calls with 400 and a message', async () => {
    const unknown = await api('deleteEverything', []);
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).error).toMatch(/unknown host method/);
    expect((await api('setPreferences', [{ language: 'de' }])).status).toBe(400);
    expect((await send('/api/getState', { method: 'POST', headers: { 'X-Softphone-Token': host.token }, body: '{not json' })).status).toBe(400);
    expect((await send('/api/getState', { headers: { 'X-Softphone-Token': host.token } })).status).toBe(405);
  });

  it('round-trips saveAccount and getState; the password stays out of the settings file', async () => {
    const input = {
      gateways: ['ws://127.0.0.1:8080/ws'],
      sipUri: 'sip:alice@127.0.0.1',
      authUser: 'alice',
      displayName: 'Alice Martin',
      password: PASSWORD,
      iceServers: [],
    };
    const saved = await api('saveAccount', [input]);
    expect(saved.status).toBe(200);
    expect(JSON.parse(saved.body).result).toMatchObject({ ok: true, state: { accountSource: 'user', hasPassword: true } });
    const state = JSON.parse((await api('getState', [])).body).result;
    expect(state).toMatchObject({ mode: 'web', systemLocale: 'en-GB', account: { sipUri: 'sip:alice@127.0.0.1', displayName: 'Alice Martin' } });
    expect(state.account).not.toHaveProperty('password');
    expect(JSON.parse((await api('getPassword', [])).body).result).toBe(PASSWORD);
    const settingsFile = readFileSync(join(dataDir, 'settings.json'), 'utf8');
    expect(settingsFile).toContain('sip:alice@127.0.0.1');
    expect(settingsFile).not.toContain(PASSWORD);
    for (const f of readdirSync(dataDir)) expect(readFileSync(join(dataDir, f)).includes(PASSWORD), f).toBe(false);
  });
});

describe('web host: address book', () => {
  it('takes a vCard file far larger than other calls, up to the 5 MB the bridge allows', async () => {
    const cards = Array.from({ length: 5000 }, (_, i) => `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Web Person ${i}\r\nTEL:+33 6 ${String(i).padStart(8, '0')}\r\nNOTE:${'n'.repeat(100)}\r\nEND:VCARD\r\n`).join('');
    expect(cards.length).toBeGreaterThan(64 * 1024);
    const r = await api('importContacts', [cards]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).result).toEqual({ imported: 5000, skipped: [] });
    expect(readdirSync(dataDir)).toContain('contacts.json');
    const listed = JSON.parse((await api('listContacts', [])).body).result as Array<{ name: string }>;
    expect(listed).toHaveLength(5000);
    // Other calls keep the small limit; an import over 5 MB is refused by the shape check.
    expect((await api('saveContact', [{ name: 'A', numbers: [], note: 'n'.repeat(70_000) }])).status).toBe(413);
    expect((await api('importContacts', ['a'.repeat(5 * 1024 * 1024 + 1)])).status).toBe(400);
  });
});
