import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES } from '../../src/host-api';
import { DEFAULT_SETTINGS, openConfSettings, SETTINGS_VERSION } from '../../main/host/settings-store';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'softphone-settings-'));
const account = { gateways: ['wss://a/ws'], sipUri: 'sip:a@b', authUser: 'a', displayName: '', iceServers: [] };

describe('settings store (conf backend)', () => {
  it('starts from defaults and persists across opens', () => {
    const dir = tmp();
    const first = openConfSettings(dir);
    expect(first.notices).toEqual([]);
    expect(first.settings.get('account')).toBeNull();
    expect(first.settings.get('accountSource')).toBe('none');
    expect(first.settings.get('preferences')).toEqual(DEFAULT_PREFERENCES);
    first.settings.set('account', account);
    first.settings.set('preferences', { ...DEFAULT_PREFERENCES, language: 'fr' });
    const again = openConfSettings(dir);
    expect(again.settings.get('account')).toEqual(account);
    expect(again.settings.get('preferences').language).toBe('fr');
    // The schema version is recorded for future migrations.
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).__internal__.migrations.version).toBe(SETTINGS_VERSION);
  });

  it.each([
    ['bad JSON', '{ "account": '],
    ['a schema violation', JSON.stringify({ account: { sipUri: 'sip:a@b', password: 'leak' }, preferences: DEFAULT_PREFERENCES })],
    ['a wrong type', JSON.stringify({ preferences: { language: 'klingon' } })],
  ])('recovers from %s, keeping a backup and reporting it', (_name, content) => {
    const dir = tmp();
    writeFileSync(join(dir, 'settings.json'), content);
    const { settings, notices } = openConfSettings(dir);
    expect(settings.get('account')).toBeNull();
    expect(settings.get('preferences')).toEqual(DEFAULT_SETTINGS.preferences);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.code).toBe('settingsRecovered');
    const backups = readdirSync(dir).filter((f) => /^settings\.corrupt-.+\.json$/.test(f));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0] as string), 'utf8')).toBe(content);
    expect(notices[0]?.message).toContain(backups[0]);
    // The fresh file works.
    settings.set('accountSource', 'user');
    expect(openConfSettings(dir).settings.get('accountSource')).toBe('user');
  });

  it('recovers from a file damaged while running', () => {
    const dir = tmp();
    const { settings, notices } = openConfSettings(dir);
    settings.set('account', account);
    writeFileSync(join(dir, 'settings.json'), 'garbage');
    expect(settings.get('account')).toBeNull();
    expect(notices.map((n) => n.code)).toEqual(['settingsRecovered']);
  });

  it('does not discard a good file when a value is refused', () => {
    const dir = tmp();
    const { settings, notices } = openConfSettings(dir);
    settings.set('account', account);
    expect(() => settings.set('account', { ...account, password: 'x' } as never)).toThrow(/schema/);
    expect(settings.get('account')).toEqual(account);
    expect(notices).toEqual([]);
  });
});

describe('settings migrations and salvage', () => {
  const address = { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris', FLR: '3' };

  it('migrates a 1.0.0 file: keeps the account, adds the emergency address keys', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ account, accountSource: 'user', preferences: DEFAULT_PREFERENCES, __internal__: { migrations: { version: '1.0.0' } } }),
    );
    const { settings, notices } = openConfSettings(dir);
    expect(notices).toEqual([]);
    expect(settings.get('account')).toEqual(account);
    expect(settings.get('emergencyAddress')).toBeNull();
    expect(settings.get('addressConfirmation')).toBeNull();
    expect(settings.get('knownNetworks')).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).__internal__.migrations.version).toBe(SETTINGS_VERSION);
  });

  const provisionedEmergency = {
    numbers: [],
    addressLocked: true,
    address,
    networkSites: [{ name: 'HQ', subnets: ['10.9.0.0/16'], publicIps: [], address }],
    securityDesk: 'sip:security@example.com',
  };

  it('migrates a 1.2.0 file: keeps what it had, adds no provisioned emergency section', () => {
    const dir = tmp();
    const knownNetworks = [{ fingerprint: 'f', address, at: '2024-01-01T00:00:00.000Z' }];
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ account, accountSource: 'provisioned', knownNetworks, emergencyAddress: address, __internal__: { migrations: { version: '1.2.0' } } }),
    );
    const { settings, notices } = openConfSettings(dir);
    expect(notices).toEqual([]);
    expect(settings.get('account')).toEqual(account);
    expect(settings.get('knownNetworks')).toEqual(knownNetworks);
    expect(settings.get('provisionedEmergency')).toBeNull();
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(file.provisionedEmergency).toBeNull();
    expect(file.__internal__.migrations.version).toBe(SETTINGS_VERSION);
    settings.set('provisionedEmergency', provisionedEmergency);
    expect(openConfSettings(dir).settings.get('provisionedEmergency')).toEqual(provisionedEmergency);
  });

  it('migrates to 1.4.0: an install already in use has been through first run, a fresh one has not', () => {
    const used = tmp();
    writeFileSync(join(used, 'settings.json'), JSON.stringify({ account, accountSource: 'provisioned', __internal__: { migrations: { version: '1.3.0' } } }));
    expect(openConfSettings(used).settings.get('firstRunDone')).toBe(true);
    const blank = tmp();
    writeFileSync(join(blank, 'settings.json'), JSON.stringify({ account: null, accountSource: 'none', __internal__: { migrations: { version: '1.3.0' } } }));
    expect(openConfSettings(blank).settings.get('firstRunDone')).toBe(false);
    expect(openConfSettings(tmp()).settings.get('firstRunDone')).toBe(false);
  });

  it("a damaged file keeps the administrator's last valid emergency section, if it still checks out", () => {
    const dir = tmp();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ provisionedEmergency, preferences: { language: 'klingon' } }));
    const { settings, notices } = openConfSettings(dir);
    expect(notices[0]?.message).toMatch(/recovered: .*provisionedEmergency/);
    expect(settings.get('provisionedEmergency')).toEqual(provisionedEmergency);
    const bad = tmp();
    writeFileSync(join(bad, 'settings.json'), JSON.stringify({ provisionedEmergency: { ...provisionedEmergency, securityDesk: 'nope' }, preferences: 1 }));
    expect(openConfSettings(bad).settings.get('provisionedEmergency')).toBeNull();
  });

  it('a damaged file loses only the damaged part: the account and the emergency address are carried over', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ account, accountSource: 'user', preferences: { language: 'klingon' }, emergencyAddress: address }),
    );
    const { settings, notices } = openConfSettings(dir);
    expect(notices[0]?.code).toBe('settingsRecovered');
    expect(notices[0]?.message).toMatch(/recovered: .*account/);
    expect(settings.get('account')).toEqual(account);
    expect(settings.get('emergencyAddress')).toEqual(address);
    expect(settings.get('preferences').language).toBe('system');
  });
});

describe('settings 1.5.0: the desktop shell (tray notice, start at login)', () => {
  it('migrates a 1.4.0 file: the tray notice not yet shown, the new preferences written out off, the rest kept', () => {
    const dir = tmp();
    const preferences = { language: 'fr', audioInputId: 'mic', audioOutputId: '', doNotDisturb: true, theme: 'dark', ringDeviceId: '', ringVolume: 0.5 };
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ account, accountSource: 'user', preferences, firstRunDone: true, __internal__: { migrations: { version: '1.4.0' } } }),
    );
    const { settings, notices } = openConfSettings(dir);
    expect(notices).toEqual([]);
    expect(settings.get('account')).toEqual(account);
    expect(settings.get('firstRunDone')).toBe(true);
    expect(settings.get('closeToTrayNoticeShown')).toBe(false);
    expect(settings.get('preferences')).toEqual({ ...preferences, startAtLogin: false, startMinimised: false });
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(file.__internal__.migrations.version).toBe('1.5.0');
    expect(file.closeToTrayNoticeShown).toBe(false);
    expect(file.preferences).toEqual({ ...preferences, startAtLogin: false, startMinimised: false });
    // Remembered across opens.
    settings.set('closeToTrayNoticeShown', true);
    settings.set('preferences', { ...settings.get('preferences'), startAtLogin: true, startMinimised: true });
    const again = openConfSettings(dir).settings;
    expect(again.get('closeToTrayNoticeShown')).toBe(true);
    expect(again.get('preferences')).toMatchObject({ startAtLogin: true, startMinimised: true });
  });

  it('a fresh install starts with the notice not shown and both preferences off', () => {
    const { settings } = openConfSettings(tmp());
    expect(settings.get('closeToTrayNoticeShown')).toBe(false);
    expect(settings.get('preferences')).toMatchObject({ startAtLogin: false, startMinimised: false });
  });

  it('refuses a wrong type, and a damaged file keeps the notice and the two preferences where they still check out', () => {
    const dir = tmp();
    const { settings, notices } = openConfSettings(dir);
    expect(() => settings.set('closeToTrayNoticeShown', 'yes' as never)).toThrow(/schema/);
    expect(() => settings.set('preferences', { ...DEFAULT_PREFERENCES, startAtLogin: 'yes' } as never)).toThrow(/schema/);
    expect(notices).toEqual([]);
    const damaged = tmp();
    writeFileSync(
      join(damaged, 'settings.json'),
      JSON.stringify({ account, closeToTrayNoticeShown: true, preferences: { language: 'klingon', startAtLogin: true, startMinimised: 'yes' } }),
    );
    const recovered = openConfSettings(damaged);
    expect(recovered.notices[0]?.message).toMatch(/recovered: .*closeToTrayNoticeShown/);
    expect(recovered.settings.get('closeToTrayNoticeShown')).toBe(true);
    expect(recovered.settings.get('preferences')).toMatchObject({ language: 'system', startAtLogin: true, startMinimised: false });
  });
});
