/**
 * The one typed API between the renderer and the host (Electron main, or the Node web host).
 * Both hosts implement `HostApi`; the renderer sees only this. Inputs arriving over IPC or HTTP
 * are untrusted and are checked by `checkHostCall` before any service runs.
 */
import type { Account } from './account';
import type { EmergencyNumberInput } from './emergency/catalogue';
import type { RegisteredAddress } from './emergency/civic-address';
import type { GatewayProfile } from './emergency/gateway-profile';
import type { NetworkDecision } from './network/decide';
import type { Contact, ContactInput, ContactNumber } from './contacts';

/** Where the host thinks this machine is, and which local network it is on. */
export interface NetworkStatus {
  /** Grows with each check: `waitForNetworkChange` waits for a higher one. */
  version: number;
  decision: NetworkDecision;
  /** The local network's fingerprint ('' when there is none to tell). */
  fingerprint: string;
  /** The administrator's network site this network matches, if any. */
  site: { name: string; address: RegisteredAddress['address'] } | null;
  checkedAt: string;
}

/** One line of the emergency call record: `start` before the INVITE, `update` as the call goes on. */
export interface EmergencyCallEvent {
  type: 'start' | 'update';
  /** Stable id of the call in the record. */
  id: string;
  startedAt?: string;
  number?: string;
  service?: string;
  urn?: string | null;
  /** The exact PIDF-LO sent, or null when the call went out without location. */
  pidfLo?: string | null;
  locationSource?: string | null;
  networkCountry?: string | null;
  roamingWarning?: boolean;
  /** Whether the security desk was told, and how it went (shown nowhere but this record). */
  securityDesk?: string | null;
  /** Gateways tried, in order; `superseded` says how one that another took over from was released. */
  gateways?: Array<{ gateway: string; result: string; superseded?: string }>;
  result?: 'trying' | 'answered' | 'failed' | 'ended' | 'interrupted';
  failure?: string | null;
  answeredAt?: string | null;
  endedAt?: string | null;
  durationSeconds?: number | null;
  /** The RFC 7852 blocks sent with the call, exactly as sent. */
  additionalData?: Array<{ contentType: string; body: string }>;
  /** Locations sent during the call (RFC 6881 ED-38), each with its outcome; the whole list each time. */
  locationUpdates?: Array<{ at: string; pidfLo: string; result: string }>;
}

/** A call as the record tells it (its events merged). A call with no end line was interrupted. */
export type EmergencyCallEntry = Omit<EmergencyCallEvent, 'type'>;

const text = (v: unknown): boolean => typeof v === 'string';
const textOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const CALL_RESULTS: ReadonlyArray<unknown> = ['trying', 'answered', 'failed', 'ended', 'interrupted'];

/**
 * The type of each field of an event besides `type` and `id` (all optional), checked when the renderer
 * records one (checkHostCall) and when the record is read back (a hand-edited or damaged file).
 * The mapped type makes a field added to EmergencyCallEvent fail to compile until it is listed here.
 */
export const EMERGENCY_CALL_FIELDS: { readonly [K in Exclude<keyof EmergencyCallEvent, 'type' | 'id'>]-?: (v: unknown) => boolean } = {
  startedAt: text,
  number: text,
  service: text,
  urn: textOrNull,
  pidfLo: textOrNull,
  locationSource: textOrNull,
  networkCountry: textOrNull,
  roamingWarning: (v) => typeof v === 'boolean',
  securityDesk: textOrNull,
  gateways: (v) => Array.isArray(v) && v.every(isGatewayAttempt),
  result: (v) => CALL_RESULTS.includes(v),
  failure: textOrNull,
  answeredAt: textOrNull,
  endedAt: textOrNull,
  durationSeconds: (v) => v === null || (typeof v === 'number' && Number.isFinite(v)),
  additionalData: (v) => Array.isArray(v) && v.every((d) => isRecord(d) && text(d.contentType) && text(d.body)),
  locationUpdates: (v) => Array.isArray(v) && v.every((u) => isRecord(u) && text(u.at) && text(u.pidfLo) && text(u.result)),
};

export function isGatewayAttempt(v: unknown): v is { gateway: string; result: string; superseded?: string } {
  return isRecord(v) && typeof v.gateway === 'string' && typeof v.result === 'string' && (v.superseded === undefined || typeof v.superseded === 'string');
}

export function isEmergencyCallField(key: string): key is keyof typeof EMERGENCY_CALL_FIELDS {
  return Object.hasOwn(EMERGENCY_CALL_FIELDS, key);
}

/** One call in the call history (every call, not only emergency ones), as the renderer reports it. */
export interface CallHistoryEntry {
  id: string;
  direction: 'outgoing' | 'incoming';
  outcome: 'answered' | 'missed' | 'declined' | 'busy' | 'failed' | 'cancelled';
  kind: 'ordinary' | 'emergency' | 'test';
  number: string;
  name: string | null;
  /** ISO 8601, like the other times. */
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  /** The emergency call record's id, for emergency/test calls. */
  emergencyRecordId: string | null;
  /** Why it was failed/busy, short text. */
  reason: string | null;
}

export interface CallHistory {
  /** Newest first. */
  entries: CallHistoryEntry[];
  /** Incoming missed calls since the history was last marked seen. */
  unseenMissed: number;
}

/** `saveContact`'s answer: the contact as stored (with its id and updatedAt), or errors for the form. */
export type ContactSaveResult = { ok: true; contact: Contact } | { ok: false; errors: FieldError[] };

/** `importContacts`'s answer: how many cards were added, and each one that was not, by its index (0-based). */
export interface ContactImportResult {
  imported: number;
  /** `invalid`: unreadable or not a contact; `duplicate`: same name and number already there; `full`: over the limit. */
  skipped: Array<{ index: number; code: 'invalid' | 'duplicate' | 'full'; message: string }>;
}

/** The largest vCard file `importContacts` takes, in UTF-8 bytes. */
export const MAX_CONTACTS_IMPORT_BYTES = 5 * 1024 * 1024;

const oneOf =
  (...values: readonly unknown[]) =>
  (v: unknown): boolean =>
    values.includes(v);
const shortText =
  (max: number) =>
  (v: unknown): boolean =>
    typeof v === 'string' && v.length <= max;
const orNull =
  (check: (v: unknown) => boolean) =>
  (v: unknown): boolean =>
    v === null || check(v);
// Length-capped first, so a huge string is never handed to Date.parse.
const isoTime = (v: unknown): boolean => typeof v === 'string' && v.length <= 64 && Number.isFinite(Date.parse(v));

/**
 * Each field's check, used when the renderer records a call (checkHostCall: all present, no others)
 * and when the history file is read back (a bad nullable field becomes null, any other bad field drops
 * the entry). The mapped type makes a field added to CallHistoryEntry fail to compile until it is listed.
 */
export const CALL_HISTORY_FIELDS: { readonly [K in keyof CallHistoryEntry]-?: (v: unknown) => boolean } = {
  id: (v) => typeof v === 'string' && v.length > 0 && v.length <= 64,
  direction: oneOf('outgoing', 'incoming'),
  outcome: oneOf('answered', 'missed', 'declined', 'busy', 'failed', 'cancelled'),
  kind: oneOf('ordinary', 'emergency', 'test'),
  number: shortText(256),
  name: orNull(shortText(256)),
  startedAt: isoTime,
  answeredAt: orNull(isoTime),
  endedAt: orNull(isoTime),
  durationSeconds: orNull((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0),
  emergencyRecordId: orNull(shortText(64)),
  reason: orNull(shortText(256)),
};

export function isCallHistoryField(key: string): key is keyof CallHistoryEntry {
  return Object.hasOwn(CALL_HISTORY_FIELDS, key);
}

/**
 * One person (or service) of the company directory: read-only, from the administrator's CardDAV
 * server. A Contact (src/contacts.ts) without `updatedAt`: shown and dialled the same way.
 */
export interface DirectoryEntry {
  /** Stable within the directory (the card's UID, else its address on the server). */
  id: string;
  name: string;
  organization: string | null;
  numbers: ContactNumber[];
  email: string | null;
  note: string | null;
}

/** Why the last directory sync failed: a code to translate; `lastError` has the detail. */
export type DirectoryErrorCode = 'auth' | 'notFound' | 'notAddressBook' | 'network' | 'timeout' | 'server' | 'tooLarge' | 'notConfigured';

/** The company directory's state, for Settings' status line. */
export interface DirectoryStatus {
  /** An administrator provisioned a directory (a `directory` section). */
  configured: boolean;
  /** The last successful sync (ISO 8601), null if none: search answers from that copy. */
  lastSyncAt: string | null;
  /** Why the last sync failed (an English detail), null once one succeeds. */
  lastError: string | null;
  lastErrorCode: DirectoryErrorCode | null;
  /** Entries in the local copy. */
  count: number;
  /** A sync is under way. */
  syncing: boolean;
}

export interface DirectorySearch {
  /** Best matches first, at most 20; none for an empty query. */
  entries: DirectoryEntry[];
  status: DirectoryStatus;
}

/** No directory provisioned (or no directory service at all). */
export const NO_DIRECTORY_STATUS: DirectoryStatus = { configured: false, lastSyncAt: null, lastError: null, lastErrorCode: null, count: 0, syncing: false };
/** The longest query `searchDirectory` takes. */
export const MAX_DIRECTORY_QUERY = 128;

/** Before any check, or with no monitor: nothing known. */
export const NO_NETWORK_STATUS: NetworkStatus = {
  version: 0,
  decision: { country: null, confidence: 'unknown', reasons: [{ code: 'noSignal' }] },
  fingerprint: '',
  site: null,
  checkedAt: '',
};

/** Something the host tells the page: raised by the OS or the desktop shell, not by the page. */
export type HostEvent =
  /** A sip:, sips:, tel: or callto: link was opened with the app (never dialled without the user). */
  | { type: 'link'; uri: string }
  /** A global shortcut or the tray asked for a call action. */
  | { type: 'action'; action: 'answer' | 'hangup' | 'mute' | 'show' | 'toggleDoNotDisturb' }
  /** The computer woke up or came back on the network: reconnect now. */
  | { type: 'resume' };

export interface HostEvents {
  /** Pass it back to `waitForHostEvents` for the ones after these. */
  version: number;
  events: HostEvent[];
}

/** Signals only the renderer sees. */
export interface NetworkReport {
  /** The public address the gateway saw (Via received of the REGISTER answer). */
  viaReceived?: string | null;
  /** The time zone the user's session runs in. */
  timeZone?: string | null;
}
import type { FieldError } from './result';

export type Language = 'system' | 'fr' | 'en';
/** `system` follows the OS (prefers-color-scheme, forced-colors); the others are chosen in Settings. */
export type Theme = 'system' | 'light' | 'dark' | 'high-contrast';
export const THEMES: readonly Theme[] = ['system', 'light', 'dark', 'high-contrast'];

export interface Preferences {
  language: Language;
  /** MediaDeviceInfo.deviceId, or '' for the system default. */
  audioInputId: string;
  audioOutputId: string;
  doNotDisturb: boolean;
  theme: Theme;
  /** Where incoming calls ring (MediaDeviceInfo.deviceId, '' for the system default): apart from the call's speaker. */
  ringDeviceId: string;
  /** Ring volume, 0 to 1. */
  ringVolume: number;
  /** Desktop only: the app starts when the user logs in (in the tray, window hidden). */
  startAtLogin: boolean;
  /** Desktop only: every start opens in the tray, window hidden (as `--minimised` does). */
  startMinimised: boolean;
}

/**
 * What the page tells the desktop shell for the tray (icon, tooltip, Do not disturb tick): the
 * page alone knows the registration and whether emergency calls can go out. Sent on every change.
 */
export interface AppStatus {
  /** The SIP registration, with `registering` reported as `connecting`. */
  registration: 'registered' | 'connecting' | 'failed' | 'unconfigured';
  /** Emergency availability (src/emergency/availability.ts), as the dialer shows it. */
  availability: 'ready' | 'degraded' | 'unavailable';
  doNotDisturb: boolean;
  /** A call is ringing, being set up, or going on. */
  inCall: boolean;
}

export const APP_STATUS_VALUES: { readonly [K in keyof AppStatus]-?: readonly AppStatus[K][] } = {
  registration: ['registered', 'connecting', 'failed', 'unconfigured'],
  availability: ['ready', 'degraded', 'unavailable'],
  doNotDisturb: [true, false],
  inCall: [true, false],
};

/** Everything the emergency path needs, read ahead of time: nothing is fetched when 112 is pressed. */
export interface EmergencySettings {
  /** The registered address; null when none is registered (calls still go out, without location). */
  address: RegisteredAddress | null;
  /** The address's country, else the provisioned one, else the OS region. */
  homeCountry: string;
  /** Digit(s) for an outside line ("0", "9"), or ''. */
  outsideLinePrefix: string;
  /** Numbers an administrator added or overrode. */
  numbers: EmergencyNumberInput[];
  /** Stable per-install id, the PIDF-LO's device id. */
  deviceId: string;
  /** False when an administrator locked the address. */
  addressEditable: boolean;
  /** Days after the last confirmation when the user is asked to confirm the address again. */
  reminderDays: number;
  /** On a network not seen before: ask "are you still at this address?". */
  networkPrompt: boolean;
  /** The test line "Test my emergency setup" calls, or null when there is none for this country. */
  testNumber: string | null;
  /** The security desk told of each emergency call (SIP MESSAGE), or null. */
  securityDesk: string | null;
  /** What the emergency gateway expects of the INVITE. */
  gatewayProfile: GatewayProfile;
  /** The administrator allows RFC 7852 SubscriberInfo (name, languages) with the call. */
  sendSubscriberInfo: boolean;
  /** Addresses the user used before (on other networks), to choose from. */
  savedAddresses: RegisteredAddress['address'][];
}

export interface HostState {
  mode: 'electron' | 'web';
  /** The OS language (e.g. `fr-FR`), used when preferences.language is `system`. */
  systemLocale: string;
  account: Account | null;
  /** Where the account came from; a provisioned account is read-only in the UI. */
  accountSource: 'none' | 'user' | 'provisioned';
  hasPassword: boolean;
  /** The administrator's file sets the password too: nothing of the account can be typed. */
  passwordManaged: boolean;
  /** Show first run: not done on this machine yet, and the provisioning file does not skip it. */
  firstRun: boolean;
  /** No keyring (Electron): a password typed now is kept until the app quits, never stored. */
  passwordSessionOnly?: boolean;
  preferences: Preferences;
  emergency: EmergencySettings;
  /** Problems found while loading settings or the provisioning file, shown to the user. */
  notices: HostNotice[];
}

export interface HostNotice {
  code: 'provisioningInvalid' | 'provisioningUnreadable' | 'settingsRecovered' | 'historyRecovered' | 'contactsRecovered';
  message: string;
  errors?: FieldError[];
}

export interface AccountInput {
  gateways: string[];
  sipUri: string;
  authUser: string;
  displayName: string;
  /** Empty keeps the stored password. */
  password: string;
  iceServers: Account['iceServers'];
}

export type SaveResult = { ok: true; state: HostState } | { ok: false; errors: FieldError[] };

export interface HostApi {
  getState(): Promise<HostState>;
  /** The SIP password, handed to sip.js for digest authentication. */
  getPassword(): Promise<string | null>;
  saveAccount(input: AccountInput): Promise<SaveResult>;
  setPreferences(patch: Partial<Preferences>): Promise<HostState>;
  /** Validates and stores the user's emergency address; saving it also confirms it. */
  saveEmergencyAddress(address: Record<string, unknown>): Promise<SaveResult>;
  /** The user says the current address is still right. */
  confirmEmergencyAddress(): Promise<HostState>;
  /**
   * Answers the new-network prompt: this network goes with `address` (null: the current one).
   * The answer is remembered, so coming back here picks that address with no prompt.
   */
  rememberNetwork(address: Record<string, unknown> | null): Promise<SaveResult>;
  /**
   * Appends to the emergency call record: in the file (the OS's cache, which survives the app
   * crashing) before it returns; the flush to the disk itself follows without holding the call.
   * The first INVITE waits for a `start` line at most 150 ms (a slow disk never holds the call).
   */
  recordEmergencyCall(event: EmergencyCallEvent): Promise<void>;
  /** First run was finished or skipped: it is not shown again on this machine. */
  finishFirstRun(): Promise<HostState>;
  /** The emergency call record, newest first. */
  listEmergencyCalls(): Promise<EmergencyCallEntry[]>;
  /**
   * Stores a call in the call history, replacing the entry with the same id (a call may be recorded
   * when it starts and again when it ends). Resolves once it is written; a failed write is logged,
   * never thrown, and the entry stays in the list until the app quits.
   */
  recordCall(entry: CallHistoryEntry): Promise<void>;
  /** The call history, newest first, with the number of missed calls not yet seen. */
  listCallHistory(): Promise<CallHistory>;
  /** The missed calls so far no longer count as unseen. */
  markHistorySeen(): Promise<CallHistory>;
  /** Empties the call history (the emergency call record is kept). */
  clearCallHistory(): Promise<CallHistory>;
  /** The address book, by name. */
  listContacts(): Promise<Contact[]>;
  /**
   * Adds a contact, or edits the one with `input.id`. Field errors (by field, for the form) when it is
   * not valid, its id is gone (`id`/notFound) or the book is full (`contact`/contactsFull). Resolves
   * once written; a failed write is logged, never thrown, and the contact stays until the app quits.
   */
  saveContact(input: ContactInput): Promise<ContactSaveResult>;
  /** Removes a contact; an unknown id is no error. */
  deleteContact(id: string): Promise<void>;
  /**
   * Adds the cards of a vCard file (2.1, 3.0 or 4.0; at most MAX_CONTACTS_IMPORT_BYTES). A card with the
   * same name and a number already in the book is skipped as a duplicate.
   */
  importContacts(vcardText: string): Promise<ContactImportResult>;
  /** The whole address book as a vCard 3.0 file ('' when empty). */
  exportContacts(): Promise<string>;
  /** Reports renderer-side signals and returns the refreshed network status. */
  reportNetwork(report: NetworkReport): Promise<NetworkStatus>;
  /** Long poll: the status once its version is above `since` (or the same one after ~25 s). */
  waitForNetworkChange(since: number): Promise<NetworkStatus>;
  /** Long poll: the host's events after `since` (-1 at start: the recent ones), or none after ~25 s. */
  waitForHostEvents(since: number): Promise<HostEvents>;
  /**
   * Asks for the user's attention: the missed-call badge (taskbar/dock, 0 clears it) and whether the
   * window should flash (a ringing call). Electron only; web mode's host does nothing (the page puts
   * the count in its title instead).
   */
  setAttention(attention: Attention): Promise<void>;
  /**
   * Searches the company directory's local copy (by name, organization or number; works offline),
   * at most 20 entries. An empty query returns no entries, only the status.
   */
  searchDirectory(query: string): Promise<DirectorySearch>;
  /** Syncs the company directory now and returns its status once done (a failure keeps the copy). */
  syncDirectory(): Promise<DirectoryStatus>;
  /**
   * The page's status for the desktop shell (tray icon, tooltip and menu): call it at start and on
   * every change of any field. Electron only shows it; web mode's host keeps it and shows nothing.
   */
  reportStatus(status: AppStatus): Promise<void>;
}

/** What `setAttention` shows: missed calls not yet seen, and whether a call is ringing. */
export interface Attention {
  /** An integer, 0 to 9999. */
  missedCalls: number;
  flash: boolean;
}

export type HostMethod = keyof HostApi;
export const HOST_METHODS: readonly HostMethod[] = [
  'getState',
  'getPassword',
  'saveAccount',
  'setPreferences',
  'saveEmergencyAddress',
  'confirmEmergencyAddress',
  'reportNetwork',
  'waitForNetworkChange',
  'waitForHostEvents',
  'rememberNetwork',
  'recordEmergencyCall',
  'listEmergencyCalls',
  'finishFirstRun',
  'recordCall',
  'listCallHistory',
  'markHistorySeen',
  'clearCallHistory',
  'listContacts',
  'saveContact',
  'deleteContact',
  'importContacts',
  'exportContacts',
  'setAttention',
  'searchDirectory',
  'syncDirectory',
  'reportStatus',
];

export const DEFAULT_PREFERENCES: Preferences = {
  language: 'system',
  audioInputId: '',
  audioOutputId: '',
  doNotDisturb: false,
  theme: 'system',
  ringDeviceId: '',
  ringVolume: 0.8,
  startAtLogin: false,
  startMinimised: false,
};

export class HostCallError extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const CONTACT_INPUT_KEYS: ReadonlySet<string> = new Set<keyof ContactInput>(['id', 'name', 'organization', 'numbers', 'email', 'note']);

/**
 * A contact from the form: the right keys and types, of a sane size. Lengths, labels and the rest are
 * the service's to check, as field errors the form can show (checkContact in src/contacts.ts).
 */
function checkContactShape(c: unknown): void {
  if (!isRecord(c)) throw new HostCallError('saveContact takes a contact');
  for (const k of Object.keys(c)) if (!CONTACT_INPUT_KEYS.has(k)) throw new HostCallError(`saveContact: unknown field ${k}`);
  if (c.id !== undefined && (typeof c.id !== 'string' || c.id.length > 64)) throw new HostCallError('saveContact: bad id');
  if (typeof c.name !== 'string') throw new HostCallError('saveContact: name must be text');
  for (const k of ['organization', 'email', 'note'] as const) {
    // undefined: left out (IPC keeps it, JSON drops it).
    if (c[k] !== undefined && c[k] !== null && typeof c[k] !== 'string') throw new HostCallError(`saveContact: ${k} must be text or null`);
  }
  const numbers = c.numbers;
  if (!Array.isArray(numbers) || numbers.length > 64) throw new HostCallError('saveContact: numbers must be a list');
  for (const n of numbers) {
    if (!isRecord(n) || typeof n.label !== 'string' || typeof n.number !== 'string' || Object.keys(n).some((k) => k !== 'label' && k !== 'number')) {
      throw new HostCallError('saveContact: each number is { label, number }');
    }
  }
  // Room for every field at its longest, twice over; the service says which one is too long.
  if (JSON.stringify(c).length > 65_536) throw new HostCallError('saveContact: contact too large');
}

/** A string's length in UTF-8 bytes, without encoding it. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Checks the shape of an untrusted call; the services check the meaning. */
export function checkHostCall(method: unknown, args: unknown): { method: HostMethod; args: unknown[] } {
  if (typeof method !== 'string' || !(HOST_METHODS as readonly string[]).includes(method)) {
    throw new HostCallError(`unknown host method ${JSON.stringify(method)}`);
  }
  if (!Array.isArray(args)) throw new HostCallError('arguments must be a list');
  const m = method as HostMethod;
  const arity: Record<HostMethod, number> = {
    getState: 0,
    getPassword: 0,
    saveAccount: 1,
    setPreferences: 1,
    saveEmergencyAddress: 1,
    confirmEmergencyAddress: 0,
    reportNetwork: 1,
    waitForNetworkChange: 1,
    waitForHostEvents: 1,
    rememberNetwork: 1,
    recordEmergencyCall: 1,
    listEmergencyCalls: 0,
    finishFirstRun: 0,
    recordCall: 1,
    listCallHistory: 0,
    markHistorySeen: 0,
    clearCallHistory: 0,
    listContacts: 0,
    saveContact: 1,
    deleteContact: 1,
    importContacts: 1,
    exportContacts: 0,
    setAttention: 1,
    searchDirectory: 1,
    syncDirectory: 0,
    reportStatus: 1,
  };
  if (args.length !== arity[m]) throw new HostCallError(`${m} takes ${arity[m]} argument(s)`);
  if ((m === 'saveAccount' || m === 'saveEmergencyAddress') && !isRecord(args[0])) throw new HostCallError(`${m} takes an object`);
  if (m === 'reportNetwork') {
    const r = args[0];
    if (!isRecord(r)) throw new HostCallError('reportNetwork takes an object');
    for (const k of ['viaReceived', 'timeZone'] as const) {
      const v = r[k];
      if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > 64)) throw new HostCallError(`bad ${k}`);
    }
  }
  if (m === 'recordEmergencyCall') {
    const e = args[0];
    if (!isRecord(e) || (e.type !== 'start' && e.type !== 'update') || typeof e.id !== 'string' || e.id.length > 64) {
      throw new HostCallError('recordEmergencyCall takes { type, id, … }');
    }
    for (const [k, v] of Object.entries(e)) {
      if (k === 'type' || k === 'id') continue;
      if (!isEmergencyCallField(k)) throw new HostCallError(`unknown record field ${k}`);
      // undefined: an optional field left out (IPC keeps it, JSON drops it).
      if (v !== undefined && !EMERGENCY_CALL_FIELDS[k](v)) throw new HostCallError(`bad record field ${k}`);
    }
    // Room for a PIDF-LO and RFC 7852 blocks of long (even hostile) text; a refused start line loses the record.
    if (JSON.stringify(e).length > 262_144) throw new HostCallError('record entry too large');
  }
  if (m === 'recordCall') {
    const e = args[0];
    if (!isRecord(e)) throw new HostCallError('recordCall takes a call history entry');
    for (const k of Object.keys(e)) if (!isCallHistoryField(k)) throw new HostCallError(`recordCall: unknown field ${k}`);
    for (const [k, check] of Object.entries(CALL_HISTORY_FIELDS)) {
      // Every field, null where there is nothing to say (JSON would drop an undefined one).
      if (!Object.hasOwn(e, k)) throw new HostCallError(`recordCall: missing field ${k}`);
      if (!check(e[k])) throw new HostCallError(`recordCall: bad field ${k}`);
    }
  }
  if (m === 'setAttention') {
    const a = args[0];
    if (!isRecord(a)) throw new HostCallError('setAttention takes { missedCalls, flash }');
    for (const k of Object.keys(a)) if (k !== 'missedCalls' && k !== 'flash') throw new HostCallError(`setAttention: unknown field ${k}`);
    const n = a.missedCalls;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 9999) throw new HostCallError('setAttention: missedCalls must be an integer from 0 to 9999');
    if (typeof a.flash !== 'boolean') throw new HostCallError('setAttention: flash must be true or false');
  }
  if (m === 'reportStatus') {
    const st = args[0];
    if (!isRecord(st)) throw new HostCallError('reportStatus takes { registration, availability, doNotDisturb, inCall }');
    for (const k of Object.keys(st)) if (!Object.hasOwn(APP_STATUS_VALUES, k)) throw new HostCallError(`reportStatus: unknown field ${k}`);
    for (const [k, values] of Object.entries(APP_STATUS_VALUES)) {
      if (!(values as readonly unknown[]).includes(st[k])) throw new HostCallError(`reportStatus: bad ${k}`);
    }
  }
  if (m === 'searchDirectory' && (typeof args[0] !== 'string' || args[0].length > MAX_DIRECTORY_QUERY)) {
    throw new HostCallError(`searchDirectory takes a query of at most ${MAX_DIRECTORY_QUERY} characters`);
  }
  if (m === 'saveContact') checkContactShape(args[0]);
  if (m === 'deleteContact' && (typeof args[0] !== 'string' || args[0] === '' || args[0].length > 64)) throw new HostCallError('deleteContact takes a contact id');
  if (m === 'importContacts') {
    if (typeof args[0] !== 'string') throw new HostCallError('importContacts takes the text of a vCard file');
    if (utf8Length(args[0]) > MAX_CONTACTS_IMPORT_BYTES) throw new HostCallError(`importContacts takes at most ${MAX_CONTACTS_IMPORT_BYTES} bytes`);
  }
  if (m === 'rememberNetwork' && args[0] !== null && !isRecord(args[0])) throw new HostCallError('rememberNetwork takes an address or null');
  if ((m === 'waitForNetworkChange' || m === 'waitForHostEvents') && (typeof args[0] !== 'number' || !Number.isInteger(args[0]))) {
    throw new HostCallError(`${m} takes a version number`);
  }
  if (m === 'setPreferences') {
    const patch = args[0];
    if (!isRecord(patch)) throw new HostCallError('setPreferences takes an object');
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'language' && v !== 'system' && v !== 'fr' && v !== 'en') throw new HostCallError('bad language');
      else if ((k === 'audioInputId' || k === 'audioOutputId' || k === 'ringDeviceId') && (typeof v !== 'string' || v.length > 512))
        throw new HostCallError(`bad ${k}`);
      else if ((k === 'doNotDisturb' || k === 'startAtLogin' || k === 'startMinimised') && typeof v !== 'boolean') throw new HostCallError(`bad ${k}`);
      else if (k === 'theme' && !THEMES.includes(v as Theme)) throw new HostCallError('bad theme');
      else if (k === 'ringVolume' && (typeof v !== 'number' || !(v >= 0 && v <= 1))) throw new HostCallError('bad ringVolume');
      // Own keys only: `in` would let `constructor`, `toString` and `__proto__` through.
      else if (!Object.hasOwn(DEFAULT_PREFERENCES, k)) throw new HostCallError(`unknown preference ${k}`);
    }
  }
  return { method: m, args };
}

/** IPC channel used by the Electron preload; the web bridge uses POST /api/<method>. */
export const HOST_IPC_CHANNEL = 'host:call';

/**
 * A HostApi whose every method forwards its arguments to `call`: the Electron preload (IPC) and the
 * web bridge (HTTP) are both this, over their own transport.
 */
export function makeHostClient(call: (method: HostMethod, args: unknown[]) => Promise<unknown>): HostApi {
  return Object.fromEntries(HOST_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)])) as unknown as HostApi;
}
