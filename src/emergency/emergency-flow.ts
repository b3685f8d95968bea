/**
 * The emergency call flow around the phone engine: what the typed digits are, which location goes
 * with the call, the call record's lines, the security desk's message, and the test call. The
 * store calls it and renders; nothing here knows React or the DOM, so it is tested in Node.
 */
import type { EmergencyCallEvent, HostState } from '../host-api';
import type { CallSnapshot } from '../sip/call';
import type { EmergencyCallRequest } from '../sip/emergency-call';
import { catalogueWith } from './catalogues';
import { classifyDial, type Classification } from './classify';
import { formatAddressLines } from './format-address';
import { buildPidfLo } from './pidf-lo';
import { checkTestLine } from './test-line';
import { additionalDataParts, describeCallContext } from './additional-data';
import { APP_NAME, APP_VERSION } from '../app-info';

/** What the flow needs of the phone engine. */
export interface EmergencyDialer {
  callEmergency(req: EmergencyCallRequest): string;
  /** Resolves with the outcome, never throws. */
  sendMessage(targetUri: string, text: string): Promise<{ ok: boolean; detail: string }>;
  /** A re-INVITE with the new PIDF-LO and the same media; resolves with the outcome, never throws. */
  updateEmergencyLocation(callId: string, pidfLo: string): Promise<{ ok: boolean; detail: string }>;
}

/** RFC 6881 ED-38 asks for updates as the location changes, not a flood: one every 10 s at most. */
export const LOCATION_UPDATE_INTERVAL_MS = 10_000;

/** What the flow needs of the host. */
export interface EmergencyRecorder {
  recordEmergencyCall(event: EmergencyCallEvent): Promise<void>;
}

export const TEST_SERVICE_URN = 'urn:service:test.sos';

/** Is what the user typed an emergency number, at home or in the country the network is in? */
export function classifyInput(input: string, host: HostState | null, networkCountry: string | null = null): Classification {
  if (!host) return { emergency: false };
  const e = host.emergency;
  return classifyDial(input, { homeCountry: e.homeCountry, networkCountry, outsideLinePrefix: e.outsideLinePrefix }, catalogueWith(e.numbers));
}

/** The PIDF-LO for the registered address, or null when there is none (the call still goes out). */
export function locationFor(host: HostState, lang: string, now = new Date()): string | null {
  const registered = host.emergency.address;
  if (!registered || !host.account) return null;
  return buildPidfLo({
    entity: host.account.sipUri,
    address: registered.address,
    source: registered.source,
    deviceId: host.emergency.deviceId,
    timestamp: now,
    lang,
  });
}

/** Kari's law: who called, their callback number, the number, the time and the address sent. */
export function securityDeskText(host: HostState, number: string, at: Date): string {
  const account = host.account;
  const address = host.emergency.address ? formatAddressLines(host.emergency.address.address, 'en').join(', ') : 'no address registered';
  return [
    `Emergency call started: ${number}`,
    `Caller: ${account ? `${account.displayName || account.authUser} <${account.sipUri}>` : 'unknown'} (callback number)`,
    `Time: ${at.toISOString()}`,
    `Address sent: ${address}`,
  ].join('\n');
}

/**
 * RFC 7852 blocks for the call, when the gateway profile sends them: the device always, the
 * caller's name and languages only where the administrator allows, and how the address was found.
 */
export function additionalDataFor(host: HostState, c: { textNeeded: boolean }, networkCountry: string | null, lang: string, random: () => string, now: Date): EmergencyCallRequest['additionalData'] {
  const e = host.emergency;
  if (!host.account || !e.gatewayProfile.additionalData) return [];
  const account = host.account;
  return additionalDataParts({
    random,
    now: () => now,
    sipUri: account.sipUri,
    languages: [lang],
    device: { deviceId: e.deviceId, appName: APP_NAME, appVersion: APP_VERSION },
    subscriber: e.sendSubscriberInfo ? { name: account.displayName || account.authUser } : null,
    comments: describeCallContext({
      addressSource: e.address?.source ?? null,
      confirmedAt: e.address?.confirmedAt ?? null,
      networkCountry,
      homeCountry: e.homeCountry,
      textNeeded: c.textNeeded,
      lang,
    }),
  });
}

export type TestCallResult = { ok: true; callId: string } | { ok: false; reason: 'noTestLine' | 'realEmergency'; detail?: string };

export interface EmergencyFlowOptions {
  dialer: EmergencyDialer;
  recorder: EmergencyRecorder;
  newId?: () => string;
  now?: () => Date;
  /** Random tokens for Content-IDs. */
  random?: () => string;
}

/** An emergency call whose location may change while it is up. */
interface Followed {
  recordId: string;
  /** The address last sent (JSON), to tell a real change from a refresh. */
  sentAddress: string | null;
  established: boolean;
  lastUpdateAt: number;
  /** The newest location not sent yet (the call is not answered, or an update was sent < 10 s ago). */
  pending: string | null;
  timer?: ReturnType<typeof setTimeout>;
  updates: Array<{ at: string; pidfLo: string; result: string }>;
}

export class EmergencyFlow {
  /** Phone call id → call record id. */
  private readonly recordIds = new Map<string, string>();
  private readonly followed = new Map<string, Followed>();

  constructor(private readonly opts: EmergencyFlowOptions) {}

  /** The emergency call record's id of a call while it is followed (the history links to it). */
  recordIdOf(callId: string): string | undefined {
    return this.recordIds.get(callId);
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  private random(): string {
    return this.opts.random?.() ?? crypto.randomUUID().replace(/-/g, '').slice(0, 16);
  }

  /**
   * Places the call for an emergency classification. Never refused: no registration or address
   * check stands in the way. The record's start line is being written while the INVITE is
   * prepared; the phone sends the INVITE once it is written (or after a short bound).
   */
  place(host: HostState, c: Extract<Classification, { emergency: true }>, networkCountry: string | null, lang: string): string {
    const profile = host.emergency.gatewayProfile;
    const pidfLo = profile.location === 'none' ? null : locationFor(host, lang, this.now());
    const additionalData = additionalDataFor(host, { textNeeded: c.entry.note !== undefined }, networkCountry, lang, () => this.random(), this.now());
    const recordId = this.opts.newId?.() ?? crypto.randomUUID();
    const recorded = this.opts.recorder.recordEmergencyCall({
      type: 'start',
      id: recordId,
      startedAt: this.now().toISOString(),
      number: c.dialString,
      service: c.entry.service.en,
      urn: c.urn ?? null,
      pidfLo,
      locationSource: pidfLo ? (host.emergency.address?.source ?? null) : null,
      networkCountry,
      roamingWarning: networkCountry !== null && networkCountry !== host.emergency.homeCountry,
      additionalData: (additionalData ?? []).map((d) => ({ contentType: d.contentType, body: d.body })),
      result: 'trying',
    });
    const callId = this.opts.dialer.callEmergency({ dialString: c.dialString, urn: c.urn, pidfLo, recorded, profile, additionalData });
    this.recordIds.set(callId, recordId);
    const address = host.emergency.address?.address;
    this.followed.set(callId, { recordId, sentAddress: pidfLo && address ? JSON.stringify(address) : null, established: false, lastUpdateAt: 0, pending: null, updates: [] });
    this.notifySecurityDesk(host, c.dialString, recordId);
    return callId;
  }

  /**
   * "Test my emergency setup": the same emergency INVITE, to the test line. Checked here, where it is
   * used, against the home and network countries and the administrator's numbers.
   */
  placeTest(host: HostState, networkCountry: string | null, lang: string): TestCallResult {
    const number = host.emergency.testNumber;
    if (!number) return { ok: false, reason: 'noTestLine' };
    const check = checkTestLine(number, [host.emergency.homeCountry, networkCountry], catalogueWith(host.emergency.numbers));
    if (!check.ok) return { ok: false, reason: 'realEmergency', detail: `${number} (${check.country}: ${check.entry.service.en})` };
    const profile = host.emergency.gatewayProfile;
    const callId = this.opts.dialer.callEmergency({
      dialString: number,
      urn: TEST_SERVICE_URN,
      pidfLo: profile.location === 'none' ? null : locationFor(host, lang, this.now()),
      test: true,
      profile,
      additionalData: additionalDataFor(host, { textNeeded: false }, networkCountry, lang, () => this.random(), this.now()),
    });
    return { ok: true, callId };
  }

  /** Sent after the call starts, never awaited by it; the outcome goes to the call record only. */
  private notifySecurityDesk(host: HostState, number: string, recordId: string): void {
    const desk = host.emergency.securityDesk;
    if (!desk || !host.account) return;
    void this.opts.dialer
      .sendMessage(desk, securityDeskText(host, number, this.now()))
      .then((r) =>
        this.opts.recorder.recordEmergencyCall({ type: 'update', id: recordId, securityDesk: `${desk}: ${r.ok ? 'notified' : `failed (${r.detail})`}` }),
      )
      .catch(() => undefined);
  }

  /** Writes `update` lines as an emergency call moves between gateways, is answered and ends. */
  follow(before: readonly CallSnapshot[], after: readonly CallSnapshot[]): void {
    for (const event of recordUpdates(before, after, this.recordIds)) {
      if (event.result === 'ended' || event.result === 'failed') this.recordIds.delete(callIdOf(this.recordIds, event.id) ?? '');
      void this.opts.recorder.recordEmergencyCall(event).catch(() => undefined);
    }
    for (const [callId, f] of this.followed) {
      const call = after.find((c) => c.id === callId);
      if (!call || call.state === 'ended') {
        clearTimeout(f.timer);
        this.followed.delete(callId);
      } else if (call.state === 'established' && !f.established) {
        f.established = true;
        this.flushLocation(callId, f);
      }
    }
  }

  /**
   * The host's state changed. If the address of an emergency call in progress changed (the user
   * corrected it, the network site changed), the answering point is told (RFC 6881 ED-38).
   */
  locationChanged(host: HostState, lang: string): void {
    const address = host.emergency.address?.address;
    if (!address || !host.emergency.gatewayProfile || host.emergency.gatewayProfile.location === 'none') return;
    const key = JSON.stringify(address);
    for (const [callId, f] of this.followed) {
      if (f.sentAddress === key) continue;
      f.sentAddress = key;
      f.pending = locationFor(host, lang, this.now());
      this.flushLocation(callId, f);
    }
  }

  private flushLocation(callId: string, f: Followed): void {
    if (!f.pending || !f.established || f.timer) return;
    const wait = f.lastUpdateAt + LOCATION_UPDATE_INTERVAL_MS - this.now().getTime();
    if (f.lastUpdateAt > 0 && wait > 0) {
      f.timer = setTimeout(() => {
        f.timer = undefined;
        this.flushLocation(callId, f);
      }, wait);
      return;
    }
    const pidfLo = f.pending;
    f.pending = null;
    f.lastUpdateAt = this.now().getTime();
    const at = this.now().toISOString();
    void this.opts.dialer.updateEmergencyLocation(callId, pidfLo).then((r) => {
      f.updates.push({ at, pidfLo, result: r.ok ? 'sent' : `failed (${r.detail})` });
      void this.opts.recorder.recordEmergencyCall({ type: 'update', id: f.recordId, locationUpdates: [...f.updates] }).catch(() => undefined);
    });
  }
}

function callIdOf(ids: Map<string, string>, recordId: string): string | undefined {
  for (const [callId, id] of ids) if (id === recordId) return callId;
  return undefined;
}

/** The record's `update` lines for what changed between two snapshots of the calls. */
export function recordUpdates(before: readonly CallSnapshot[], after: readonly CallSnapshot[], recordIds: ReadonlyMap<string, string>): EmergencyCallEvent[] {
  const events: EmergencyCallEvent[] = [];
  for (const call of after) {
    const id = recordIds.get(call.id);
    if (!id || !call.emergency) continue;
    const prev = before.find((c) => c.id === call.id);
    const gateways = call.emergency.attempts.map((a) => ({ gateway: a.gateway, result: a.result, ...(a.superseded ? { superseded: a.superseded } : {}) }));
    const gatewaysChanged = JSON.stringify(prev?.emergency?.attempts ?? []) !== JSON.stringify(call.emergency.attempts);
    if (call.state === 'established' && prev?.state !== 'established') {
      events.push({ type: 'update', id, result: 'answered', answeredAt: new Date(call.answeredAt ?? Date.now()).toISOString(), gateways });
    } else if (call.state === 'ended' && prev?.state !== 'ended') {
      const answered = Boolean(call.answeredAt);
      events.push({
        type: 'update',
        id,
        result: answered ? 'ended' : 'failed',
        failure: answered ? null : (call.endReason ?? null),
        endedAt: new Date(call.endedAt ?? Date.now()).toISOString(),
        durationSeconds: answered && call.endedAt && call.answeredAt ? Math.round((call.endedAt - call.answeredAt) / 1000) : null,
        gateways,
        pidfLo: call.emergency.locationSent ? undefined : null,
      });
    } else if (gatewaysChanged) {
      events.push({ type: 'update', id, gateways });
    }
  }
  return events;
}
