import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALL_RECORD_FILE, CallRecord } from '../../main/host/call-record';
import { EMERGENCY_CALL_FIELDS, isEmergencyCallField, type EmergencyCallEntry } from '../../src/host-api';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'softphone-record-'));
const line = (o: unknown): string => `${JSON.stringify(o)}\n`;

/** What the renderer relies on: every field of every entry has its declared type. */
function expectWellTyped(entries: EmergencyCallEntry[]): void {
  for (const entry of entries) {
    expect(typeof entry.id).toBe('string');
    for (const [k, v] of Object.entries(entry)) {
      if (k === 'id') continue;
      expect(isEmergencyCallField(k), k).toBe(true);
      if (isEmergencyCallField(k)) expect(EMERGENCY_CALL_FIELDS[k](v), `${k}: ${JSON.stringify(v)}`).toBe(true);
    }
  }
}

describe('CallRecord', () => {
  it('merges the events of each call, newest call first', () => {
    const dir = tmp();
    const record = new CallRecord(dir);
    const startedAt = new Date().toISOString();
    record.append({ type: 'start', id: 'a', startedAt, number: '112', result: 'trying' });
    record.append({ type: 'start', id: 'b', startedAt, number: '15', result: 'trying' });
    record.append({ type: 'update', id: 'a', result: 'ended', endedAt: startedAt, durationSeconds: 3, gateways: [{ gateway: 'wss://g/ws', result: 'answered' }] });
    const list = record.list();
    expect(list.map((e) => e.id)).toEqual(['b', 'a']);
    expect(list[1]).toMatchObject({ id: 'a', number: '112', result: 'ended', durationSeconds: 3 });
    expect(list[1]).not.toHaveProperty('type');
    expect(list[1]).not.toHaveProperty('recordedAt');
  });

  it('drops fields of the wrong type from a hand-edited or damaged file, keeping the rest of the call', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, CALL_RECORD_FILE),
      line({ type: 'start', id: 'x', startedAt: '2020-01-01T00:00:00.000Z', number: '112', result: 'trying', gateways: [] }) +
        line({ type: 'update', id: 'x', gateways: 'oops' }) +
        line({ type: 'update', id: 'x', number: 112, durationSeconds: '5', roamingWarning: 'yes', result: 'exploded', pidfLo: { a: 1 } }) +
        line({ type: 'update', id: 'x', gateways: [{ gateway: 'wss://g/ws', result: 'busy' }, { gateway: 7 }, null, 'x'], extra: 'ignored' }) +
        line(JSON.parse('{"type":"update","id":"x","__proto__":{"result":"ended"}}')) +
        line(null) +
        line([1, 2]) +
        line('text') +
        line({ type: 'update', id: 42, result: 'ended' }) +
        line({ type: 'update', id: 'y', failure: 5, endedAt: null }),
    );
    const list = new CallRecord(dir).list();
    expectWellTyped(list);
    const x = list.find((e) => e.id === 'x');
    // The good values stay; the bad ones are gone; a list keeps its good items.
    expect(x).toEqual({
      id: 'x',
      startedAt: '2020-01-01T00:00:00.000Z',
      number: '112',
      // Begun before this process and never ended: cut short.
      result: 'interrupted',
      gateways: [{ gateway: 'wss://g/ws', result: 'busy' }],
    });
    expect(list.find((e) => e.id === 'y')).toEqual({ id: 'y', result: 'interrupted', endedAt: null });
    expect(list.map((e) => e.id)).toEqual(['y', 'x']);
  });

  it('skips a torn last line (a crash mid-write) and marks the call interrupted', () => {
    const dir = tmp();
    const record = new CallRecord(dir);
    record.append({ type: 'start', id: 'a', startedAt: '2020-01-01T00:00:00.000Z', number: '112', result: 'trying' });
    appendFileSync(join(dir, CALL_RECORD_FILE), '{"type":"update","id":"a","result":"ans');
    const list = record.list();
    expectWellTyped(list);
    expect(list).toEqual([{ id: 'a', startedAt: '2020-01-01T00:00:00.000Z', number: '112', result: 'interrupted' }]);
  });

  it('is empty when there is no file', () => {
    expect(new CallRecord(tmp()).list()).toEqual([]);
  });
});
