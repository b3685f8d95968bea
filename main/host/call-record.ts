/**
 * The emergency call record: a local, append-only JSON Lines file. Each call gets a `start` line
 * written before its INVITE goes out, and `update` lines as it goes on, so a
 * crash mid-call still leaves the call on record.
 */
import { closeSync, existsSync, fdatasync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EmergencyCallEntry, EmergencyCallEvent } from '../../src/host-api';

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

  /** Every call, newest first, its events merged; a torn last line (a crash mid-write) is skipped. */
  list(): EmergencyCallEntry[] {
    if (!existsSync(this.file)) return [];
    const byId = new Map<string, EmergencyCallEntry>();
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let event: EmergencyCallEvent & { recordedAt?: string };
      try {
        event = JSON.parse(line) as EmergencyCallEvent & { recordedAt?: string };
      } catch {
        continue;
      }
      if (typeof event.id !== 'string') continue;
      const { type: _type, recordedAt: _at, ...fields } = event;
      const before = byId.get(event.id);
      byId.set(event.id, { ...(before ?? { id: event.id, result: 'interrupted' }), ...fields } as EmergencyCallEntry);
    }
    for (const entry of byId.values()) {
      const open = entry.result === 'trying' || entry.result === 'answered';
      if (open && !entry.endedAt && Date.parse(entry.startedAt ?? '') < PROCESS_STARTED) entry.result = 'interrupted';
    }
    return [...byId.values()].reverse();
  }
}
