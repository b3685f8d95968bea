/**
 * One call as the phone engine follows it: the plain snapshot a store renders, and the engine's
 * own handle on it (the sip.js session that currently carries it).
 */
import type { Session } from 'sip.js';

export type CallState = 'dialing' | 'ringing' | 'progress' | 'established' | 'ended';

/** One INVITE of an emergency call to one gateway. */
export interface EmergencyAttempt {
  gateway: string;
  /** SIP status, 'no response', 'no progress', a transport error, or 'trying' / 'sent'. */
  result: string;
  /**
   * Set when another gateway took over from this one: how this attempt was released (a CANCEL, or a
   * BYE when it was answered anyway), each with RFC 3326 Reason "Call completed elsewhere".
   */
  superseded?: 'cancelled' | 'answered late, released';
}

export interface EmergencyInfo {
  dialString: string;
  urn?: string;
  /** Whether a PIDF-LO went with the INVITE. */
  locationSent: boolean;
  /** Gateways tried, in order; the last one carries the call. */
  attempts: EmergencyAttempt[];
  /** Every gateway failed: the user must use another phone. */
  allGatewaysFailed?: boolean;
  /** A test of the emergency setup, to a test line. */
  test?: boolean;
}

export interface CallSnapshot {
  id: string;
  emergency?: EmergencyInfo;
  /** An incoming call that may be emergency services calling back (RFC 7090, or the window after a call). */
  possibleCallback?: boolean;
  direction: 'outgoing' | 'incoming';
  remoteUri: string;
  remoteName: string;
  state: CallState;
  muted: boolean;
  held: boolean;
  /** A hold/resume re-INVITE is under way. */
  holdPending: boolean;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  /** SIP status or reason shown when the call ends without being answered. */
  endReason?: string;
  /** An incoming call the user turned away (Decline, or hang-up while it rang). */
  declined?: boolean;
  /** A transfer this side asked for (REFER): to whom, and how far it got. */
  transfer?: { kind: 'blind' | 'attended'; target: string; state: 'trying' | 'accepted' | 'done' | 'failed'; detail?: string };
  /** The consultation call of an attended transfer: the id of the call it consults for. */
  consultFor?: string;
  /** Placed because the other party of a call asked (an incoming REFER): who asked. */
  referredBy?: string;
  /** The caller's CANCEL said it was answered on another device (RFC 3326 cause 200): not missed. */
  answeredElsewhere?: boolean;
}

export interface ManagedCall {
  snapshot: CallSnapshot;
  /** The session carrying the call now; an emergency call's changes with each gateway tried. */
  session: Session;
  /** The user hung up: an emergency call must not move on to another gateway after that. */
  hungUp?: boolean;
}

export function isEnded(call: ManagedCall): boolean {
  return call.snapshot.state === 'ended';
}
