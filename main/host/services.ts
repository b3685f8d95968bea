/**
 * The host services behind `HostApi`, shared by the Electron main process and the web-mode host.
 * Arguments have passed `checkHostCall` (shape); the meaning is checked here.
 *
 * Invariant: the SecretStore's password belongs to the stored `account`. That is what stops a
 * password typed for one account from being sent to another account's gateway.
 */
import { checkAccount, withoutPassword, type Account } from '../../src/account';
import { randomUUID } from 'node:crypto';
import { DEFAULT_PREFERENCES, NO_DIRECTORY_STATUS, NO_NETWORK_STATUS } from '../../src/host-api';
import type {
  AccountInput,
  AppStatus,
  Attention,
  CallHistory,
  CallHistoryEntry,
  ContactImportResult,
  ContactSaveResult,
  DirectoryEntry,
  DirectoryStatus,
  EmergencySettings,
  HostApi,
  HostNotice,
  HostState,
  EmergencyCallEntry,
  EmergencyCallEvent,
  NetworkReport,
  NetworkStatus,
  Preferences,
  SaveResult,
} from '../../src/host-api';
import { fieldError, type FieldError } from '../../src/result';
import type { Contact, ContactInput } from '../../src/contacts';
import type { HostEventQueue } from './host-events';
import { checkProvisionedEmergency, type Provisioning, type ProvisionedEmergency } from './provisioning';
import type { KnownNetwork } from './settings-store';
import { validateCivicAddress } from '../../src/emergency/address-validation';
import type { CivicAddress, RegisteredAddress } from '../../src/emergency/civic-address';
import type { SecretStore } from './secrets';
import type { SettingsBackend } from './settings-store';
import { decideHomeCountry } from '../../src/emergency/home-country';
import { chooseTestLine } from '../../src/emergency/test-line';
import { DEFAULT_GATEWAY_PROFILE } from '../../src/emergency/gateway-profile';
import { catalogueWith } from '../../src/emergency/catalogues';
import { provisionedDirectoryConfig, type DirectoryConfig } from './directory';

export interface HostServicesOptions {
  mode: HostState['mode'];
  settings: SettingsBackend;
  secrets: SecretStore;
  /** The loaded provisioning file, or null when none is configured. */
  provisioning: Provisioning | null;
  systemLocale: string;
  /** Start-up notices from elsewhere (settings recovery); a live list, read on every getState. */
  notices?: readonly HostNotice[];
  /** The network monitor; without one, the network country is always unknown. */
  network?: NetworkSource;
  /** Events for the page (links, shortcuts, tray, resume); without a queue, none ever come. */
  events?: HostEventQueue;
  /** The emergency call record; without one, recording is a no-op (and said so in the log). */
  callRecord?: { append(e: EmergencyCallEvent): void; list(): EmergencyCallEntry[] };
  /** The call history (main/host/call-history.ts); without one, nothing is kept and the list is empty. */
  callHistory?: CallHistorySource;
  /** The address book (main/host/contacts.ts); without one, it is empty and nothing can be saved. */
  contacts?: ContactSource;
  /** Shows the missed-call badge and flashes the window (Electron); without it, setAttention does nothing (web mode). */
  attention?: (a: Attention) => void;
  /** The company directory (main/host/directory.ts), configured here from the provisioning file; without one, searches find nothing. */
  directory?: DirectorySource;
  /** Where the directory's password is kept (its own SecretStore); without one, only the file's password is used. */
  directorySecrets?: SecretStore;
  /** The page's status as it reports it (Electron: the tray); without it, the status is only kept. */
  onStatus?: (status: AppStatus) => void;
  /** The preferences after each change (Electron: start at login, the tray's language). */
  onPreferences?: (preferences: Preferences) => void;
}

/** What the services need of the company directory. */
export interface DirectorySource {
  configure(cfg: DirectoryConfig | null): void;
  search(query: string, limit?: number, country?: string): DirectoryEntry[];
  sync(): Promise<unknown>;
  status(): DirectoryStatus;
}

/** What the services need of the call history store; its notices go into HostState.notices. */
export interface CallHistorySource {
  readonly notices: readonly HostNotice[];
  record(entry: CallHistoryEntry): Promise<void>;
  list(): CallHistory;
  markSeen(): Promise<CallHistory>;
  clear(): Promise<CallHistory>;
}

const NO_HISTORY: CallHistory = { entries: [], unseenMissed: 0 };

/** What the services need of the address book store; its notices go into HostState.notices. */
export interface ContactSource {
  readonly notices: readonly HostNotice[];
  list(): Contact[];
  save(input: ContactInput): Promise<ContactSaveResult>;
  delete(id: string): Promise<void>;
  import(vcardText: string): Promise<ContactImportResult>;
  export(): string;
}

/** What the services need of the network monitor (main/host/network.ts). */
export interface NetworkSource {
  readonly current: NetworkStatus;
  report(signal: NetworkReport): Promise<NetworkStatus>;
  waitForChange(since: number, timeoutMs: number): Promise<NetworkStatus>;
}

const LONG_POLL_MS = 25_000;

function sameCredentials(a: Account | null, b: Account): boolean {
  return a !== null && a.sipUri === b.sipUri && a.authUser === b.authUser;
}

/**
 * The administrator's emergency section in force: the file's when it loaded, else (a broken or
 * unreadable file) the last valid one kept in the settings. The hosts give its network sites to the
 * network monitor.
 */
export function provisionedEmergencyOf(provisioning: Provisioning | null, settings: SettingsBackend): ProvisionedEmergency | null {
  if (provisioning === null) return null;
  if (provisioning.ok) return provisioning.emergency;
  try {
    return checkProvisionedEmergency(settings.get('provisionedEmergency'));
  } catch {
    return null;
  }
}

const managed = (): FieldError =>
  fieldError('account', 'managed', 'This account is managed by your administrator and cannot be changed here.');

/** HostApi, and for the host itself (never over IPC or HTTP) the page's last status report. */
export type HostServices = HostApi & { lastStatus(): AppStatus | null };

export function createHostServices(opts: HostServicesOptions): HostServices {
  const { settings, secrets, provisioning } = opts;
  const provisioned = provisioning?.ok ? provisioning.account : null;
  const filePassword = provisioned?.password ?? '';

  // Reconcile the store with the provisioning file once, at start-up. A store failure here must not
  // stop the app: the account then comes from the file alone, and password() re-checks ownership.
  try {
    if (provisioned) {
      const account = withoutPassword(provisioned);
      // A password stored for someone else's account must not reach the administrator's gateway.
      if (!sameCredentials(settings.get('account'), account)) secrets.delete();
      // Keep a copy, so the account still works if the file later becomes unreadable.
      if (filePassword && secrets.get() !== filePassword) secrets.set(filePassword);
      settings.set('account', account);
      settings.set('accountSource', 'provisioned');
    } else if ((provisioning === null || provisioning.ok) && settings.get('accountSource') === 'provisioned') {
      // Provisioning no longer manages the account: the last administrator account becomes the user's.
      settings.set('accountSource', settings.get('account') ? 'user' : 'none');
    }
    // When a configured file is broken, the last valid provisioned account (if any) stays in force.
  } catch {
    // Nothing unsafe follows: see password().
  }
  try {
    // Kept for when the file breaks; a valid file without the section forgets it.
    if (provisioning?.ok) settings.set('provisionedEmergency', provisioning.emergency);
  } catch {
    // Read-only store: the file's own section is used this run anyway.
  }
  if (opts.directory) {
    // A broken file with no last valid directory known leaves the copy on disk searchable as it is.
    const directory = provisionedDirectoryConfig(provisioning, opts.directorySecrets ?? null);
    if (directory !== 'unchanged') opts.directory.configure(directory);
  }
  // Read once: the file does not change while the app runs.
  const emergencySection = provisionedEmergencyOf(provisioning, settings);
  const provisioningNotices = (provisioning?.notices ?? []).map((n) =>
    provisioning?.ok === false ? { ...n, message: `${n.message}; ${keptFromFile(settings, emergencySection)}` } : n,
  );

  if (!settings.get('deviceId')) {
    try {
      settings.set('deviceId', randomUUID());
    } catch {
      // Read-only store: a per-run id below.
    }
  }
  const deviceId = settings.get('deviceId') || randomUUID();

  const provisionedEmergency = (): ProvisionedEmergency | null => emergencySection;
  const addressLocked = (): boolean => Boolean(provisionedEmergency()?.address && provisionedEmergency()?.addressLocked);

  const fingerprint = (): string => opts.network?.current.fingerprint ?? '';
  const knownHere = (): KnownNetwork | undefined => {
    const fp = fingerprint();
    return fp ? settings.get('knownNetworks').find((n) => n.fingerprint === fp) : undefined;
  };
  const remember = (address: CivicAddress): void => {
    const fp = fingerprint();
    if (!fp) return;
    const others = settings.get('knownNetworks').filter((n) => n.fingerprint !== fp);
    settings.set('knownNetworks', [...others.slice(-63), { fingerprint: fp, address, at: new Date().toISOString() }]);
  };

  /**
   * A locked administrator address, else the one remembered for this network, else the user's
   * own, else the administrator's default.
   */
  const effectiveAddress = (): RegisteredAddress | null => {
    // A network site of the administrator's wins over anything the user entered.
    const site = opts.network?.current.site;
    if (site) return withConfirmation({ address: site.address, source: 'network-site', locked: true });
    const admin = provisionedEmergency()?.address;
    const user = knownHere()?.address ?? settings.get('emergencyAddress');
    const chosen: Omit<RegisteredAddress, 'confirmedAt'> | null =
      admin && addressLocked()
        ? { address: admin, source: 'administrator', locked: true }
        : user
          ? // The administrator's address confirmed for this network is still theirs.
            { address: user, source: admin && JSON.stringify(admin) === JSON.stringify(user) ? 'administrator' : 'user' }
          : admin
            ? { address: admin, source: 'administrator' }
            : null;
    return chosen && withConfirmation(chosen);
  };
  const withConfirmation = (chosen: Omit<RegisteredAddress, 'confirmedAt'>): RegisteredAddress => {
    const confirmation = settings.get('addressConfirmation');
    return confirmation && confirmation.address === JSON.stringify(chosen.address) ? { ...chosen, confirmedAt: confirmation.at } : chosen;
  };

  /** Read once per state: nothing on the emergency path asks the host anything. */
  const emergency = (): EmergencySettings => {
    const e = provisionedEmergency();
    const address = effectiveAddress();
    const homeCountry = decideHomeCountry({ addressCountry: address?.address.country, provisioned: e?.homeCountry, systemLocale: opts.systemLocale });
    const network = opts.network?.current.decision;
    const networkCountry = network && network.confidence !== 'unknown' ? network.country : null;
    return {
      address,
      homeCountry,
      outsideLinePrefix: e?.outsideLinePrefix ?? '',
      numbers: e?.numbers ?? [],
      deviceId,
      addressEditable: !addressLocked() && address?.source !== 'network-site',
      reminderDays: e?.reminderDays ?? 90,
      securityDesk: e?.securityDesk ?? null,
      gatewayProfile: e?.gatewayProfile ?? DEFAULT_GATEWAY_PROFILE,
      sendSubscriberInfo: e?.sendSubscriberInfo ?? false,
      // US 933 by default there; elsewhere only what the administrator provides.
      // Never a real emergency number, at home or in the country the network is in.
      testNumber: chooseTestLine(e?.testNumber, [homeCountry, networkCountry], homeCountry, catalogueWith(e?.numbers ?? [])),
      networkPrompt: Boolean(address && address.source !== 'network-site' && !addressLocked() && fingerprint() && !knownHere()),
      savedAddresses: distinct([settings.get('emergencyAddress'), ...settings.get('knownNetworks').map((n) => n.address)]),
    };
  };

  const confirm = (address: CivicAddress): void =>
    settings.set('addressConfirmation', { at: new Date().toISOString(), address: JSON.stringify(address) });

  const account = (): Account | null => (provisioned ? withoutPassword(provisioned) : settings.get('account'));
  const isManaged = (): boolean =>
    provisioned !== null || (settings.get('accountSource') === 'provisioned' && settings.get('account') !== null);
  const password = (): string | null => {
    if (filePassword) return filePassword;
    // A stored password is handed out for a provisioned account only if it was saved for that account.
    if (provisioned && !sameCredentials(settings.get('account'), provisioned)) return null;
    return secrets.get() || null;
  };

  const state = (): HostState => {
    const current = account();
    return {
      mode: opts.mode,
      systemLocale: opts.systemLocale,
      account: current,
      accountSource: isManaged() ? 'provisioned' : current ? 'user' : 'none',
      hasPassword: password() !== null,
      passwordManaged: isManaged() && filePassword !== '',
      // A user who typed their own account has been through it; the administrator may skip it.
      firstRun: !settings.get('firstRunDone') && settings.get('accountSource') !== 'user' && provisioning?.firstRun !== false,
      // A password from the file comes back with the file; one typed by the user would not.
      passwordSessionOnly: !filePassword && !secrets.persistent(),
      // Preferences added since the file was written take their defaults.
      preferences: { ...DEFAULT_PREFERENCES, ...settings.get('preferences') },
      emergency: emergency(),
      notices: [...provisioningNotices, ...(opts.notices ?? []), ...(opts.callHistory?.notices ?? []), ...(opts.contacts?.notices ?? [])],
    };
  };

  /** Store failures (keychain unavailable, disk full) become a form error, not a crash. */
  const persist = (field: string, f: () => void): FieldError | null => {
    try {
      f();
      return null;
    } catch (err) {
      return fieldError(field, 'notSaved', `could not be saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  /** The page's last status report (null until it sends one). */
  let status: AppStatus | null = null;

  return {
    lastStatus: () => status,

    getState: async () => state(),

    getPassword: async () => password(),

    saveAccount: async (input: AccountInput): Promise<SaveResult> => {
      const typed = typeof input.password === 'string' ? input.password : '';
      if (isManaged()) {
        // Only a password the administrator left out may be typed; every other field is theirs.
        if (filePassword || typed === '') return { ok: false, errors: [managed()] };
        // The password's own rules (length, …); the administrator's fields were checked on load.
        const checked = checkAccount({ ...account(), password: typed }, true);
        const passwordErrors = checked.ok ? [] : checked.errors.filter((e) => e.field === 'password');
        if (passwordErrors.length > 0) return { ok: false, errors: passwordErrors };
        const current = account() as Account;
        const err = persist('password', () => {
          secrets.set(typed);
          settings.set('account', current);
        });
        return err ? { ok: false, errors: [err] } : { ok: true, state: state() };
      }
      // An empty password keeps the stored one, so it is required only when none is stored.
      const checked = checkAccount(input, secrets.get() === null);
      if (!checked.ok) return { ok: false, errors: checked.errors };
      const err =
        (checked.value.password ? persist('password', () => secrets.set(checked.value.password)) : null) ??
        persist('account', () => {
          settings.set('account', withoutPassword(checked.value));
          settings.set('accountSource', 'user');
        });
      return err ? { ok: false, errors: [err] } : { ok: true, state: state() };
    },

    saveEmergencyAddress: async (input: Record<string, unknown>): Promise<SaveResult> => {
      if (addressLocked()) {
        return { ok: false, errors: [fieldError('address', 'managed', 'This address is managed by your administrator and cannot be changed here.')] };
      }
      const checked = validateCivicAddress(input);
      if (!checked.ok) return { ok: false, errors: checked.errors };
      const err = persist('address', () => {
        settings.set('emergencyAddress', checked.value);
        // Saving after reviewing it is confirming it, here, on this network.
        confirm(checked.value);
        remember(checked.value);
      });
      return err ? { ok: false, errors: [err] } : { ok: true, state: state() };
    },

    confirmEmergencyAddress: async () => {
      const current = effectiveAddress();
      if (current) confirm(current.address);
      return state();
    },

    rememberNetwork: async (input: Record<string, unknown> | null): Promise<SaveResult> => {
      if (input === null) {
        const current = effectiveAddress();
        if (current) persist('address', () => (remember(current.address), confirm(current.address)));
        return { ok: true, state: state() };
      }
      if (addressLocked()) return { ok: false, errors: [fieldError('address', 'managed', 'This address is managed by your administrator.')] };
      const checked = validateCivicAddress(input);
      if (!checked.ok) return { ok: false, errors: checked.errors };
      const err = persist('address', () => {
        remember(checked.value);
        confirm(checked.value);
      });
      return err ? { ok: false, errors: [err] } : { ok: true, state: state() };
    },

    recordEmergencyCall: async (event: EmergencyCallEvent) => {
      opts.callRecord?.append(event);
    },

    listEmergencyCalls: async () => opts.callRecord?.list() ?? [],

    finishFirstRun: async () => {
      persist('firstRun', () => settings.set('firstRunDone', true));
      return state();
    },

    recordCall: async (entry: CallHistoryEntry) => {
      await opts.callHistory?.record(entry);
    },

    listCallHistory: async () => opts.callHistory?.list() ?? NO_HISTORY,

    markHistorySeen: async () => (opts.callHistory ? opts.callHistory.markSeen() : NO_HISTORY),

    clearCallHistory: async () => (opts.callHistory ? opts.callHistory.clear() : NO_HISTORY),

    listContacts: async () => opts.contacts?.list() ?? [],

    saveContact: async (input: ContactInput): Promise<ContactSaveResult> =>
      opts.contacts ? opts.contacts.save(input) : { ok: false, errors: [fieldError('contact', 'notSaved', 'there is no address book to save it in')] },

    deleteContact: async (id: string) => opts.contacts?.delete(id),

    importContacts: async (vcardText: string): Promise<ContactImportResult> =>
      opts.contacts ? opts.contacts.import(vcardText) : { imported: 0, skipped: [] },

    exportContacts: async () => opts.contacts?.export() ?? '',

    reportNetwork: async (report: NetworkReport) => (opts.network ? opts.network.report(report) : NO_NETWORK_STATUS),

    waitForNetworkChange: async (since: number) => (opts.network ? opts.network.waitForChange(since, LONG_POLL_MS) : NO_NETWORK_STATUS),

    waitForHostEvents: async (since: number) =>
      opts.events ? opts.events.wait(since, LONG_POLL_MS) : new Promise((resolve) => setTimeout(() => resolve({ version: 0, events: [] }), LONG_POLL_MS)),

    // Only the two known fields go on, whatever else came along.
    setAttention: async ({ missedCalls, flash }: Attention) => opts.attention?.({ missedCalls, flash }),

    searchDirectory: async (query: string) =>
      opts.directory
        ? {
            // The home country, as the emergency settings decide it: `06 12…` also finds `+33 6 12…` in France.
            entries: opts.directory.search(query, 20, decideHomeCountry({ addressCountry: effectiveAddress()?.address.country, provisioned: provisionedEmergency()?.homeCountry, systemLocale: opts.systemLocale })),
            status: opts.directory.status(),
          }
        : { entries: [], status: NO_DIRECTORY_STATUS },

    syncDirectory: async () => {
      if (!opts.directory) return NO_DIRECTORY_STATUS;
      await opts.directory.sync();
      return opts.directory.status();
    },

    setPreferences: async (patch: Partial<Preferences>) => {
      // Known keys only, own ones: never `__proto__`, `constructor` or anything else that came along.
      const known = Object.entries(patch).filter(([k]) => Object.hasOwn(DEFAULT_PREFERENCES, k));
      settings.set('preferences', { ...settings.get('preferences'), ...Object.fromEntries(known) });
      const next = state();
      opts.onPreferences?.(next.preferences);
      return next;
    },

    reportStatus: async (report: AppStatus) => {
      // Only the four known fields go on, whatever else came along.
      status = { registration: report.registration, availability: report.availability, doNotDisturb: report.doNotDisturb, inCall: report.inCall };
      opts.onStatus?.(status);
    },
  };
}

/** What of a broken file's last valid settings is still in force, said for the notice. */
function keptFromFile(settings: SettingsBackend, e: ProvisionedEmergency | null): string {
  const kept: string[] = [];
  try {
    if (settings.get('accountSource') === 'provisioned' && settings.get('account')) kept.push('account');
  } catch {
    // Unreadable store: then no account is in force from it either.
  }
  if (e?.address) kept.push('emergency address');
  if (e?.networkSites.length) kept.push('network sites');
  if (e?.securityDesk) kept.push('security desk');
  if (e?.numbers.length) kept.push('emergency numbers');
  if (e && [e.homeCountry, e.outsideLinePrefix, e.testNumber, e.reminderDays].some((v) => v !== undefined)) kept.push('other emergency settings');
  return kept.length > 0
    ? `the last valid settings from this file stay in force (${kept.join(', ')})`
    : 'no earlier valid settings from this file are known, so none are in force';
}

/** Each address once, in first-seen order. */
function distinct(addresses: Array<CivicAddress | null>): CivicAddress[] {
  const seen = new Set<string>();
  return addresses.filter((a): a is CivicAddress => {
    if (!a) return false;
    const key = JSON.stringify(a);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
