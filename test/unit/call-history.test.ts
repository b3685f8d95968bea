import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALL_HISTORY_FILE, CallHistoryStore } from '../../main/host/call-history';
import { CALL_HISTORY_FIELDS, type CallHistoryEntry } from '../../src/host-api';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'softphone-history-'));
const at = (minute: number): string => new Date(Date.UTC(2025, 0, 1, 10, minute)).toISOString();

function call(id: string, minute: number, more: Partial<CallHistoryEntry> = {}): CallHistoryEntry {
  return {
    id,
    direction: 'outgoing',
    outcome: 'answered',
    kind: 'ordinary',
    number: '+33123456789',
    name: null,
    startedAt: at(minute),
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    emergencyRecordId: null,
    reason: null,
    ...more,
  };
}

const missed = (id: string, minute: number): CallHistoryEntry =>
  call(id, minute, { direction: 'incoming', outcome: 'missed', endedAt: at(minute) });
const ids = (store: CallHistoryStore): string[] => store.list().entries.map((e) => e.id);
const stored = (dir: string): { version: number; seenAt: string | null; entries: CallHistoryEntry[] } =>
  JSON.parse(readFileSync(join(dir, CALL_HISTORY_FILE), 'utf8'));

describe('CallHistoryStore', () => {
  it('is empty when there is no file, and says nothing', () => {
    const store = new CallHistoryStore(tmp());
    expect(store.list()).toEqual({ entries: [], unseenMissed: 0 });
    expect(store.notices).toEqual([]);
  });

  it('round-trips through its file (0600), newest first', async () => {
    const dir = tmp();
    const store = new CallHistoryStore(dir);
    await store.record(call('a', 1, { name: 'Alice', answeredAt: at(1), endedAt: at(2), durationSeconds: 60 }));
    await store.record(call('c', 3, { kind: 'emergency', number: '112', emergencyRecordId: 'rec-1' }));
    await store.record(call('b', 2, { outcome: 'failed', reason: '503 Service Unavailable' }));
    expect(ids(store)).toEqual(['c', 'b', 'a']);
    expect(stored(dir)).toMatchObject({ version: 1, seenAt: null });
    expect(statSync(join(dir, CALL_HISTORY_FILE)).mode & 0o777).toBe(0o600);
    const again = new CallHistoryStore(dir);
    expect(again.list()).toEqual(store.list());
    expect(again.list().entries[2]).toEqual(call('a', 1, { name: 'Alice', answeredAt: at(1), endedAt: at(2), durationSeconds: 60 }));
    expect(again.notices).toEqual([]);
  });

  it('replaces a call recorded again (same id) where it was', async () => {
    const dir = tmp();
    const store = new CallHistoryStore(dir);
    await store.record(call('a', 1));
    await store.record(call('b', 2));
    await store.record(call('c', 3));
    await store.record(call('b', 2, { answeredAt: at(2), endedAt: at(4), durationSeconds: 120 }));
    expect(ids(store)).toEqual(['c', 'b', 'a']);
    expect(new CallHistoryStore(dir).list().entries[1]).toMatchObject({ id: 'b', durationSeconds: 120 });
  });

  it('keeps only the newest `limit` calls', async () => {
    const dir = tmp();
    const store = new CallHistoryStore(dir, { limit: 3 });
    for (const [i, id] of ['a', 'b', 'c', 'd', 'e'].entries()) await store.record(call(id, i));
    expect(ids(store)).toEqual(['e', 'd', 'c']);
    // One older than all of those is not kept either.
    await store.record(call('old', 0));
    expect(ids(store)).toEqual(['e', 'd', 'c']);
    expect(stored(dir).entries.map((e) => e.id)).toEqual(['e', 'd', 'c']);
    // A longer file (an older, larger limit) is cut on reading.
    expect(ids(new CallHistoryStore(dir, { limit: 2 }))).toEqual(['e', 'd']);
  });

  it('writes atomically: no .tmp left behind, and a leftover garbage .tmp does not matter', async () => {
    const dir = tmp();
    writeFileSync(join(dir, `${CALL_HISTORY_FILE}.tmp`), '{ garbage from a crash', { mode: 0o644 });
    const store = new CallHistoryStore(dir);
    expect(store.notices).toEqual([]);
    // Recorded together: the writes run one after the other, the last state wins.
    await Promise.all([store.record(call('a', 1)), store.record(call('b', 2)), store.record(call('c', 3))]);
    expect(readdirSync(dir)).toEqual([CALL_HISTORY_FILE]);
    expect(stored(dir).entries.map((e) => e.id)).toEqual(['c', 'b', 'a']);
    expect(statSync(join(dir, CALL_HISTORY_FILE)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{"version":1,"entries":[{"id":'],
    ['JSON of the wrong shape', '[1, 2, 3]'],
    ['no entries list', '{"version":1,"seenAt":null,"entries":"oops"}'],
    ['an unknown version', '{"version":2,"seenAt":null,"entries":[]}'],
  ])('a damaged file (%s) is kept byte for byte, reported, and the store starts empty and works', async (_name, content) => {
    const dir = tmp();
    writeFileSync(join(dir, CALL_HISTORY_FILE), content, { mode: 0o600 });
    const store = new CallHistoryStore(dir);
    expect(store.list()).toEqual({ entries: [], unseenMissed: 0 });
    const backups = readdirSync(dir).filter((f) => /^call-history\.corrupt-.+\.json$/.test(f));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0] as string), 'utf8')).toBe(content);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatchObject({ code: 'historyRecovered' });
    expect(store.notices[0]?.message).toContain(join(dir, backups[0] as string));
    await store.record(call('a', 1));
    expect(ids(new CallHistoryStore(dir))).toEqual(['a']);
  });

  it('keeps the good calls of a file with some bad ones, with a backup of the original', async () => {
    const dir = tmp();
    const good = [call('a', 1), missed('m', 2)];
    const content = JSON.stringify({
      version: 1,
      seenAt: null,
      entries: [
        good[0],
        { ...call('bad-direction', 3), direction: 'sideways' },
        { ...call('bad-time', 4), startedAt: 'yesterday-ish' },
        'not a call',
        null,
        // A bad optional field costs only itself; an unknown one is left out.
        { ...call('bad-name', 5), name: 42, durationSeconds: -3, extra: 'x' },
        { ...call('long-number', 6), number: '1'.repeat(300) },
        good[1],
        // The same id twice: the first one stays.
        { ...call('a', 7), number: 'duplicate' },
      ],
    });
    writeFileSync(join(dir, CALL_HISTORY_FILE), content);
    const store = new CallHistoryStore(dir);
    expect(store.list().entries).toEqual([call('bad-name', 5), good[1], good[0]]);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]?.code).toBe('historyRecovered');
    expect(store.notices[0]?.message).toMatch(/6 of 9 calls could not be read, 1 had fields cleared/);
    const backup = readdirSync(dir).find((f) => f.startsWith('call-history.corrupt-')) as string;
    expect(readFileSync(join(dir, backup), 'utf8')).toBe(content);
    // The file is rewritten clean: the next start has nothing to report.
    await store.record(call('n', 8));
    const again = new CallHistoryStore(dir);
    expect(again.notices).toEqual([]);
    expect(ids(again)).toEqual(['n', 'bad-name', 'm', 'a']);
    for (const entry of again.list().entries) {
      expect(Object.keys(entry).sort()).toEqual(Object.keys(CALL_HISTORY_FIELDS).sort());
    }
  });

  it('counts incoming missed calls until they are marked seen', async () => {
    const dir = tmp();
    const store = new CallHistoryStore(dir);
    await store.record(missed('m1', 1));
    await store.record(missed('m2', 2));
    // Not missed, or not incoming: never counted.
    await store.record(call('in', 3, { direction: 'incoming' }));
    await store.record(call('out', 4, { outcome: 'cancelled' }));
    await store.record(call('declined', 5, { direction: 'incoming', outcome: 'declined' }));
    expect(store.list().unseenMissed).toBe(2);
    expect((await store.markSeen()).unseenMissed).toBe(0);
    // Remembered across a restart.
    expect(new CallHistoryStore(dir).list().unseenMissed).toBe(0);
    const now = Date.now();
    await store.record(call('m3', 0, { direction: 'incoming', outcome: 'missed', startedAt: new Date(now + 60_000).toISOString() }));
    expect(store.list().unseenMissed).toBe(1);
    expect(new CallHistoryStore(dir).list().unseenMissed).toBe(1);
  });

  it('counts a call that rang while the list was seen, and was missed after', async () => {
    const store = new CallHistoryStore(tmp());
    const ringing = new Date(Date.now() - 20_000).toISOString();
    await store.markSeen();
    await store.record(call('late', 0, { direction: 'incoming', outcome: 'missed', startedAt: ringing, endedAt: new Date(Date.now() + 1_000).toISOString() }));
    expect(store.list().unseenMissed).toBe(1);
  });

  it('clears the history, in the file too', async () => {
    const dir = tmp();
    const store = new CallHistoryStore(dir);
    await store.record(missed('m', 1));
    expect(await store.clear()).toEqual({ entries: [], unseenMissed: 0 });
    expect(stored(dir).entries).toEqual([]);
    expect(new CallHistoryStore(dir).list().entries).toEqual([]);
  });

  it('a write that fails is reported to the log, never thrown; the list goes on from memory', async () => {
    const dir = tmp();
    // A directory where the temporary file goes: fails even for root, unlike a read-only mode.
    mkdirSync(join(dir, `${CALL_HISTORY_FILE}.tmp`));
    const errors: unknown[] = [];
    const store = new CallHistoryStore(dir, { onError: (err) => errors.push(err) });
    await expect(store.record(missed('m', 1))).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(store.list()).toMatchObject({ entries: [{ id: 'm' }], unseenMissed: 1 });
    await expect(store.markSeen()).resolves.toMatchObject({ unseenMissed: 0 });
    await expect(store.clear()).resolves.toEqual({ entries: [], unseenMissed: 0 });
  });

  it('does not throw in a read-only directory', async () => {
    const dir = tmp();
    const store = new CallHistoryStore(dir, { onError: () => undefined });
    chmodSync(dir, 0o500);
    try {
      await expect(store.record(call('a', 1))).resolves.toBeUndefined();
      // Root writes anyway; anyone else gets the error in the log (the test above checks that).
      expect(ids(store)).toEqual(['a']);
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('an unreadable file (here a directory of that name) is reported and left alone; the history lives in memory', async () => {
    const dir = tmp();
    mkdirSync(join(dir, CALL_HISTORY_FILE));
    const store = new CallHistoryStore(dir);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatchObject({ code: 'historyRecovered' });
    expect(store.notices[0]?.message).toContain('calls will not be saved');
    await store.record(call('a', 1));
    expect(ids(store)).toEqual(['a']);
    expect(readdirSync(dir)).toEqual([CALL_HISTORY_FILE]);
    expect(statSync(join(dir, CALL_HISTORY_FILE)).isDirectory()).toBe(true);
  });
});
