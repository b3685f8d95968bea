/**
 * Whether the caller can hear anything: the call screen warns when no audio packet has arrived for
 * a few seconds (a one-way audio fault, a dead relay), instead of showing packet counts.
 */

/** Silence this long on an answered, unheld call is worth telling the user. */
export const NO_AUDIO_WARNING_MS = 4000;

/** When audio last arrived: now if the received-packet count grew, else the last time (from the answer at first). */
export function lastHeardAt(prev: { packets?: number; heardAt?: number }, packets: number, answeredAt: number | undefined, now: number): number {
  if (packets > (prev.packets ?? 0)) return now;
  return prev.heardAt ?? answeredAt ?? now;
}

/** Whole seconds of silence to report, or null when there is nothing to say (heard recently, on hold). */
export function silenceToReport(heardAt: number | undefined, now: number, held: boolean): number | null {
  if (held || heardAt === undefined) return null;
  const silent = now - heardAt;
  return silent >= NO_AUDIO_WARNING_MS ? Math.floor(silent / 1000) : null;
}
