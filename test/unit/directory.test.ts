/**
 * The company directory against a real CardDAV server: Radicale on 127.0.0.1 (test/gateway/radicale.ts),
 * plus the pieces around it (vCard reading, the provisioning section, the stored credentials).
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_CACHE_FILE, Directory, provisionedDirectoryConfig } from '../../main/host/directory';
import { loadProvisioning, type Provisioning } from '../../main/host/provisioning';
import { DIRECTORY_SECRET, fileKeySecrets } from '../../main/host/secrets';
import { createHostServices } from '../../main/host/services';
import { openConfSettings } from '../../main/host/settings-store';
import { checkHostCall, HostCallError } from '../../src/host-api';
import { radicaleInstalled, startRadicale, type Radicale } from '../gateway/radicale';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'softphone-directory-'));

const CARDS = [
  ['BEGIN:VCARD', 'VERSION:3.0', 'UID:zoe-muller', 'FN:Zoé Müller', 'N:Müller;Zoé;;;', 'ORG:Secours SA;Accueil', 'TEL;TYPE=work,voice:+33 1 23 45 67 89', 'EMAIL:zoe@example.com', 'END:VCARD'],
  ['BEGIN:VCARD', 'VERSION:4.0', 'UID:urn:uuid:5e1c', 'FN:Bertrand Dupont', 'TEL;TYPE=work;VALUE=uri:tel:+33-4-11-22-33-44', 'TEL;TYPE=cell:+33 6 55 44 33 22', 'NOTE:Astreinte\\, le week-end', 'END:VCARD'],
  ['BEGIN:VCARD', 'VERSION:3.0', 'UID:security-desk', 'FN:Poste de sécurité', 'TEL:2000', 'END:VCARD'],
].map((lines) => `${lines.join('\r\n')}\r\n`);

describe.skipIf(!radicaleInstalled())('company directory over CardDAV (a real Radicale)', () => {
  let server: Radicale;
  const dataDir = tmp();
  const directory = new Directory(dataDir);

  beforeAll(async () => {
    server = await startRadicale();
    for (const card of CARDS) await server.addCard(card);
  }, 20_000);
  afterAll(async () => {
    directory.stop();
    await server?.stop();
  });

  it('syncs the address book and searches it by name and by number', async () => {
    expect(directory.status()).toMatchObject({ configured: false, count: 0, lastSyncAt: null });
    directory.configure({ url: server.addressBookUrl, username: server.user, password: server.password });
    expect(await directory.sync()).toEqual({ ok: true, count: 3 });
    const status = directory.status();
    expect(status).toMatchObject({ configured: true, count: 3, lastError: null, lastErrorCode: null, syncing: false });
    expect(Date.now() - Date.parse(status.lastSyncAt ?? '')).toBeLessThan(10_000);

    // UTF-8 both ways: typed with or without accents, in any case.
    for (const q of ['Zoé', 'zoe', 'MÜLLER', 'zoe mul', 'secours']) expect(directory.search(q).map((e) => e.name), q).toEqual(['Zoé Müller']);
    expect(directory.search('zoe')[0]).toEqual({
      id: 'zoe-muller',
      name: 'Zoé Müller',
      organization: 'Secours SA, Accueil',
      numbers: [{ label: 'work', number: '+33 1 23 45 67 89' }],
      email: 'zoe@example.com',
      note: null,
    });
    // Two numbers: found by either, however written (national forms with the home country), both given back with their labels.
    const bertrand = { name: 'Bertrand Dupont', numbers: [{ label: 'work', number: '+33-4-11-22-33-44' }, { label: 'mobile', number: '+33 6 55 44 33 22' }], note: 'Astreinte, le week-end' };
    for (const q of ['06 55 44', '+33655443322', '0411223344', '+33 4 11']) expect(directory.search(q, 20, 'FR'), q).toEqual([expect.objectContaining(bertrand)]);
    expect(directory.search('0123456789', 20, 'FR').map((e) => e.name)).toEqual(['Zoé Müller']);
    expect(directory.search('2000').map((e) => e.name)).toEqual(['Poste de sécurité']);
    expect(directory.search('securite').map((e) => e.name)).toEqual(['Poste de sécurité']);
    expect(directory.search('nobody')).toEqual([]);
    expect(directory.search('   ')).toEqual([]);
    expect(directory.search('+33', 1)).toHaveLength(1);
    expect(directory.search('+33').map((e) => e.name)).toEqual(['Bertrand Dupont', 'Zoé Müller']);
  });

  it('keeps an owner-only copy on disk, rewritten only when the address book changed', async () => {
    const file = join(dataDir, DIRECTORY_CACHE_FILE);
    await directory.flush();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { entries: unknown[]; source: unknown };
    expect(stored.entries).toHaveLength(3);
    expect(stored.source).toEqual({ url: server.addressBookUrl, username: server.user });
    expect(readFileSync(file, 'utf8')).not.toContain(server.password);

    await server.addCard('BEGIN:VCARD\r\nVERSION:3.0\r\nUID:temp\r\nFN:Intérimaire\r\nTEL:2999\r\nEND:VCARD\r\n');
    expect(await directory.sync()).toEqual({ ok: true, count: 4 });
    await server.removeCard('temp');
    expect(await directory.sync()).toEqual({ ok: true, count: 3 });
    expect(directory.search('2999')).toEqual([]);
  });

  it('a wrong password: the error is said, the copy kept and still searched', async () => {
    directory.configure({ url: server.addressBookUrl, username: server.user, password: 'wrong' });
    const result = await directory.sync();
    expect(result.ok).toBe(false);
    expect(directory.status()).toMatchObject({ configured: true, count: 3, lastErrorCode: 'auth' });
    expect(directory.status().lastError).toMatch(/refused the user name or password \(401/);
    expect(directory.search('zoe')).toHaveLength(1);
    directory.configure({ url: server.addressBookUrl, username: server.user, password: server.password });
    expect(await directory.sync()).toEqual({ ok: true, count: 3 });
    expect(directory.status().lastError).toBeNull();
  });

  it('a URL that is not an address book, or not there, is said so', async () => {
    const other = new Directory(tmp());
    other.configure({ url: `${server.url}/${server.user}/`, username: server.user, password: server.password });
    expect(await other.sync()).toMatchObject({ ok: false });
    expect(other.status().lastErrorCode).toBe('notAddressBook');
    other.configure({ url: `${server.url}/${server.user}/missing/`, username: server.user, password: server.password });
    await other.sync();
    expect(other.status().lastErrorCode).toBe('notFound');
  });

  it('through the host services, configured from the provisioning file', async () => {
    const dir = tmp();
    const file = join(dir, 'provisioning.json');
    writeFileSync(file, JSON.stringify({ version: 1, directory: { carddav: { url: server.addressBookUrl, username: server.user, password: server.password } } }));
    const dirSecrets = fileKeySecrets(dir, DIRECTORY_SECRET);
    const services = createHostServices({
      mode: 'web',
      settings: openConfSettings(dir).settings,
      secrets: fileKeySecrets(dir),
      provisioning: loadProvisioning(file),
      systemLocale: 'fr-FR',
      directory: new Directory(dir),
      directorySecrets: dirSecrets,
    });
    expect((await services.searchDirectory('')).status).toMatchObject({ configured: true, count: 0 });
    expect(await services.syncDirectory()).toMatchObject({ configured: true, count: 3, lastError: null });
    const found = await services.searchDirectory('dupont');
    expect(found.entries.map((e) => e.name)).toEqual(['Bertrand Dupont']);
    // The home country (fr-FR here) reads national numbers.
    expect((await services.searchDirectory('06 55')).entries.map((e) => e.name)).toEqual(['Bertrand Dupont']);
    expect(found.status.count).toBe(3);
    // Stored like the SIP password: encrypted, apart from it, with the server it belongs to.
    expect(JSON.parse(dirSecrets.get() ?? '')).toEqual({ url: server.addressBookUrl, username: server.user, password: server.password });
    expect(fileKeySecrets(dir).get()).toBeNull();
  });

  it('syncs at start and again every refreshMs, in the background', async () => {
    const d = new Directory(tmp(), { startDelayMs: 0, refreshMs: 150 });
    d.configure({ url: server.addressBookUrl, username: server.user, password: server.password });
    const until = async (ok: () => boolean): Promise<void> => {
      for (const deadline = Date.now() + 5000; !ok(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > deadline) throw new Error('timed out');
    };
    expect(d.status().lastSyncAt).toBeNull();
    d.start();
    await until(() => d.status().count === 3);
    await server.addCard('BEGIN:VCARD\r\nVERSION:3.0\r\nUID:new-hire\r\nFN:Nouvelle Recrue\r\nTEL:2100\r\nEND:VCARD\r\n');
    await until(() => d.status().count === 4);
    expect(d.search('recrue')).toHaveLength(1);
    d.stop();
    await server.removeCard('new-hire');
  });

  it('offline: the copy answers when the server is gone, and after a restart', async () => {
    await server.stop();
    const result = await directory.sync();
    expect(result.ok).toBe(false);
    expect(directory.status()).toMatchObject({ count: 3, lastErrorCode: 'network' });
    expect(directory.search('zoe').map((e) => e.name)).toEqual(['Zoé Müller']);
    expect(directory.search('06 55', 20, 'FR').map((e) => e.name)).toEqual(['Bertrand Dupont']);

    // A new start: searchable from the file at once, and still after being configured the same way.
    const restarted = new Directory(dataDir);
    expect(restarted.search('müller').map((e) => e.name)).toEqual(['Zoé Müller']);
    expect(restarted.status()).toMatchObject({ count: 3, lastSyncAt: directory.status().lastSyncAt });
    restarted.configure({ url: server.addressBookUrl, username: server.user, password: server.password });
    expect(restarted.status()).toMatchObject({ configured: true, count: 3 });
    expect(restarted.search('2000')).toHaveLength(1);

    // Another address book: the copy of this one goes. No directory at all: the file goes too.
    restarted.configure({ url: 'https://dav.example.com/other/', username: server.user, password: 'x' });
    expect(restarted.status().count).toBe(0);
    restarted.configure(null);
    await restarted.flush();
    expect(existsSync(join(dataDir, DIRECTORY_CACHE_FILE))).toBe(false);
    expect(new Directory(dataDir).search('zoe')).toEqual([]);
  });
});

describe('company directory without a server', () => {
  it('refuses plain http to another machine, even if handed one', async () => {
    const d = new Directory(tmp());
    d.configure({ url: 'http://dav.example.com/book/', username: 'u', password: 'p' });
    expect(d.status()).toMatchObject({ configured: false, lastErrorCode: 'notConfigured' });
    expect(await d.sync()).toMatchObject({ ok: false });
  });

  it('cannot reach a closed port: a network error, quickly', async () => {
    const d = new Directory(tmp());
    d.configure({ url: 'http://127.0.0.1:9/book/', username: 'u', password: 'p' });
    expect(await d.sync()).toMatchObject({ ok: false });
    expect(d.status()).toMatchObject({ lastErrorCode: 'network', count: 0 });
    expect(d.status().lastError).toMatch(/cannot reach 127\.0\.0\.1:9/);
  });

  /** A one-off HTTP server on 127.0.0.1 that answers every request with `handler`. */
  const serve = async (handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> => {
    const server = createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/book/`, server };
  };
  const close = (server: Server): Promise<void> => {
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  };

  it('never follows a redirect (the password stays with the provisioned URL)', async () => {
    let requests = 0;
    const { url, server } = await serve((_req, res) => {
      requests++;
      res.writeHead(301, { location: 'https://elsewhere.example.com/book/' }).end();
    });
    try {
      const d = new Directory(tmp());
      d.configure({ url, username: 'u', password: 'p' });
      expect(await d.sync()).toMatchObject({ ok: false });
      expect(d.status()).toMatchObject({ lastErrorCode: 'server', lastError: expect.stringContaining('redirects (301) to https://elsewhere.example.com/book/') });
      expect(requests).toBe(1);
    } finally {
      await close(server);
    }
  });

  it('a server that does not answer: a timeout, the copy untouched', async () => {
    const { url, server } = await serve(() => undefined);
    try {
      const d = new Directory(tmp(), { timeoutMs: 300 });
      d.configure({ url, username: 'u', password: 'p' });
      expect(await d.sync()).toMatchObject({ ok: false });
      expect(d.status()).toMatchObject({ lastErrorCode: 'timeout', syncing: false, count: 0 });
    } finally {
      await close(server);
    }
  });

  it('a damaged copy is ignored, not fatal', () => {
    const dir = tmp();
    writeFileSync(join(dir, DIRECTORY_CACHE_FILE), '{"version":1,"source":');
    expect(new Directory(dir).status().count).toBe(0);
    writeFileSync(
      join(dir, DIRECTORY_CACHE_FILE),
      JSON.stringify({
        version: 1,
        source: { url: 'https://x/', username: 'u' },
        syncedAt: 'never',
        tag: null,
        entries: [
          { id: 'a', name: 'A', organization: null, numbers: [{ label: 'work', number: '1' }], email: null, note: null },
          { id: 'b', name: 42 },
          { id: 'c', name: 'C', organization: null, numbers: [{ label: 'pager', number: '2' }], email: null, note: null },
        ],
      }),
    );
    const d = new Directory(dir);
    expect(d.status()).toMatchObject({ count: 1, lastSyncAt: null });
  });
});

describe('the provisioning file’s directory section', () => {
  const load = (directory: unknown): Provisioning => {
    const dir = tmp();
    const file = join(dir, 'provisioning.json');
    writeFileSync(file, JSON.stringify({ version: 1, directory }));
    return loadProvisioning(file);
  };
  const fields = (p: Provisioning): string[] => p.notices.flatMap((n) => (n.errors ?? []).map((e) => `${e.field}:${e.code}`));

  it('takes https anywhere, http on this machine only, the password optional', () => {
    expect(load({ carddav: { url: 'https://dav.example.com/addressbooks/company/', username: 'phone', password: 's3cret' } })).toMatchObject({
      ok: true,
      directory: { carddav: { url: 'https://dav.example.com/addressbooks/company/', username: 'phone', password: 's3cret' } },
    });
    expect(load({ carddav: { url: 'http://127.0.0.1:5232/u/book/', username: 'u' } }).directory).toEqual({ carddav: { url: 'http://127.0.0.1:5232/u/book/', username: 'u' } });
    expect(load({ carddav: { url: 'http://localhost:5232/u/book/', username: 'u' } }).ok).toBe(true);
  });

  it('refuses what would leak the password or is not there', () => {
    expect(fields(load({ carddav: { url: 'http://dav.example.com/book/', username: 'u' } }))).toEqual(['directory.carddav.url:urlInsecure']);
    expect(fields(load({ carddav: { url: 'https://u:p@dav.example.com/book/', username: 'u' } }))).toEqual(['directory.carddav.url:urlCredentials']);
    expect(fields(load({ carddav: { url: 'ldap://dav.example.com/', username: 'u' } }))).toEqual(['directory.carddav.url:urlScheme']);
    expect(fields(load({ carddav: { url: 'https://dav.example.com/book/' } }))).toEqual(['directory.carddav.username:required']);
    expect(fields(load({ carddav: { url: 'https://dav.example.com/book/', username: 'a:b', password: 7 } }))).toEqual([
      'directory.carddav.username:colon',
      'directory.carddav.password:notText',
    ]);
    expect(fields(load({}))).toEqual(['directory.carddav:required']);
    expect(fields(load('https://dav.example.com/'))).toEqual(['directory:notObject']);
    // The password is never in a notice.
    const p = load({ carddav: { url: 'http://dav.example.com/', username: 'u', password: 'hunter2-secret' } });
    expect(JSON.stringify(p.notices)).not.toContain('hunter2-secret');
  });
});

describe('the directory’s credentials (a second named secret)', () => {
  const section = (password?: string): Provisioning => ({
    path: 'p.json',
    ok: true,
    account: null,
    emergency: null,
    directory: { carddav: { url: 'https://dav.example.com/book/', username: 'phone', ...(password === undefined ? {} : { password }) } },
    firstRun: true,
    notices: [],
  });

  it('keeps the file’s password, for that server only, and forgets it with the section', () => {
    const dir = tmp();
    const secrets = fileKeySecrets(dir, DIRECTORY_SECRET);
    expect(provisionedDirectoryConfig(section('pw-1'), secrets)).toEqual({ url: 'https://dav.example.com/book/', username: 'phone', password: 'pw-1' });
    // Left out of a later file: the stored one, since it is for the same server and user.
    expect(provisionedDirectoryConfig(section(), secrets)).toMatchObject({ password: 'pw-1' });
    // A broken file: the last valid directory, from the store.
    const broken: Provisioning = { ...section(), ok: false, directory: null };
    expect(provisionedDirectoryConfig(broken, secrets)).toMatchObject({ url: 'https://dav.example.com/book/', password: 'pw-1' });
    // Another server: never the stored password.
    const moved: Provisioning = { ...section(), directory: { carddav: { url: 'https://evil.example.com/book/', username: 'phone' } } };
    expect(provisionedDirectoryConfig(moved, secrets)).toMatchObject({ password: '' });
    expect(provisionedDirectoryConfig(section(), secrets)).toMatchObject({ password: '' });
    // No section (or no file): nothing kept.
    provisionedDirectoryConfig(section('pw-2'), secrets);
    expect(provisionedDirectoryConfig({ ...section(), directory: null }, secrets)).toBeNull();
    expect(secrets.get()).toBeNull();
    expect(provisionedDirectoryConfig(broken, secrets)).toBe('unchanged');
    expect(provisionedDirectoryConfig(null, secrets)).toBeNull();
  });
});

describe('searchDirectory over the host API', () => {
  it('takes one string of at most 128 characters; syncDirectory none', () => {
    expect(checkHostCall('searchDirectory', ['zoé']).method).toBe('searchDirectory');
    expect(() => checkHostCall('searchDirectory', ['x'.repeat(129)])).toThrow(HostCallError);
    expect(() => checkHostCall('searchDirectory', [42])).toThrow(HostCallError);
    expect(() => checkHostCall('searchDirectory', [])).toThrow(HostCallError);
    expect(checkHostCall('syncDirectory', []).method).toBe('syncDirectory');
    expect(() => checkHostCall('syncDirectory', [1])).toThrow(HostCallError);
  });

  it('without a directory: nothing found, not configured', async () => {
    const dir = tmp();
    const services = createHostServices({ mode: 'web', settings: openConfSettings(dir).settings, secrets: fileKeySecrets(dir), provisioning: null, systemLocale: 'en-US' });
    expect(await services.searchDirectory('zoe')).toEqual({ entries: [], status: expect.objectContaining({ configured: false, count: 0 }) });
    expect(await services.syncDirectory()).toMatchObject({ configured: false });
  });
});
