import { checkHostCall } from '../../src/host-api';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccountInput } from '../../src/host-api';
import { CallHistoryStore } from '../../main/host/call-history';
import { ContactStore } from '../../main/host/contacts';
import { loadProvisioning } from '../../main/host/provisioning';
import { fileKeySecrets, safeStorageSecrets, type SafeStorageLike } from '../../main/host/secrets';
import { createHostServices, provisionedEmergencyOf } from '../../main/host/services';
import { openConfSettings } from '../../main/host/settings-store';

const PASSWORD = 'Sup3r-Secret-Passw0rd';
const tmp = (): string => mkdtempSync(join(tmpdir(), 'softphone-host-'));
const input: AccountInput = {
  gateways: ['wss://sip.example.com/ws'],
  sipUri: 'sip:alice@example.com',
  authUser: '',
  displayName: 'Alice',
  password: PASSWORD,
  iceServers: [],
};

function host(dir: string, provisioningFile?: string) {
  const { settings, notices } = openConfSettings(dir);
  return createHostServices({
    mode: 'web',
    settings,
    secrets: fileKeySecrets(dir),
    provisioning: provisioningFile ? loadProvisioning(provisioningFile) : null,
    systemLocale: 'fr-FR',
    notices,
  });
}

/** Every file in the data directory except the encrypted secret and its key, as text. */
function plainFiles(dir: string): string {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('secrets.'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

describe('first run', () => {
  const provisioned = (dir: string, extra: Record<string, unknown>): string => {
    const file = join(dir, 'provisioning.json');
    writeFileSync(file, JSON.stringify({ version: 1, account: { gateways: ['wss://sip.example.com/ws'], sipUri: 'sip:bob@example.com', password: PASSWORD }, ...extra }));
    return file;
  };

  it('is shown once per machine: finishing it is remembered across restarts', async () => {
    const dir = tmp();
    expect((await host(dir).getState()).firstRun).toBe(true);
    expect((await host(dir).finishFirstRun()).firstRun).toBe(false);
    expect((await host(dir).getState()).firstRun).toBe(false);
  });

  it('a provisioned machine gets it (the account managed, its password too) unless the file says firstRun: false', async () => {
    const dir = tmp();
    const state = await host(dir, provisioned(dir, {})).getState();
    expect(state).toMatchObject({ firstRun: true, accountSource: 'provisioned', passwordManaged: true });
    const skipped = tmp();
    expect((await host(skipped, provisioned(skipped, { firstRun: false })).getState()).firstRun).toBe(false);
  });

  it('a provisioned account without a password lets the user type it', async () => {
    const dir = tmp();
    const file = join(dir, 'provisioning.json');
    writeFileSync(file, JSON.stringify({ version: 1, account: { gateways: ['wss://sip.example.com/ws'], sipUri: 'sip:bob@example.com' } }));
    const services = host(dir, file);
    expect((await services.getState()).passwordManaged).toBe(false);
    const saved = await services.saveAccount({ ...input, sipUri: 'sip:bob@example.com' });
    expect(saved.ok).toBe(true);
    expect(await services.getPassword()).toBe(PASSWORD);
  });

  it('firstRun in the provisioning file must be true or false', () => {
    const dir = tmp();
    const p = loadProvisioning(provisioned(dir, { firstRun: 'no' }));
    expect(p.ok).toBe(false);
    expect(p.notices[0]?.errors?.[0]?.field).toBe('firstRun');
  });

  it('a user who typed their own account before has been through it', async () => {
    const dir = tmp();
    const services = host(dir);
    await services.saveAccount(input);
    expect((await services.getState()).firstRun).toBe(false);
  });
});

describe('secret stores', () => {
  it('web mode: round-trips through 0600 files, never in plain text', () => {
    const dir = tmp();
    const s = fileKeySecrets(dir);
    expect(s.get()).toBeNull();
    s.set(PASSWORD);
    expect(s.get()).toBe(PASSWORD);
    expect(fileKeySecrets(dir).get()).toBe(PASSWORD);
    for (const f of ['secrets.enc', 'secrets.key']) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'secrets.enc')).includes(PASSWORD)).toBe(false);
    s.delete();
    expect(s.get()).toBeNull();
  });

  it('web mode: a tampered file reads as no password', () => {
    const dir = tmp();
    fileKeySecrets(dir).set(PASSWORD);
    const enc = readFileSync(join(dir, 'secrets.enc'));
    enc[enc.length - 1] = (enc[enc.length - 1] as number) ^ 1;
    writeFileSync(join(dir, 'secrets.enc'), enc);
    expect(fileKeySecrets(dir).get()).toBeNull();
  });

  it('electron: uses safeStorage; without it, never writes the password (kept in memory instead)', () => {
    const dir = tmp();
    let available = true;
    const fake: SafeStorageLike = {
      isEncryptionAvailable: () => available,
      encryptString: (p) => Buffer.from(p, 'utf8').reverse(),
      decryptString: (b) => Buffer.from(b).reverse().toString('utf8'),
    };
    const s = safeStorageSecrets(fake, dir);
    s.set(PASSWORD);
    expect(s.persistent()).toBe(true);
    expect(readFileSync(join(dir, 'secrets.bin')).includes(PASSWORD)).toBe(false);
    expect(s.get()).toBe(PASSWORD);
    available = false;
    expect(s.persistent()).toBe(false);
    s.set('other');
    expect(s.get()).toBe('other');
    // The older password went with its file: it may belong to another account.
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('host services', () => {
  it('saves an account; the password never reaches the settings JSON', async () => {
    const dir = tmp();
    const api = host(dir);
    expect((await api.getState()).accountSource).toBe('none');
    const saved = await api.saveAccount(input);
    expect(saved.ok).toBe(true);
    if (saved.ok) {
      expect(saved.state).toMatchObject({ accountSource: 'user', hasPassword: true, systemLocale: 'fr-FR' });
      expect(saved.state.account).not.toHaveProperty('password');
    }
    expect(await api.getPassword()).toBe(PASSWORD);
    expect(plainFiles(dir)).toContain('sip:alice@example.com');
    expect(plainFiles(dir)).not.toContain(PASSWORD);
  });

  it('keeps the stored password when the form leaves it empty, requires one otherwise', async () => {
    const api = host(tmp());
    const first = await api.saveAccount({ ...input, password: '' });
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.errors.map((e) => e.field)).toContain('password');
    expect((await api.saveAccount(input)).ok).toBe(true);
    const again = await api.saveAccount({ ...input, displayName: 'Alice M.', password: '' });
    expect(again.ok && again.state.account?.displayName).toBe('Alice M.');
    expect(await api.getPassword()).toBe(PASSWORD);
  });

  it('reports field errors from checkAccount', async () => {
    const r = await host(tmp()).saveAccount({ ...input, gateways: ['http://x'], sipUri: 'alice' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field).sort()).toEqual(['gateways[0]', 'sipUri']);
  });

  it('merges preferences', async () => {
    const api = host(tmp());
    const s = await api.setPreferences({ language: 'en' });
    expect(s.preferences).toMatchObject({ language: 'en', doNotDisturb: false });
    expect((await api.setPreferences({ doNotDisturb: true })).preferences).toMatchObject({ language: 'en', doNotDisturb: true });
  });

  it('a provisioned account wins and cannot be changed', async () => {
    const dir = tmp();
    await host(dir).saveAccount({ ...input, sipUri: 'sip:bob@example.com', password: 'bob-password' });
    const prov = join(dir, 'prov.json');
    writeFileSync(prov, JSON.stringify({ version: 1, account: { gateways: ['wss://pbx.corp/ws'], sipUri: 'sip:alice@corp', password: PASSWORD } }));
    const api = host(dir, prov);
    const state = await api.getState();
    expect(state).toMatchObject({ accountSource: 'provisioned', hasPassword: true, notices: [] });
    expect(state.account?.sipUri).toBe('sip:alice@corp');
    expect(await api.getPassword()).toBe(PASSWORD);
    const r = await api.saveAccount(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ field: 'account', code: 'managed' });
    expect(plainFiles(dir).replace(readFileSync(prov, 'utf8'), '')).not.toContain(PASSWORD);
  });

  it('never hands a password typed for another account to a provisioned one without password', async () => {
    const dir = tmp();
    await host(dir).saveAccount(input);
    const prov = join(dir, 'prov.json');
    writeFileSync(prov, JSON.stringify({ version: 1, account: { gateways: ['wss://pbx.corp/ws'], sipUri: 'sip:carol@corp' } }));
    const api = host(dir, prov);
    expect(await api.getPassword()).toBeNull();
    expect((await api.getState()).hasPassword).toBe(false);
    // The user may type the password the administrator left out, and nothing else.
    expect((await api.saveAccount({ ...input, password: '' })).ok).toBe(false);
    const r = await api.saveAccount({ ...input, sipUri: 'sip:mallory@evil', password: 'carol-pw' });
    expect(r.ok && r.state.account?.sipUri).toBe('sip:carol@corp');
    expect(await api.getPassword()).toBe('carol-pw');
  });

  it('keeps the last valid provisioned account when the file breaks, with a notice', async () => {
    const dir = tmp();
    const prov = join(dir, 'prov.json');
    writeFileSync(prov, JSON.stringify({ version: 1, account: { gateways: ['wss://pbx.corp/ws'], sipUri: 'sip:alice@corp', password: PASSWORD } }));
    host(dir, prov);
    writeFileSync(prov, '{ broken');
    const api = host(dir, prov);
    const state = await api.getState();
    expect(state).toMatchObject({ accountSource: 'provisioned', hasPassword: true });
    expect(state.notices.map((n) => n.code)).toEqual(['provisioningInvalid']);
    expect(await api.getPassword()).toBe(PASSWORD);
    // Without provisioning at all, the account becomes the user's.
    expect((await host(dir).getState()).accountSource).toBe('user');
  });
});

describe('host services: a broken provisioning file', () => {
  const account = { gateways: ['wss://pbx.corp/ws'], sipUri: 'sip:alice@corp', password: PASSWORD };
  const address = { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris' };
  const site = { name: 'Lyon HQ', subnets: ['10.9.0.0/16'], publicIps: [], address: { country: 'FR', HNO: '1', RD: 'Place de la Bourse', PC: '69002', A3: 'Lyon' } };
  const emergency = { address, addressLocked: true, securityDesk: 'sip:security@corp', networkSites: [site] };

  it("keeps the administrator's last valid emergency settings and says so; a valid file without them forgets them", async () => {
    const dir = tmp();
    const prov = join(dir, 'prov.json');
    writeFileSync(prov, JSON.stringify({ version: 1, account, emergency }));
    host(dir, prov);
    // One bad field: the file is ignored as a whole, but what it last validly said stays.
    writeFileSync(prov, JSON.stringify({ version: 1, account: { ...account, gateways: ['http://bad'] }, emergency }));
    const state = await host(dir, prov).getState();
    expect(state.emergency).toMatchObject({ address: { address, source: 'administrator', locked: true }, addressEditable: false, securityDesk: 'sip:security@corp' });
    expect(state.notices).toHaveLength(1);
    expect(state.notices[0]?.message).toContain('account.gateways[0]');
    expect(state.notices[0]?.message).toContain(
      'the last valid settings from this file stay in force (account, emergency address, network sites, security desk)',
    );
    // The network monitor gets the sites the same way.
    expect(provisionedEmergencyOf(loadProvisioning(prov), openConfSettings(dir).settings)?.networkSites.map((s) => s.name)).toEqual(['Lyon HQ']);

    // Unreadable: the same.
    rmSync(prov);
    const missing = await host(dir, prov).getState();
    expect(missing.emergency.securityDesk).toBe('sip:security@corp');
    expect(missing.notices.map((n) => n.code)).toEqual(['provisioningUnreadable']);

    // A valid file without the section: forgotten, even once the file breaks again.
    writeFileSync(prov, JSON.stringify({ version: 1, account }));
    expect((await host(dir, prov).getState()).emergency).toMatchObject({ address: null, securityDesk: null, addressEditable: true });
    writeFileSync(prov, '{ broken');
    const after = await host(dir, prov).getState();
    expect(after.emergency).toMatchObject({ address: null, securityDesk: null, addressEditable: true });
    expect(after.notices[0]?.message).toContain('the last valid settings from this file stay in force (account)');
  });

  it('says when nothing from the file is in force', async () => {
    const dir = tmp();
    const prov = join(dir, 'prov.json');
    writeFileSync(prov, '{ broken');
    expect((await host(dir, prov).getState()).notices[0]?.message).toContain('no earlier valid settings from this file are known');
  });
});

describe('host services: preferences', () => {
  it('saves known preference keys only, never inherited ones', async () => {
    const dir = tmp();
    const api = host(dir);
    const patch = JSON.parse('{"language":"en","__proto__":{"polluted":true},"constructor":"x","toString":"y","evil":1}');
    const state = await api.setPreferences(patch);
    const known = ['audioInputId', 'audioOutputId', 'doNotDisturb', 'language', 'ringDeviceId', 'ringVolume', 'startAtLogin', 'startMinimised', 'theme'];
    expect(Object.keys(state.preferences).sort()).toEqual(known);
    expect(state.preferences.language).toBe('en');
    const stored = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).preferences;
    expect(Object.keys(stored).sort()).toEqual(known);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('keeps a theme it knows, and refuses any other', async () => {
    const api = host(tmp());
    expect((await api.setPreferences({ theme: 'high-contrast' })).preferences.theme).toBe('high-contrast');
    // The bridge refuses it first (checkHostCall); the store's schema refuses it too.
    expect(() => checkHostCall('setPreferences', [{ theme: 'neon' }])).toThrow(/bad theme/);
    await expect(api.setPreferences({ theme: 'neon' } as never)).rejects.toThrow(/preferences\/theme/);
    expect((await api.getState()).preferences.theme).toBe('high-contrast');
  });
});

describe('host services: no keyring', () => {
  const noKeyring = (backend?: string): SafeStorageLike => ({
    isEncryptionAvailable: () => backend !== undefined,
    encryptString: (p) => Buffer.from(p, 'utf8'),
    decryptString: (b) => b.toString('utf8'),
    ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
  });

  it.each([
    ['no encryption at all', noKeyring()],
    ["Chromium's fixed-key basic_text store", noKeyring('basic_text')],
  ])('with %s: the account saves, the password is kept until quit and never written', async (_name, safeStorage) => {
    const dir = tmp();
    const make = () =>
      createHostServices({ mode: 'electron', settings: openConfSettings(dir).settings, secrets: safeStorageSecrets(safeStorage, dir), provisioning: null, systemLocale: 'en-US' });
    const api = make();
    expect((await api.getState()).passwordSessionOnly).toBe(true);
    const saved = await api.saveAccount(input);
    expect(saved.ok).toBe(true);
    if (saved.ok) expect(saved.state).toMatchObject({ hasPassword: true, passwordSessionOnly: true });
    expect(await api.getPassword()).toBe(PASSWORD);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).includes(PASSWORD), f).toBe(false);
    // After a restart: the account is there, the password is not.
    const again = make();
    expect((await again.getState()).account?.sipUri).toBe(input.sipUri);
    expect(await again.getPassword()).toBeNull();
  });

  it('with a keyring, the form is not told otherwise', async () => {
    const dir = tmp();
    const api = createHostServices({ mode: 'electron', settings: openConfSettings(dir).settings, secrets: safeStorageSecrets(noKeyring('gnome_libsecret'), dir), provisioning: null, systemLocale: 'en-US' });
    expect((await api.getState()).passwordSessionOnly).toBe(false);
    // Web mode's key file always stores it.
    expect((await host(tmp()).getState()).passwordSessionOnly).toBe(false);
  });
});

describe('host services: call history', () => {
  const missed = {
    id: 'call-1',
    direction: 'incoming' as const,
    outcome: 'missed' as const,
    kind: 'ordinary' as const,
    number: '+33123456789',
    name: null,
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    answeredAt: null,
    endedAt: new Date(Date.now() - 30_000).toISOString(),
    durationSeconds: null,
    emergencyRecordId: null,
    reason: null,
  };
  const make = (dir: string) =>
    createHostServices({ mode: 'web', settings: openConfSettings(dir).settings, secrets: fileKeySecrets(dir), provisioning: null, systemLocale: 'fr-FR', callHistory: new CallHistoryStore(dir) });

  it('records, lists, marks seen and clears through the store', async () => {
    const dir = tmp();
    const api = make(dir);
    await api.recordCall(missed);
    await api.recordCall({ ...missed, id: 'call-2', direction: 'outgoing', outcome: 'answered' });
    expect(await api.listCallHistory()).toMatchObject({ entries: [{ id: 'call-1' }, { id: 'call-2' }], unseenMissed: 1 });
    expect((await api.markHistorySeen()).unseenMissed).toBe(0);
    // Kept across a restart.
    expect((await make(dir).listCallHistory()).entries).toHaveLength(2);
    expect(await api.clearCallHistory()).toEqual({ entries: [], unseenMissed: 0 });
  });

  it("reports a damaged history file in the state's notices", async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'call-history.json'), '{ broken');
    const notices = (await make(dir).getState()).notices;
    expect(notices.map((n) => n.code)).toEqual(['historyRecovered']);
  });

  it('without a store: nothing is kept, the list is empty', async () => {
    const api = host(tmp());
    await api.recordCall(missed);
    expect(await api.listCallHistory()).toEqual({ entries: [], unseenMissed: 0 });
    expect(await api.markHistorySeen()).toEqual({ entries: [], unseenMissed: 0 });
    expect(await api.clearCallHistory()).toEqual({ entries: [], unseenMissed: 0 });
  });
});

describe('host services: attention', () => {
  it("hands the missed-call badge and the flash to the host's hook, the known fields only", async () => {
    const dir = tmp();
    const seen: unknown[] = [];
    const api = createHostServices({
      mode: 'electron',
      settings: openConfSettings(dir).settings,
      secrets: fileKeySecrets(dir),
      provisioning: null,
      systemLocale: 'fr-FR',
      attention: (a) => seen.push(a),
    });
    await api.setAttention({ missedCalls: 2, flash: true });
    await api.setAttention({ missedCalls: 0, flash: false, extra: 1 } as unknown as Parameters<typeof api.setAttention>[0]);
    expect(seen).toEqual([
      { missedCalls: 2, flash: true },
      { missedCalls: 0, flash: false },
    ]);
  });

  it('without a hook (web mode), does nothing', async () => {
    await expect(host(tmp()).setAttention({ missedCalls: 3, flash: true })).resolves.toBeUndefined();
  });
});

describe('host services: address book', () => {
  const make = (dir: string) =>
    createHostServices({ mode: 'web', settings: openConfSettings(dir).settings, secrets: fileKeySecrets(dir), provisioning: null, systemLocale: 'fr-FR', contacts: new ContactStore(dir) });
  const zoe = { name: 'Zoë Ñúñez', organization: null, numbers: [{ label: 'mobile' as const, number: '+33 6 12 34 56 78' }], email: null, note: null };

  it('saves, edits, lists, deletes, imports and exports through the store', async () => {
    const dir = tmp();
    const api = make(dir);
    const saved = await api.saveContact(zoe);
    expect(saved).toMatchObject({ ok: true, contact: { ...zoe, id: expect.any(String), updatedAt: expect.any(String) } });
    if (!saved.ok) return;
    expect(await api.saveContact({ ...zoe, name: '' })).toMatchObject({ ok: false, errors: [{ field: 'name', code: 'required' }] });
    expect(await api.saveContact({ ...zoe, id: saved.contact.id, email: 'zoe@example.com' })).toMatchObject({ ok: true, contact: { id: saved.contact.id, email: 'zoe@example.com' } });
    expect(await api.importContacts('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:zoe nunez\r\nTEL:+33612345678\r\nEND:VCARD\r\n')).toEqual({
      imported: 1,
      skipped: [{ index: 1, code: 'duplicate', message: expect.any(String) }],
    });
    expect((await api.listContacts()).map((c) => c.name)).toEqual(['Bob', 'Zoë Ñúñez']);
    expect(await api.exportContacts()).toMatch(/^BEGIN:VCARD\r\nVERSION:3\.0\r\nFN:Bob\r\n/);
    // Kept across a restart.
    expect(await make(dir).listContacts()).toEqual(await api.listContacts());
    await api.deleteContact(saved.contact.id);
    expect((await api.listContacts()).map((c) => c.name)).toEqual(['Bob']);
  });

  it("reports a damaged address book in the state's notices", async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'contacts.json'), '{ broken');
    const notices = (await make(dir).getState()).notices;
    expect(notices.map((n) => n.code)).toEqual(['contactsRecovered']);
  });

  it('without a store: the book is empty and nothing can be saved', async () => {
    const api = host(tmp());
    expect(await api.listContacts()).toEqual([]);
    expect(await api.saveContact(zoe)).toMatchObject({ ok: false, errors: [{ field: 'contact', code: 'notSaved' }] });
    await expect(api.deleteContact('x')).resolves.toBeUndefined();
    expect(await api.importContacts('BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n')).toEqual({ imported: 0, skipped: [] });
    expect(await api.exportContacts()).toBe('');
  });
});
