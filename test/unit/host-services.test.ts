import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccountInput } from '../../src/host-api';
import { loadProvisioning } from '../../main/host/provisioning';
import { fileKeySecrets, safeStorageSecrets, type SafeStorageLike } from '../../main/host/secrets';
import { createHostServices } from '../../main/host/services';
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

  it('electron: uses safeStorage and refuses to store without it', () => {
    const dir = tmp();
    let available = true;
    const fake: SafeStorageLike = {
      isEncryptionAvailable: () => available,
      encryptString: (p) => Buffer.from(p, 'utf8').reverse(),
      decryptString: (b) => Buffer.from(b).reverse().toString('utf8'),
    };
    const s = safeStorageSecrets(fake, dir);
    s.set(PASSWORD);
    expect(readFileSync(join(dir, 'secrets.bin')).includes(PASSWORD)).toBe(false);
    expect(s.get()).toBe(PASSWORD);
    available = false;
    expect(() => s.set('other')).toThrow(/keychain/);
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
