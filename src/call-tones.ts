/**
 * Which tone the phone should be playing for its calls right now, and where: the ringtone on the
 * ringing device, call-progress tones on the call's speaker. One rule, read on every change.
 */
import { historyOutcome } from './call-history';
import type { CallSnapshot } from './sip/phone';
import type { ToneKind } from './tones';

export interface ToneChoice {
  kind: ToneKind;
  /** 'ring': the ringing device the user chose; 'call': the call's speaker. */
  device: 'ring' | 'call';
}

/** How long busy and failure tones go on after the call ended. */
export const END_TONE_MS = 3000;

/** The tone an outgoing call that has just ended without an answer leaves behind, if any. */
export function endTone(call: CallSnapshot): ToneKind | null {
  if (call.direction !== 'outgoing' || call.answeredAt !== undefined) return null;
  const outcome = historyOutcome(call);
  return outcome === 'busy' ? 'busy' : outcome === 'failed' ? 'failure' : null;
}

/**
 * The tone for these calls: a ringing call first (call waiting, soft, while another call is up; a
 * possible emergency callback's own tone; else the ringtone), then ringback while an outgoing call
 * rings (180 without early media), then the busy or failure tone of a call that just ended.
 */
export function toneFor(calls: readonly CallSnapshot[], ended: { kind: ToneKind; until: number } | null, now: number): ToneChoice | null {
  // A call taking over another (attended transfer, Replaces) is answered at once: it never rings.
  const ringing = calls.filter((c) => c.direction === 'incoming' && c.state === 'ringing' && !c.referredBy);
  const busyLine = calls.some((c) => c.state !== 'ended' && !(c.direction === 'incoming' && c.state === 'ringing'));
  if (ringing.length > 0) {
    // Emergency services calling back are never just a soft beep, even during another call.
    if (ringing.some((c) => c.possibleCallback)) return { kind: 'callback', device: busyLine ? 'call' : 'ring' };
    return busyLine ? { kind: 'waiting', device: 'call' } : { kind: 'ring', device: 'ring' };
  }
  if (calls.some((c) => c.direction === 'outgoing' && c.state === 'progress')) return { kind: 'ringback', device: 'call' };
  if (ended && now < ended.until && !busyLine) return { kind: ended.kind, device: 'call' };
  return null;
}
