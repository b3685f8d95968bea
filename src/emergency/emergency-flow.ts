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

/** What the flow needs of the phone engine. */
export interface EmergencyDialer {
  callEmergency(req: EmergencyCallRequest): string;
  /** Resolves with the outcome, never throws. */
  sendMessage(targetUri: string, text: string): Promise<{ ok: boolean; detail: string }>;
}

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

export type TestCallResult = { ok: true; callId: string } | { ok: false; reason: 'noTestLine' | 'realEmergency'; detail?: string };

export interface EmergencyFlowOptions {
  dialer: EmergencyDialer;
  recorder: EmergencyRecorder;
  newId?: () => string;
  now?: () => Date;
}

export class EmergencyFlow {
  /** Phone call id → call record id. */
  private readonly recordIds = new Map<string, string>();

  constructor(private readonly opts: EmergencyFlowOptions) {}

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /**
   * Places the call for an emergency classification. Never refused: no registration or address
   * check stands in the way. The record's start line is being written while the INVITE is
   * prepared; the phone sends the INVITE once it is written (or after a short bound).
   */
  place(host: HostState, c: Extract<Classification, { emergency: true }>, networkCountry: string | null, lang: string): string {
    const pidfLo = locationFor(host, lang, this.now());
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
      result: 'trying',
    });
    const callId = this.opts.dialer.callEmergency({ dialString: c.dialString, urn: c.urn, pidfLo, recorded });
    this.recordIds.set(callId, recordId);
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
    const callId = this.opts.dialer.callEmergency({ dialString: number, urn: TEST_SERVICE_URN, pidfLo: locationFor(host, lang, this.now()), test: true });
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
