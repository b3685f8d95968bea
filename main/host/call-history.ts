/**
 * The call history: every call the renderer reports, in one small JSON file in the data directory.
 * Unlike the emergency call record (append-only, never rewritten) this is a list the user sees and
 * may clear, so it is rewritten whole, atomically, and kept to a bounded size.
 */
import { readFileSync } from 'node:fs';
import { FileQueue, keepDamagedFile } from './json-file';
import { join } from 'node:path';
import { CALL_HISTORY_FIELDS, type CallHistory, type CallHistoryEntry, type HostNotice } from '../../src/host-api';

export const CALL_HISTORY_FILE = 'call-history.json';
const VERSION = 1;

interface StoredHistory {
  version: typeof VERSION;
  seenAt: string | null;
  entries: CallHistoryEntry[];
}

export interface CallHistoryOptions {
  /** Most entries kept; the oldest (by startedAt) go first. */
  limit?: number;
  /** A write that failed: the history goes on in memory, so this is for the log only. */
  onError?: (err: unknown) => void;
}

/** Nullable fields: a bad value is read back as null rather than costing the whole entry. */
const NULLABLE = new Set<string>(['name', 'answeredAt', 'endedAt', 'durationSeconds', 'emergencyRecordId', 'reason']);

/** The entry with its good fields (unknown ones left out), or null when one it cannot do without is bad. */
function salvageEntry(raw: unknown): { entry: CallHistoryEntry; reset: boolean } | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const source = raw as Record<string, unknown>;
  const entry: Record<string, unknown> = {};
  let reset = false;
  for (const [k, check] of Object.entries(CALL_HISTORY_FIELDS)) {
    const value = Object.hasOwn(source, k) ? source[k] : undefined;
    if (check(value)) {
      entry[k] = value;
    } else if (NULLABLE.has(k)) {
      entry[k] = null;
      reset = true;
    } else {
      return null;
    }
  }
  return { entry: entry as unknown as CallHistoryEntry, reset };
}

/** Only the entry's own fields: nothing else reaches the file. */
const fieldsOf = (entry: CallHistoryEntry): CallHistoryEntry =>
  Object.fromEntries(Object.keys(CALL_HISTORY_FIELDS).map((k) => [k, entry[k as keyof CallHistoryEntry]])) as unknown as CallHistoryEntry;

const time = (iso: string | null): number => (iso === null ? NaN : Date.parse(iso));
const newestFirst = (a: CallHistoryEntry, b: CallHistoryEntry): number => time(b.startedAt) - time(a.startedAt);

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

export class CallHistoryStore {
  /** Problems found while loading the file, for HostState.notices. */
  readonly notices: HostNotice[] = [];
  private readonly file: string;
  private readonly limit: number;
  private readonly onError: (err: unknown) => void;
  private entries: CallHistoryEntry[] = [];
  private seenAt: string | null = null;
  /** False when a damaged file could not be moved aside: writing would destroy it. */
  private writable = true;
  private readonly files: FileQueue;

  constructor(
    private readonly dir: string,
    { limit = 1000, onError = () => undefined }: CallHistoryOptions = {},
  ) {
    this.file = join(dir, CALL_HISTORY_FILE);
    this.limit = limit;
    this.onError = onError;
    this.files = new FileQueue((err) => this.onError(err));
    this.load();
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // The first start.
      // Left alone and never overwritten: it may be fine once readable again.
      this.writable = false;
      this.notices.push({ code: 'historyRecovered', message: `${this.file} could not be read (${message(err)}); calls will not be saved` });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.keepDamaged(message(err), 'move');
      return;
    }
    const stored = parsed as Partial<StoredHistory> | null;
    if (typeof stored !== 'object' || stored === null || stored.version !== VERSION || !Array.isArray(stored.entries)) {
      this.keepDamaged(`not a version ${VERSION} call history`, 'move');
      return;
    }
    // A bad entry costs only itself, a bad nullable field only its value; the original is backed up.
    let dropped = 0;
    let reset = 0;
    const ids = new Set<string>();
    for (const raw of stored.entries) {
      const salvaged = salvageEntry(raw);
      if (!salvaged || ids.has(salvaged.entry.id)) {
        dropped++;
        continue;
      }
      ids.add(salvaged.entry.id);
      if (salvaged.reset) reset++;
      this.entries.push(salvaged.entry);
    }
    this.seenAt = typeof stored.seenAt === 'string' && Number.isFinite(Date.parse(stored.seenAt)) ? stored.seenAt : null;
    // A hand-edited file may be out of order or too long.
    this.entries.sort(newestFirst);
    this.entries.length = Math.min(this.entries.length, this.limit);
    if (dropped > 0 || reset > 0) {
      const lost = [dropped && `${dropped} of ${stored.entries.length} calls could not be read`, reset && `${reset} had fields cleared`];
      this.keepDamaged(`${lost.filter(Boolean).join(', ')}; the rest were kept`, 'copy');
      // Rewritten clean, so the next start does not report it again.
      void this.save();
    }
  }

  /**
   * Keeps the damaged file, byte for byte, as `call-history.corrupt-<timestamp>.json`: moved aside, or
   * copied when its good entries stay. If it cannot be kept, the history lives in memory only.
   */
  private keepDamaged(reason: string, how: 'move' | 'copy'): void {
    try {
      const backup = keepDamagedFile(this.file, how);
      // A detail: the UI wraps it in its own sentence, as for settingsRecovered.
      this.notices.push({ code: 'historyRecovered', message: `${backup} (${reason})` });
    } catch (err) {
      // Writing now would destroy the only copy.
      this.writable = false;
      this.notices.push({ code: 'historyRecovered', message: `${this.file} is damaged (${reason}) and could not be backed up (${message(err)}); calls will not be saved` });
    }
  }

  /** Adds the call, or replaces the one with its id in place; resolves once written (never rejects). */
  record(entry: CallHistoryEntry): Promise<void> {
    const copy = fieldsOf(entry);
    const at = this.entries.findIndex((e) => e.id === entry.id);
    if (at >= 0) {
      this.entries[at] = copy;
    } else {
      // After every entry that started at the same time or later: newest first, ties in recording order.
      const before = this.entries.findIndex((e) => newestFirst(e, copy) > 0);
      this.entries.splice(before < 0 ? this.entries.length : before, 0, copy);
      this.entries.length = Math.min(this.entries.length, this.limit);
    }
    return this.save();
  }

  list(): CallHistory {
    const seen = time(this.seenAt);
    // A missed call counts from when it stopped ringing: one that rang while the list was open is still new.
    const unseenMissed = this.entries.filter(
      (e) => e.direction === 'incoming' && e.outcome === 'missed' && !(time(e.endedAt ?? e.startedAt) <= seen),
    ).length;
    return { entries: this.entries.map((e) => ({ ...e })), unseenMissed };
  }

  async markSeen(): Promise<CallHistory> {
    this.seenAt = new Date().toISOString();
    await this.save();
    return this.list();
  }

  async clear(): Promise<CallHistory> {
    this.entries = [];
    await this.save();
    return this.list();
  }

  /** Writes the current state after any write under way; writes asked for meanwhile are one write. */
  private save(): Promise<void> {
    if (!this.writable) return Promise.resolve();
    return this.files.rewrite(this.file, () => `${JSON.stringify({ version: VERSION, seenAt: this.seenAt, entries: this.entries } satisfies StoredHistory)}\n`);
  }
}
