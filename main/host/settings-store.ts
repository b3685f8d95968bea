/**
 * The settings the host persists. One options object (JSON schema, defaults, schema version and
 * migrations) serves both backends: electron-store in Electron and `conf`, the library
 * electron-store is built on, in web mode. This file never imports Electron (web mode must not
 * load it): the Electron backend is passed in by main/index.ts.
 */
import Conf, { type Options } from 'conf';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAccount, withoutPassword, type Account } from '../../src/account';
import { validateCivicAddress } from '../../src/emergency/address-validation';
import type { CivicAddress } from '../../src/emergency/civic-address';
import { DEFAULT_PREFERENCES, THEMES, type HostNotice, type HostState, type Preferences, type Theme } from '../../src/host-api';
import { checkProvisionedEmergency, type ProvisionedEmergency } from './provisioning';

// A type alias, not an interface: conf wants Record<string, unknown>, which interfaces don't satisfy.
export type StoredSettings = {
  /** Never holds the password: that lives in the SecretStore (the schema forbids the key). */
  account: Account | null;
  /** 'provisioned' marks the last valid administrator account, kept for when the file goes missing. */
  accountSource: HostState['accountSource'];
  preferences: Preferences;
  /** Random per-install id: the PIDF-LO's device id. Made on first start. */
  deviceId: string;
  /** The emergency address the user entered (an administrator's comes from the provisioning file). */
  emergencyAddress: CivicAddress | null;
  /** When the user last confirmed an address, and which one (JSON): a changed address is unconfirmed. */
  addressConfirmation: { at: string; address: string } | null;
  /** Networks the user told us about (by fingerprint) and the address that goes with each. */
  knownNetworks: KnownNetwork[];
  /** The last valid provisioning file's `emergency` section, in force while the file is broken. */
  provisionedEmergency: ProvisionedEmergency | null;
  /** First run was finished or skipped on this machine: it is not shown again. */
  firstRunDone: boolean;
  /** Electron: the one-time "still running in the tray" notice was shown when the window was first closed. */
  closeToTrayNoticeShown: boolean;
};

export interface KnownNetwork {
  fingerprint: string;
  address: CivicAddress;
  at: string;
}

/** The settings file's name, without `.json`. */
export const SETTINGS_NAME = 'settings';
/**
 * Version of the stored data's shape (not the app's version): conf runs the `migrations` newer than
 * the version recorded in the file. Bump it with a migration whenever StoredSettings changes.
 */
export const SETTINGS_VERSION = '1.5.0';

export const DEFAULT_SETTINGS: StoredSettings = {
  account: null,
  accountSource: 'none',
  preferences: DEFAULT_PREFERENCES,
  deviceId: '',
  emergencyAddress: null,
  addressConfirmation: null,
  knownNetworks: [],
  provisionedEmergency: null,
  firstRunDone: false,
  closeToTrayNoticeShown: false,
};

// Generous bounds: the real checks are checkAccount's; these only stop absurd hand edits.
const text = { type: 'string', maxLength: 4096 } as const;

/** What both backends get. `name`/`configName` is added per backend (electron-store renames it). */
export const settingsOptions = {
  projectVersion: SETTINGS_VERSION,
  // Off on purpose: conf would silently drop a bad file; openSettings keeps a backup and says so.
  clearInvalidConfig: false,
  // Not secret, but personal (SIP address, gateways).
  configFileMode: 0o600,
  defaults: DEFAULT_SETTINGS,
  schema: {
    account: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['gateways', 'sipUri', 'authUser', 'displayName', 'iceServers'],
          // No extra keys: above all, never a `password`.
          additionalProperties: false,
          properties: {
            gateways: { type: 'array', items: text, maxItems: 16 },
            sipUri: text,
            authUser: text,
            displayName: text,
            iceServers: {
              type: 'array',
              items: {
                type: 'object',
                required: ['urls'],
                additionalProperties: false,
                properties: { urls: { type: 'array', items: text }, username: text, credential: text },
              },
            },
          },
        },
      ],
    },
    accountSource: { enum: ['none', 'user', 'provisioned'] },
    deviceId: { type: 'string', maxLength: 64 },
    emergencyAddress: {
      oneOf: [
        { type: 'null' },
        { type: 'object', required: ['country'], additionalProperties: text, properties: { country: { type: 'string', pattern: '^[A-Z]{2}$' } } },
      ],
    },
    knownNetworks: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        required: ['fingerprint', 'address', 'at'],
        properties: { fingerprint: { type: 'string', maxLength: 64 }, address: { type: 'object' }, at: text },
      },
    },
    addressConfirmation: {
      oneOf: [
        { type: 'null' },
        { type: 'object', required: ['at', 'address'], additionalProperties: false, properties: { at: text, address: { type: 'string', maxLength: 65536 } } },
      ],
    },
    // Checked in full (checkProvisionedEmergency) wherever it is read.
    provisionedEmergency: { oneOf: [{ type: 'null' }, { type: 'object' }] },
    firstRunDone: { type: 'boolean' },
    closeToTrayNoticeShown: { type: 'boolean' },
    preferences: {
      // Extra keys allowed so that settings written by a newer version still open after a downgrade.
      type: 'object',
      properties: {
        language: { enum: ['system', 'fr', 'en'] },
        audioInputId: text,
        audioOutputId: text,
        doNotDisturb: { type: 'boolean' },
        theme: { enum: ['system', 'light', 'dark', 'high-contrast'] },
        ringDeviceId: text,
        ringVolume: { type: 'number', minimum: 0, maximum: 1 },
        startAtLogin: { type: 'boolean' },
        startMinimised: { type: 'boolean' },
      },
    },
  },
  migrations: {
    // The first version: nothing to convert yet. Later versions add `'x.y.z': (store) => {...}` steps.
    '1.0.0': () => undefined,
    // 1.1.0: the user's own emergency address and its confirmation.
    '1.1.0': (store) => {
      if (!store.has('emergencyAddress')) store.set('emergencyAddress', null);
      if (!store.has('addressConfirmation')) store.set('addressConfirmation', null);
    },
    // 1.2.0: addresses remembered per network (nomadic use).
    '1.2.0': (store) => {
      if (!store.has('knownNetworks')) store.set('knownNetworks', []);
    },
    // 1.3.0: the last valid provisioned emergency section (address, network sites, security desk…).
    '1.3.0': (store) => {
      if (!store.has('provisionedEmergency')) store.set('provisionedEmergency', null);
    },
    // 1.4.0: first run shown once. Installs already in use (an account set) have been through it.
    '1.4.0': (store) => {
      // Set outright: conf has filled in the default (false) before migrating.
      store.set('firstRunDone', store.get('account') !== null);
    },
    // 1.5.0: the desktop shell (tray, start at login). No install has seen the tray notice yet, and
    // the two new preferences are written out with their defaults (off: nothing starts at login by itself).
    '1.5.0': (store) => {
      // Set outright (conf has filled in the default before migrating), keeping a true from a later version.
      store.set('closeToTrayNoticeShown', store.get('closeToTrayNoticeShown') === true);
      // Only over an object: a damaged value must still fail validation (backup, notice, salvage), not be replaced silently.
      const preferences: unknown = store.get('preferences');
      if (typeof preferences === 'object' && preferences !== null && !Array.isArray(preferences)) store.set('preferences', { ...DEFAULT_PREFERENCES, ...preferences });
    },
  },
} satisfies Omit<Options<StoredSettings>, 'cwd' | 'configName'>;

export type SettingsOptions = Options<StoredSettings> & { cwd: string };

/** The part of a conf / electron-store instance the host uses. */
export interface SettingsBackend {
  get<K extends keyof StoredSettings>(key: K): StoredSettings[K];
  set<K extends keyof StoredSettings>(key: K, value: StoredSettings[K]): void;
}

export interface OpenedSettings {
  settings: SettingsBackend;
  /** Live list: a recovery while running is appended too. */
  notices: HostNotice[];
}

function memoryBackend(): SettingsBackend {
  const data: StoredSettings = structuredClone(DEFAULT_SETTINGS);
  return {
    get: (key) => data[key],
    set: (key, value) => {
      data[key] = value;
    },
  };
}

/**
 * Carries over from a damaged file every part that still checks out on its own, so that one bad
 * value does not cost the account, the preferences or the emergency address. Returns what was kept.
 */
export function salvage(original: Buffer | null, into: SettingsBackend): string[] {
  let raw: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(original?.toString('utf8') ?? '');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [];
    raw = parsed as Record<string, unknown>;
  } catch {
    return [];
  }
  const kept: string[] = [];
  const keep = <K extends keyof StoredSettings>(key: K, value: StoredSettings[K] | undefined): void => {
    if (value === undefined) return;
    try {
      into.set(key, value);
      kept.push(key);
    } catch {
      // This part does not fit the schema either: leave the default.
    }
  };
  const account = checkAccount(raw.account, false);
  if (account.ok) keep('account', withoutPassword(account.value));
  if (raw.accountSource === 'user' || raw.accountSource === 'provisioned') keep('accountSource', raw.accountSource);
  if (typeof raw.preferences === 'object' && raw.preferences !== null) {
    const p = raw.preferences as Record<string, unknown>;
    keep('preferences', {
      language: p.language === 'fr' || p.language === 'en' ? p.language : 'system',
      audioInputId: typeof p.audioInputId === 'string' ? p.audioInputId : '',
      audioOutputId: typeof p.audioOutputId === 'string' ? p.audioOutputId : '',
      doNotDisturb: p.doNotDisturb === true,
      theme: THEMES.includes(p.theme as Theme) ? (p.theme as Theme) : 'system',
      ringDeviceId: typeof p.ringDeviceId === 'string' ? p.ringDeviceId : '',
      ringVolume: typeof p.ringVolume === 'number' && p.ringVolume >= 0 && p.ringVolume <= 1 ? p.ringVolume : DEFAULT_PREFERENCES.ringVolume,
      startAtLogin: p.startAtLogin === true,
      startMinimised: p.startMinimised === true,
    });
  }
  if (typeof raw.deviceId === 'string' && /^[0-9a-f-]{36}$/.test(raw.deviceId)) keep('deviceId', raw.deviceId);
  const address = validateCivicAddress(raw.emergencyAddress);
  if (address.ok) keep('emergencyAddress', address.value);
  const provisioned = checkProvisionedEmergency(raw.provisionedEmergency);
  if (provisioned) keep('provisionedEmergency', provisioned);
  if (typeof raw.firstRunDone === 'boolean') keep('firstRunDone', raw.firstRunDone);
  if (typeof raw.closeToTrayNoticeShown === 'boolean') keep('closeToTrayNoticeShown', raw.closeToTrayNoticeShown);
  return kept;
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

/**
 * Opens the store with `open` (conf or electron-store). A corrupt or invalid file (bad JSON, schema
 * violation, failed migration) never crashes the app: it is kept, byte for byte, as
 * `settings.corrupt-<timestamp>.json`, the store starts from defaults, and a `settingsRecovered`
 * notice tells the user. If even that fails (e.g. a read-only disk) the settings live in memory.
 */
export function openSettings(dir: string, open: (options: SettingsOptions) => SettingsBackend): OpenedSettings {
  const file = join(dir, `${SETTINGS_NAME}.json`);
  const options: SettingsOptions = { ...settingsOptions, configName: SETTINGS_NAME, cwd: dir };
  const notices: HostNotice[] = [];
  let backend: SettingsBackend;

  const readRaw = (): Buffer | null => {
    try {
      return readFileSync(file);
    } catch {
      return null;
    }
  };

  // `original`: the file's bytes before conf touched it (conf rewrites it, with defaults merged in,
  // before it validates, so renaming the file afterwards would not keep what the user had).
  const recover = (err: unknown, original: Buffer | null): SettingsBackend => {
    const backup = join(dir, `${SETTINGS_NAME}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    try {
      if (original) {
        writeFileSync(backup, original, { mode: 0o600 });
        rmSync(file, { force: true });
      } else if (existsSync(file)) {
        renameSync(file, backup);
      }
      const fresh = open(options);
      const kept = salvage(original, fresh);
      notices.push({
        code: 'settingsRecovered',
        // A detail: the UI wraps it in its own sentence ("…damaged. A backup copy was kept: …").
        message: `${backup} (${message(err)})${kept.length ? `; recovered: ${kept.join(', ')}` : ''}`,
      });
      return fresh;
    } catch (again) {
      notices.push({
        code: 'settingsRecovered',
        message: `${file} could not be replaced (${message(again)}); changes will not be saved`,
      });
      return memoryBackend();
    }
  };

  const original = readRaw();
  try {
    backend = open(options);
    // conf validates on every read, so read once now to surface a bad file at start-up.
    backend.get('account');
  } catch (err) {
    backend = recover(err, original);
  }

  // conf re-reads the file on each access: a file damaged while running is recovered the same way.
  const guarded = <T>(f: () => T): T => {
    try {
      return f();
    } catch (err) {
      backend = recover(err, readRaw());
      return f();
    }
  };
  return {
    notices,
    settings: {
      get: (key) =>
        guarded(() => {
          const value = backend.get(key);
          // Older or hand-edited files may lack newer preference keys.
          return (key === 'preferences' ? { ...DEFAULT_PREFERENCES, ...(value as Preferences) } : (value ?? DEFAULT_SETTINGS[key])) as never;
        }),
      set: (key, value) => {
        // Recover only a file that was already bad: a value the schema rejects must not cost the file.
        guarded(() => backend.get('accountSource'));
        backend.set(key, value);
      },
    },
  };
}

/** Web mode: the same options on plain `conf`. */
export function openConfSettings(dir: string): OpenedSettings {
  return openSettings(dir, (options) => new Conf<StoredSettings>(options));
}
