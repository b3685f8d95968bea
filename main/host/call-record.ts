/**
 * The emergency call record: a local, append-only JSON Lines file. Each call gets a `start` line
 * written before its INVITE goes out, and `update` lines as it goes on, so a
 * crash mid-call still leaves the call on record.
 */
import { closeSync, existsSync, fdatasync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EMERGENCY_CALL_FIELDS, isEmergencyCallField, isGatewayAttempt, type EmergencyCallEntry, type EmergencyCallEvent } from '../../src/host-api';

export const CALL_RECORD_FILE = 'emergency-calls.jsonl';
/** Calls begun before this process started and never closed were cut short by a stop or crash. */
const PROCESS_STARTED = Date.now();

export class CallRecord {
  private readonly file: string;

  constructor(dir: string) {
    this.file = join(dir, CALL_RECORD_FILE);
  }

  /**
   * Appends one event. It is in the file (the OS's cache) when this returns, which survives the app
   * crashing; the flush to the disk itself, against power loss, follows without holding the call.
   */
  append(event: EmergencyCallEvent): void {
    const fd = openSync(this.file, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify({ ...event, recordedAt: new Date().toISOString() })}\n`);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    fdatasync(fd, () => closeSync(fd));
  }

  /**
   * Every call, newest first, its events merged; a torn last line (a crash mid-write) is skipped.
   * The file may be hand-edited or damaged: a field of the wrong type is dropped (a list keeps its
   * good items), so each entry matches EmergencyCallEntry and the renderer can trust it.
   */
  list(): EmergencyCallEntry[] {
    if (!existsSync(this.file)) return [];
    const byId = new Map<string, EmergencyCallEntry>();
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event)) continue;
      const raw = event as Record<string, unknown>;
      if (typeof raw.id !== 'string') continue;
      const entry = byId.get(raw.id) ?? { id: raw.id, result: 'interrupted' };
      byId.set(raw.id, entry);
      for (const [k, v] of Object.entries(raw)) {
        if (!isEmergencyCallField(k)) continue;
        const value = k === 'gateways' && Array.isArray(v) ? v.filter(isGatewayAttempt) : v;
        if (EMERGENCY_CALL_FIELDS[k](value)) Object.assign(entry, { [k]: value });
      }
    }
    for (const entry of byId.values()) {
      const open = entry.result === 'trying' || entry.result === 'answered';
      if (open && !entry.endedAt && Date.parse(entry.startedAt ?? '') < PROCESS_STARTED) entry.result = 'interrupted';
    }
    return [...byId.values()].reverse();
  }
}
