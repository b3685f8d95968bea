/**
 * What the call history keeps of each call: the entry a finished call makes, and the follower that
 * turns the phone's snapshots into entries. Plain data and rules; the host stores the entries.
 */
import type { CallHistoryEntry } from './host-api';
import type { CallSnapshot, TurnedAway } from './sip/phone';

/** What the history needs that the snapshot does not carry. */
export interface CallNote {
  /** The emergency call record's id (emergency and test calls). */
  emergencyRecordId?: string;
}

/** A URI's user part as typed; a malformed escape (from a hostile peer) is kept as it came. */
function decoded(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * The number to show and to redial: the dial string of an emergency call, the user part of an
 * address at our own domain, otherwise the whole address (without `sip:`).
 */
export function historyNumber(call: Pick<CallSnapshot, 'remoteUri' | 'emergency'>, domain: string): string {
  if (call.emergency) return call.emergency.dialString;
  const m = /^sips?:([^@;?]+)@([^;?>]+)/i.exec(call.remoteUri);
  if (!m) return call.remoteUri.replace(/^sips?:/i, '');
  const [, user, host] = m as unknown as [string, string, string];
  // The same domain on another port is still ours (a gateway's From often names its port).
  const bare = host.replace(/:\d+$/, '').toLowerCase();
  return bare === domain.replace(/:\d+$/, '').toLowerCase() ? decoded(user) : `${decoded(user)}@${host}`;
}

export function historyOutcome(call: CallSnapshot): CallHistoryEntry['outcome'] {
  if (call.answeredAt !== undefined) return 'answered';
  if (call.direction === 'incoming') {
    if (call.declined) return 'declined';
    // Taken on another of the user's devices: nothing was missed.
    if (call.answeredElsewhere) return 'cancelled';
    return 'missed';
  }
  const status = Number(/^(\d{3})\b/.exec(call.endReason ?? '')?.[1] ?? 0);
  if (status === 486 || status === 600) return 'busy';
  if (call.endReason === 'cancelled' || status === 487 || call.endReason === undefined) return 'cancelled';
  return 'failed';
}

/** The history entry of a finished call. */
export function historyEntry(call: CallSnapshot, domain: string, note: CallNote = {}): CallHistoryEntry {
  const answered = call.answeredAt;
  const ended = call.endedAt;
  return {
    id: call.id.length <= 24 ? `${call.id}-${call.startedAt}` : call.id.slice(0, 64),
    direction: call.direction,
    outcome: historyOutcome(call),
    kind: call.emergency ? (call.emergency.test ? 'test' : 'emergency') : 'ordinary',
    number: historyNumber(call, domain).slice(0, 256),
    name: call.emergency || !call.remoteName ? null : call.remoteName.slice(0, 256),
    startedAt: iso(call.startedAt) as string,
    answeredAt: iso(answered),
    endedAt: iso(ended),
    durationSeconds: answered !== undefined && ended !== undefined ? Math.max(0, Math.round((ended - answered) / 1000)) : null,
    emergencyRecordId: note.emergencyRecordId?.slice(0, 64) ?? null,
    reason: call.answeredAt === undefined && call.endReason ? call.endReason.slice(0, 256) : null,
  };
}

/** An incoming call turned away busy without ringing: a missed call that says why. */
export function turnedAwayEntry(t: TurnedAway, domain: string, id: string): CallHistoryEntry {
  return {
    id,
    direction: 'incoming',
    outcome: 'missed',
    kind: 'ordinary',
    number: historyNumber({ remoteUri: t.remoteUri }, domain).slice(0, 256),
    name: t.remoteName.slice(0, 256) || null,
    startedAt: new Date(t.at).toISOString(),
    answeredAt: null,
    endedAt: new Date(t.at).toISOString(),
    durationSeconds: null,
    emergencyRecordId: null,
    reason: t.reason,
  };
}

/** Calls that have just ended, between two snapshots. */
export function justEnded(before: readonly CallSnapshot[], after: readonly CallSnapshot[]): CallSnapshot[] {
  return after.filter((c) => c.state === 'ended' && !before.some((b) => b.id === c.id && b.state === 'ended'));
}
