/**
 * The renderer's state: what the host told us, what the phone engine reports, and the dialer.
 * Components render it and call its actions; only the actions talk to the host or the phone.
 */
import { create } from 'zustand';
import type { AccountInput, CallHistory, CallHistoryEntry, HostEvent, HostState, NetworkReport, NetworkStatus, Preferences } from '../../src/host-api';
import { historyEntry, historyNumber, justEnded, turnedAwayEntry } from '../../src/call-history';
import type { CallSnapshot } from '../../src/sip/phone';
import { linkFromQuery, parseCallLink } from '../../src/links';
import { findByNumber, searchContacts, type Contact, type ContactInput } from '../../src/contacts';
import type { ContactImportResult, DirectoryEntry } from '../../src/host-api';
import type { FieldError } from '../../src/result';
import { parseDialString } from '../../src/dial';
import type { Classification } from '../../src/emergency/classify';
import { classifyInput, EmergencyFlow } from '../../src/emergency/emergency-flow';
import { validateCivicAddress } from '../../src/emergency/address-validation';
import i18next from './i18n';
import { Phone, type AudioStats, type PhoneSnapshot } from '../../src/sip/phone';
import { getHost } from './host';
import { playRemote, setOutputDevice, stopRemote } from './audio';
import { changeLanguage, resolveLanguage } from './i18n';
import { lastHeardAt } from '../../src/call-audio';
import { CallAlerts } from './call-alerts';
import type { NotificationPermissionState } from './notifications';

export type View = 'dialer' | 'history' | 'contacts' | 'settings';
/** The first-run steps, in order; null once done or skipped. */
export type OnboardingStep = 'account' | 'address' | 'test';
export const ONBOARDING_STEPS: readonly OnboardingStep[] = ['account', 'address', 'test'];

export interface AppState {
  host: HostState | null;
  /** Where the host thinks we are; null until the first check. */
  network: NetworkStatus | null;
  /** The browser's view of connectivity (navigator.onLine). */
  online: boolean;
  /** Battery, where the platform tells (Battery API); null on mains-only machines or unknown. */
  battery: { charging: boolean; level: number } | null;
  phone: PhoneSnapshot;
  stats: Record<string, AudioStats>;
  /** The emergency service each emergency call was placed for, named on its call screen. */
  emergencyServices: Record<string, { en: string; fr: string }>;
  /** When each call last received audio packets (Date.now()), for the "no sound" warning. */
  heardAt: Record<string, number>;
  dialInput: string;
  /** What the typed digits are, recomputed on every key press. */
  classification: Classification;
  dialError: string | null;
  /** Why the test call was not placed (a real emergency number set as the test line). */
  testCallRefused: string | null;
  /** The emergency call whose hang-up awaits confirmation. */
  confirmHangup: string | null;
  view: View;
  /** The call history (newest first) and the missed calls not seen yet; null until loaded. */
  history: CallHistory | null;
  /** The history could not be read or written: said in the History view. */
  historyError: string | null;
  /** First run (no account yet): the step shown instead of the views, or null. */
  onboarding: OnboardingStep | null;
  accountErrors: FieldError[];
  accountSaved: boolean;
  editingAddress: boolean;
  setEditingAddress(v: boolean): void;
  /** Settings → Emergency address → Edit, from anywhere (the dialer's warning, the reminder). */
  openAddressEditor(): void;
  /** The same checks the host makes, run before the review step. */
  checkEmergencyAddress(values: Record<string, string>): Promise<FieldError[]>;
  saveEmergencyAddress(values: Record<string, string>): Promise<{ ok: true } | { ok: false; errors: FieldError[] }>;
  confirmEmergencyAddress(): Promise<void>;
  /** Answers the new-network prompt: null keeps the current address for this network. */
  rememberNetwork(address: Record<string, string> | null): Promise<void>;
  setDialInput(v: string): void;
  appendDigit(d: string): void;
  backspace(): void;
  setView(v: View): void;
  /** Moves first run on to the step after `from` (done after the last); skipping is the same move. */
  nextOnboardingStep(from: OnboardingStep): void;
  dial(): void;
  answer(id: string): void;
  decline(id: string): void;
  hangup(id: string): void;
  /** Hang-up of an emergency call asks first; `confirmed` carries it out. */
  requestHangup(id: string): void;
  /** "Test my emergency setup": the same emergency INVITE, to the test line. */
  testEmergencyCall(): void;
  cancelHangup(): void;
  toggleMute(id: string): void;
  toggleHold(id: string): void;
  sendDtmf(id: string, key: string): void;
  /** Transfer of a call: blind (`consult` false) or after a consultation call. Refused for emergency numbers. */
  transfer(id: string, target: string, consult: boolean): Promise<string | null>;
  /** Puts the other party of the consulted call through to the consultation call's party. */
  completeTransfer(consultId: string): void;
  /** Abandons an attended transfer: the consultation call ends, the first call resumes. */
  cancelTransfer(consultId: string): void;
  /** The local address book, sorted by name; null until loaded. */
  contacts: Contact[] | null;
  /** What the typed text matches: contacts first, then the company directory. */
  suggestions: Array<{ source: 'contact' | 'directory'; entry: Contact | DirectoryEntry }>;
  saveContact(input: ContactInput): Promise<{ ok: true } | { ok: false; errors: FieldError[] }>;
  deleteContact(id: string): Promise<void>;
  importContacts(text: string): Promise<ContactImportResult>;
  exportContacts(): Promise<string>;
  /** The name to show for a number or address: the address book's, else the one given. */
  nameFor(number: string, given?: string | null): string | null;
  /** The name to show for a call's other party: the address book's, else what the call says. */
  nameForCall(call: CallSnapshot): string;
  /** A call link opened with the app: the dialer filled in, waiting for the user's Call. */
  linkOpened: string | null;
  openLink(uri: string): void;
  /** Dials a number (a contact's, a suggestion's): the same path as typing it. */
  callNumber(number: string): void;
  /** Dials a number from the history: the same path as typing it (emergency numbers included). */
  redial(entry: CallHistoryEntry): void;
  clearHistory(): Promise<void>;
  /** The browser blocks sound until the user acts in the page: calls would not ring. */
  soundBlocked: boolean;
  notificationPermission: NotificationPermissionState;
  /** The user chose "Not now" for notifications this session. */
  notificationsDeferred: boolean;
  /** From a user action only (the browser asks): turns desktop notifications on. */
  enableNotifications(): Promise<void>;
  deferNotifications(): void;
  /** Plays the ringtone briefly on the chosen ringing device and volume. */
  testRing(): void;
  /** The emergency call record entry to bring into view (from History). */
  recordFocus: string | null;
  openEmergencyRecord(recordId: string | null): void;
  saveAccount(input: AccountInput): Promise<boolean>;
  setPreferences(patch: Partial<Preferences>): Promise<void>;
}

let phone: Phone | null = null;
/** The emergency call flow (location, record, security desk) around the current phone. */
let emergencyFlow: EmergencyFlow | null = null;

/** New dial input: classify it, and open the microphone early when it is an emergency number. */
function typed(dialInput: string): Pick<AppState, 'dialInput' | 'classification' | 'dialError'> {
  const { host, network } = useApp.getState();
  const classification = classifyInput(dialInput, host, networkCountry(network));
  if (classification.emergency) phone?.prewarmMedia();
  return { dialInput, classification, dialError: null };
}
let statsLoop = false;

/** Search as you type: the address book at once, the directory when it answers (the latest query wins). */
let searchSeq = 0;
function suggest(query: string): void {
  const seq = ++searchSeq;
  const q = query.trim();
  const { contacts, host } = useApp.getState();
  if (q.length < 2 || useApp.getState().classification.emergency) {
    useApp.setState({ suggestions: [] });
    return;
  }
  const local = searchContacts(contacts ?? [], q, 5, host?.emergency.homeCountry).map((entry) => ({ source: 'contact' as const, entry }));
  useApp.setState({ suggestions: local });
  void getHost()
    .searchDirectory(q.slice(0, 128))
    .then((found) => {
      if (seq !== searchSeq || found.entries.length === 0) return;
      const more = found.entries.slice(0, 5).map((entry) => ({ source: 'directory' as const, entry }));
      useApp.setState({ suggestions: [...local, ...more] });
    })
    .catch(() => undefined);
}

async function loadContacts(): Promise<void> {
  const contacts = await getHost()
    .listContacts()
    .catch(() => null);
  if (contacts) useApp.setState({ contacts });
}

export const useApp = create<AppState>((set, get) => ({
  host: null,
  network: null,
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  battery: null,
  phone: { registration: { status: 'unconfigured' }, calls: [] },
  stats: {},
  heardAt: {},
  emergencyServices: {},
  dialInput: '',
  classification: { emergency: false },
  dialError: null,
  testCallRefused: null,
  confirmHangup: null,
  view: 'dialer',
  history: null,
  historyError: null,
  soundBlocked: false,
  notificationPermission: 'unsupported',
  notificationsDeferred: false,
  enableNotifications: async () => {
    if (!alerts) return;
    set({ notificationPermission: await alerts.requestNotificationPermission() });
  },
  deferNotifications: () => set({ notificationsDeferred: true }),
  testRing: () => alerts?.testRing(),
  recordFocus: null,
  openEmergencyRecord: (recordFocus) => set({ view: 'settings', onboarding: null, recordFocus }),
  onboarding: null,
  accountErrors: [],
  accountSaved: false,
  editingAddress: false,
  setEditingAddress: (editingAddress) => set({ editingAddress }),
  openAddressEditor: () => set({ view: 'settings', editingAddress: true }),
  checkEmergencyAddress: async (values) => {
    const checked = validateCivicAddress(values);
    return checked.ok ? [] : checked.errors;
  },
  saveEmergencyAddress: async (values) => {
    const result = await getHost().saveEmergencyAddress(values);
    if (!result.ok) return result;
    set({ host: result.state, classification: classifyInput(get().dialInput, result.state) });
    get().nextOnboardingStep('address');
    return { ok: true };
  },
  confirmEmergencyAddress: async () => {
    set({ host: await getHost().confirmEmergencyAddress() });
  },
  rememberNetwork: async (address) => {
    const result = await getHost().rememberNetwork(address);
    if (result.ok) set({ host: result.state, classification: classifyInput(get().dialInput, result.state, networkCountry(get().network)) });
  },

  setDialInput: (v) => {
    set(typed(v));
    suggest(v);
  },
  appendDigit: (d) => {
    set((s) => typed(s.dialInput + d));
    suggest(get().dialInput);
  },
  backspace: () => {
    set((s) => typed(s.dialInput.slice(0, -1)));
    suggest(get().dialInput);
  },
  // Going to a view leaves first run: the dialer must never be more than one click away.
  setView: (view) => {
    if (get().onboarding) finishFirstRun();
    set({ view, onboarding: null });
    // Opening History is seeing the missed calls: the badge goes.
    if (view === 'history') void historyCall((h) => h.markHistorySeen());
  },
  nextOnboardingStep: (from) => {
    if (get().onboarding !== from) return;
    const next = ONBOARDING_STEPS[ONBOARDING_STEPS.indexOf(from) + 1] ?? null;
    if (next === null) finishFirstRun();
    set({ onboarding: next, view: 'dialer' });
  },

  dial: () => {
    const { dialInput, classification, host } = get();
    if (classification.emergency && host) {
      // Never refused: no registration or address check stands in the way.
      if (!emergencyFlow) {
        set({ dialError: 'noAccountEmergency' });
        return;
      }
      set({ suggestions: [] });
      const callId = emergencyFlow.place(host, classification, networkCountry(get().network), i18next.language);
      const recordId = emergencyFlow.recordIdOf(callId);
      if (recordId) emergencyRecordIds.set(callId, recordId);
      set((s) => ({ dialError: null, emergencyServices: { ...s.emergencyServices, [callId]: classification.entry.service } }));
      return;
    }
    if (!phone) {
      set({ dialError: 'notRegistered' });
      return;
    }
    const target = parseDialString(dialInput, phone.sipDomain);
    if (!target.ok) {
      set({ dialError: target.message });
      return;
    }
    try {
      phone.call(target.uri);
      set({ dialError: null, suggestions: [] });
    } catch (err) {
      set({ dialError: err instanceof Error ? err.message : String(err) });
    }
  },
  answer: (id) => {
    // Call waiting: the call under way is held first, then the new one answered.
    const others = get().phone.calls.filter((c) => c.id !== id && c.state === 'established' && !c.held && !c.emergency);
    void Promise.all(others.map((c) => phone?.setHold(c.id, true).catch(() => undefined))).then(() => phone?.answer(id));
  },
  decline: (id) => void phone?.decline(id),
  hangup: (id) => {
    set({ confirmHangup: null });
    void phone?.hangup(id);
  },
  testEmergencyCall: () => {
    const { host, network } = get();
    if (!emergencyFlow || !host) return;
    const placed = emergencyFlow.placeTest(host, networkCountry(network), i18next.language);
    set(placed.ok ? { view: 'dialer', testCallRefused: null } : { testCallRefused: placed.detail ?? placed.reason });
    if (placed.ok) get().nextOnboardingStep('test');
  },
  requestHangup: (id) => {
    const call = get().phone.calls.find((c) => c.id === id);
    if (call?.emergency && !call.emergency.test && call.state !== 'ended') set({ confirmHangup: id });
    else void phone?.hangup(id);
  },
  cancelHangup: () => set({ confirmHangup: null }),
  toggleMute: (id) => {
    const call = get().phone.calls.find((c) => c.id === id);
    if (call) phone?.setMute(id, !call.muted);
  },
  toggleHold: (id) => {
    const call = get().phone.calls.find((c) => c.id === id);
    if (!call) return;
    // Resuming one call holds the other: only one is live at a time.
    const others = call.held ? get().phone.calls.filter((c) => c.id !== id && c.state === 'established' && !c.held && !c.emergency) : [];
    void Promise.all(others.map((c) => phone?.setHold(c.id, true).catch(() => undefined))).then(() => phone?.setHold(id, !call.held).catch(() => undefined));
  },
  transfer: async (id, target, consult) => {
    const { host, network } = get();
    if (!phone) return i18next.t('dialer.notRegistered');
    // Never someone else's emergency call through us: no location, no record. They call it themselves.
    if (classifyInput(target, host, networkCountry(network)).emergency) return i18next.t('transfer.noEmergency');
    const parsed = parseDialString(target, phone.sipDomain);
    if (!parsed.ok) return parsed.message;
    try {
      if (consult) await phone.consult(id, parsed.uri);
      else await phone.transfer(id, parsed.uri);
      return null;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  },
  completeTransfer: (consultId) => {
    const first = get().phone.calls.find((c) => c.id === consultId)?.consultFor;
    if (first) void phone?.completeTransfer(first, consultId).catch(() => undefined);
  },
  cancelTransfer: (consultId) => {
    const first = get().phone.calls.find((c) => c.id === consultId)?.consultFor;
    void phone
      ?.hangup(consultId)
      .then(() => (first ? phone?.setHold(first, false) : undefined))
      .catch(() => undefined);
  },
  contacts: null,
  suggestions: [],
  saveContact: async (input) => {
    const result = await getHost().saveContact(input);
    if (!result.ok) return result;
    await loadContacts();
    return { ok: true };
  },
  deleteContact: async (id) => {
    await getHost().deleteContact(id);
    await loadContacts();
  },
  importContacts: async (text) => {
    const result = await getHost().importContacts(text);
    await loadContacts();
    return result;
  },
  exportContacts: () => getHost().exportContacts(),
  nameFor: (number, given) => {
    const { contacts, host } = get();
    const found = contacts && findByNumber(contacts, number, phone?.sipDomain, host?.emergency.homeCountry);
    return found?.name ?? given ?? null;
  },
  nameForCall: (call) => (call.emergency ? call.remoteName : (get().nameFor(historyNumber(call, phone?.sipDomain ?? ''), null) ?? call.remoteName)),
  linkOpened: null,
  openLink: (uri) => {
    const link = parseCallLink(uri);
    // Never dialled from here, an emergency number least of all: the user presses Call.
    if (!link.ok) set({ view: 'dialer', onboarding: null, linkOpened: null, dialError: `${uri.slice(0, 80)}: ${link.error}` });
    else set({ view: 'dialer', onboarding: null, ...typed(link.target), linkOpened: link.target });
  },
  callNumber: (number) => {
    set({ view: 'dialer', ...typed(number) });
    get().dial();
  },
  redial: (entry) => get().callNumber(entry.number),
  clearHistory: async () => {
    await historyCall((h) => h.clearCallHistory());
  },
  sendDtmf: (id, key) => phone?.sendDtmf(id, key),

  saveAccount: async (input) => {
    const result = await getHost().saveAccount(input);
    if (!result.ok) {
      set({ accountErrors: result.errors, accountSaved: false });
      return false;
    }
    set({ host: result.state, accountErrors: [], accountSaved: true });
    get().nextOnboardingStep('account');
    await restartPhone(result.state);
    return true;
  },
  setPreferences: async (patch) => {
    const state = await getHost().setPreferences(patch);
    set({ host: state });
    if (patch.language) await changeLanguage(resolveLanguage(state.preferences.language, state.systemLocale));
    if (patch.audioOutputId !== undefined) setOutputDevice(state.preferences.audioOutputId);
    // A new ringing device or volume applies to a ring under way.
    if (patch.ringDeviceId !== undefined || patch.ringVolume !== undefined || patch.audioOutputId !== undefined) alerts?.refreshTone();
  },
}));

// The address may change during an emergency call (corrected, or another network site).
useApp.subscribe((s, prev) => {
  if (s.host && s.host !== prev.host) emergencyFlow?.locationChanged(s.host, i18next.language);
});

async function restartPhone(state: HostState): Promise<void> {
  if (phone) await phone.stop();
  phone = null;
  emergencyFlow = null;
  if (!state.account) return;
  const password = (await getHost().getPassword()) ?? '';
  phone = new Phone({
    account: { ...state.account, password },
    audioInputId: () => useApp.getState().host?.preferences.audioInputId ?? '',
    getUserMedia: (constraints) => navigator.mediaDevices.getUserMedia(constraints),
    generateCertificate: () => RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams),
    doNotDisturb: () => useApp.getState().host?.preferences.doNotDisturb ?? false,
    random: () => crypto.randomUUID().replace(/-/g, '').slice(0, 16),
    // A (re)registration is a (re)connection: the gateway's view of our address may have changed.
    onRegistered: (viaReceived) => void reportNetwork({ viaReceived }),
    onRemoteStream: (id, stream) => playRemote(id, stream, useApp.getState().host?.preferences.audioOutputId ?? ''),
    onTurnedAway: (t) => {
      const entry = turnedAwayEntry(t, phone?.sipDomain ?? '', `away-${t.at}-${crypto.randomUUID().slice(0, 8)}`);
      recordHistory({ ...entry, name: useApp.getState().nameFor(entry.number, entry.name)?.slice(0, 256) ?? null });
    },
    onChange: (snapshot) => {
      const previous = useApp.getState().phone;
      for (const c of justEnded(previous.calls, snapshot.calls)) {
        const entry = historyEntry(c, phone?.sipDomain ?? '', { emergencyRecordId: emergencyRecordIds.get(c.id) });
        // The address book's name for the number, as the call screen showed it.
        recordHistory(entry.kind === 'ordinary' ? { ...entry, name: useApp.getState().nameForCall(c).slice(0, 256) } : entry, Boolean(c.possibleCallback));
        emergencyRecordIds.delete(c.id);
      }
      alerts?.follow(previous.calls, snapshot.calls);
      bindHeadsetKeys(snapshot.calls);
      for (const c of previous.calls) if (!snapshot.calls.some((n) => n.id === c.id)) stopRemote(c.id);
      const services = Object.fromEntries(Object.entries(useApp.getState().emergencyServices).filter(([id]) => snapshot.calls.some((n) => n.id === id)));
      emergencyFlow?.follow(previous.calls, snapshot.calls);
      useApp.setState({ phone: snapshot, emergencyServices: services });
    },
  });
  emergencyFlow = new EmergencyFlow({ dialer: phone, recorder: getHost() });
  await phone.start();
}

async function pollStats(): Promise<void> {
  if (!phone) return;
  const stats: Record<string, AudioStats> = {};
  const { stats: before, heardAt: heardBefore } = useApp.getState();
  const heardAt: Record<string, number> = {};
  for (const call of useApp.getState().phone.calls) {
    if (call.state !== 'established') continue;
    const s = await phone.audioStats(call.id).catch(() => null);
    if (!s) continue;
    stats[call.id] = s;
    heardAt[call.id] = lastHeardAt({ packets: before[call.id]?.packetsReceived, heardAt: heardBefore[call.id] }, s.packetsReceived, call.answeredAt, Date.now());
  }
  useApp.setState({ stats, heardAt });
}

/** Polls call stats: fast just after answer, so "audio flowing" shows promptly, then every second. */
function startStatsLoop(): void {
  if (statsLoop) return;
  statsLoop = true;
  const tick = (): void => {
    void pollStats().finally(() => {
      const now = Date.now();
      const fresh = useApp.getState().phone.calls.some((c) => c.state !== 'ended' && (!c.answeredAt || now - c.answeredAt < 5000));
      setTimeout(tick, fresh ? 100 : 1000);
    });
  };
  tick();
}

/** The detected country when there is one to use (any confidence but unknown). */
export function networkCountry(network: NetworkStatus | null): string | null {
  return network && network.decision.confidence !== 'unknown' ? network.decision.country : null;
}

function setNetwork(network: NetworkStatus): void {
  const { dialInput, host, network: before } = useApp.getState();
  // A new country changes which numbers are emergency ones: classify the digits again.
  useApp.setState({ network, classification: classifyInput(dialInput, host, networkCountry(network)) });
  // Another network may go with another address (or need the "are you still at…" question).
  if (before?.fingerprint !== network.fingerprint) void refreshHostState();
}

/** Phone call id → emergency call record id, for the history's link to the record. */
const emergencyRecordIds = new Map<string, string>();

/** A history call to the host; its answer replaces the history shown. Never in a call's way. */
async function historyCall(f: (host: ReturnType<typeof getHost>) => Promise<CallHistory>): Promise<void> {
  try {
    useApp.setState({ history: await f(getHost()), historyError: null });
  } catch (err) {
    useApp.setState({ historyError: err instanceof Error ? err.message : String(err) });
  }
}

function recordHistory(entry: CallHistoryEntry, possibleCallback = false): void {
  const missed = entry.direction === 'incoming' && entry.outcome === 'missed';
  void getHost()
    .recordCall(entry)
    .then(() => historyCall((h) => (useApp.getState().view === 'history' && !missed ? h.markHistorySeen() : h.listCallHistory())))
    .then(() => {
      if (missed) alerts?.missed(entry, useApp.getState().history?.unseenMissed ?? 1, possibleCallback);
    })
    .catch((err: unknown) => useApp.setState({ historyError: err instanceof Error ? err.message : String(err) }));
}

/**
 * Headset call buttons: Chromium passes them to the Media Session's `hangup` and
 * `togglemicrophone` actions while a call is up (where the OS and headset report them; not every
 * headset does, and browsers without these actions ignore them).
 */
function bindHeadsetKeys(calls: readonly CallSnapshot[]): void {
  const session = typeof navigator === 'undefined' ? undefined : navigator.mediaSession;
  if (!session) return;
  const current = calls.find((c) => c.state === 'established' && !c.held);
  const set = (action: string, handler: (() => void) | null): void => {
    try {
      session.setActionHandler(action as MediaSessionAction, handler);
    } catch {
      // This browser does not know the action.
    }
  };
  set('hangup', current ? () => useApp.getState().requestHangup(current.id) : null);
  set('togglemicrophone', current ? () => useApp.getState().toggleMute(current.id) : null);
  const withMic = session as MediaSession & { setMicrophoneActive?: (active: boolean) => void };
  if (current) withMic.setMicrophoneActive?.(!current.muted);
}

let alerts: CallAlerts | null = null;

function startAlerts(): void {
  alerts = new CallAlerts({
    host: getHost(),
    t: i18next.t.bind(i18next),
    preferences: () => useApp.getState().host?.preferences,
    country: () => networkCountry(useApp.getState().network) ?? useApp.getState().host?.emergency.homeCountry ?? '',
    domain: () => phone?.sipDomain ?? '',
    nameFor: (c) => useApp.getState().nameForCall(c),
    answer: (id) => {
      useApp.setState({ view: 'dialer' });
      useApp.getState().answer(id);
    },
    decline: (id) => useApp.getState().decline(id),
    open: () => useApp.setState({ view: 'dialer', onboarding: null }),
    onSoundBlocked: (soundBlocked) => useApp.setState({ soundBlocked }),
  });
  useApp.setState({ notificationPermission: alerts.notificationPermission });
  // The missed-call badge follows the history.
  useApp.subscribe((s, prev) => {
    if (s.history !== prev.history) alerts?.setMissed(s.history?.unseenMissed ?? 0);
  });
}

async function refreshHostState(): Promise<void> {
  const host = await getHost()
    .getState()
    .catch(() => null);
  if (host) useApp.setState({ host, classification: classifyInput(useApp.getState().dialInput, host, networkCountry(useApp.getState().network)) });
}

async function reportNetwork(report: NetworkReport): Promise<void> {
  const status = await getHost().reportNetwork({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, ...report }).catch(() => null);
  if (status && status.version > (useApp.getState().network?.version ?? -1)) setNetwork(status);
}

/** What the host raises (links, shortcuts, the tray, the computer waking), handled in the page. */
function onHostEvent(event: HostEvent): void {
  const s = useApp.getState();
  if (event.type === 'resume') phone?.reconnectNow();
  else if (event.type === 'link') s.openLink(event.uri);
  else if (event.action === 'toggleDoNotDisturb') void s.setPreferences({ doNotDisturb: !(s.host?.preferences.doNotDisturb ?? false) });
  else if (event.action === 'show') s.setView('dialer');
  else {
    const calls = s.phone.calls.filter((c) => c.state !== 'ended');
    const ringing = calls.find((c) => c.direction === 'incoming' && c.state === 'ringing');
    const current = calls.find((c) => c.state !== 'ringing' && !c.held) ?? calls[0];
    if (event.action === 'answer' && ringing) s.answer(ringing.id);
    // Hang-up of an emergency call still asks first.
    else if (event.action === 'hangup' && current) s.requestHangup(current.id);
    else if (event.action === 'mute' && current?.state === 'established') s.toggleMute(current.id);
  }
}

/** Follows the host's events with a long poll, from the recent ones (the link the app was opened for). */
async function followHostEvents(): Promise<void> {
  let since = -1;
  for (;;) {
    const got = await getHost()
      .waitForHostEvents(since)
      .catch(() => null);
    if (!got) {
      await new Promise((r) => setTimeout(r, 5000));
      continue;
    }
    since = got.version;
    for (const e of got.events) onHostEvent(e);
  }
}

/** Follows the host's network status with a long poll; nothing on the call path waits for it. */
async function followNetwork(): Promise<void> {
  for (;;) {
    const since = useApp.getState().network?.version ?? -1;
    const status = await getHost()
      .waitForNetworkChange(since)
      .catch(() => null);
    if (status && status.version > since) setNetwork(status);
    else await new Promise((r) => setTimeout(r, status ? 1000 : 5000));
  }
}

interface BatteryLike extends EventTarget {
  charging: boolean;
  level: number;
}

/** The Battery API where Chromium has it (Electron and web mode alike). */
async function followBattery(): Promise<void> {
  const getBattery = (navigator as Navigator & { getBattery?: () => Promise<BatteryLike> }).getBattery;
  if (!getBattery) return;
  const battery = await getBattery.call(navigator).catch(() => null);
  if (!battery) return;
  const update = (): void => useApp.setState({ battery: { charging: battery.charging, level: battery.level } });
  update();
  battery.addEventListener('chargingchange', update);
  battery.addEventListener('levelchange', update);
}

/** First run is over (finished or left): the host remembers, so it is not shown again. */
function finishFirstRun(): void {
  void getHost()
    .finishFirstRun()
    .then((host) => useApp.setState({ host }))
    .catch(() => undefined);
}

export async function startApp(state: HostState): Promise<void> {
  // Once per machine: first run walks through the account, the emergency address and a test call.
  useApp.setState({ host: state, view: 'dialer', onboarding: state.firstRun ? 'account' : null });
  startAlerts();
  void historyCall((h) => h.listCallHistory());
  void loadContacts();
  startStatsLoop();
  window.addEventListener('online', () => {
    useApp.setState({ online: true });
    phone?.reconnectNow();
    void reportNetwork({});
  });
  window.addEventListener('offline', () => {
    useApp.setState({ online: false });
    void reportNetwork({});
  });
  void followBattery();
  void reportNetwork({});
  void followNetwork();
  void followHostEvents();
  // Web mode: a sip: or tel: link handed over by the browser (registerProtocolHandler) opens /?link=….
  const link = linkFromQuery(location.search);
  if (link) {
    useApp.getState().openLink(link);
    history.replaceState(null, '', location.pathname);
  }
  await restartPhone(state);
}
