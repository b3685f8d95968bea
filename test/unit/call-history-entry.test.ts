import { describe, expect, it } from 'vitest';
import { historyEntry, historyNumber, historyOutcome, justEnded, turnedAwayEntry } from '../../src/call-history';
import { checkHostCall } from '../../src/host-api';
import type { CallSnapshot } from '../../src/sip/phone';

const T0 = Date.parse('2026-11-27T10:00:00Z');
const call = (over: Partial<CallSnapshot>): CallSnapshot => ({
  id: 'call-1',
  direction: 'outgoing',
  remoteUri: 'sip:1000@example.com',
  remoteName: '1000',
  state: 'ended',
  muted: false,
  held: false,
  holdPending: false,
  startedAt: T0,
  endedAt: T0 + 5000,
  ...over,
});

describe('call history entries', () => {
  it('names the number to redial: our own domain gives the user part, others the whole address, emergency calls their dial string', () => {
    expect(historyNumber(call({}), 'example.com')).toBe('1000');
    expect(historyNumber(call({ remoteUri: 'sip:1000@example.com:5070' }), 'example.com')).toBe('1000');
    expect(historyNumber(call({ remoteUri: 'sip:%zz@example.com' }), 'example.com')).toBe('%zz');
    expect(historyNumber(call({ remoteUri: 'sip:bob@other.org;transport=ws' }), 'example.com')).toBe('bob@other.org');
    expect(historyNumber(call({ remoteUri: 'sip:112@example.com', emergency: { dialString: '112', locationSent: true, attempts: [] } }), 'example.com')).toBe('112');
  });

  it('tells each outcome apart', () => {
    expect(historyOutcome(call({ answeredAt: T0 + 1000 }))).toBe('answered');
    expect(historyOutcome(call({ direction: 'incoming' }))).toBe('missed');
    expect(historyOutcome(call({ direction: 'incoming', declined: true }))).toBe('declined');
    expect(historyOutcome(call({ direction: 'incoming', answeredElsewhere: true }))).toBe('cancelled');
    expect(historyOutcome(call({ endReason: '486 Busy Here' }))).toBe('busy');
    expect(historyOutcome(call({ endReason: '404 Not Found' }))).toBe('failed');
    expect(historyOutcome(call({ endReason: 'cancelled' }))).toBe('cancelled');
    expect(historyOutcome(call({}))).toBe('cancelled');
  });

  it('makes an entry the host accepts: kind, duration, the emergency record link', () => {
    const e = historyEntry(
      call({ answeredAt: T0 + 1000, endedAt: T0 + 63_400, emergency: { dialString: '112', locationSent: true, attempts: [] } }),
      'example.com',
      { emergencyRecordId: 'rec-1' },
    );
    expect(e).toMatchObject({ kind: 'emergency', outcome: 'answered', number: '112', name: null, durationSeconds: 62, emergencyRecordId: 'rec-1', reason: null });
    expect(e.startedAt).toBe('2026-11-27T10:00:00.000Z');
    expect(() => checkHostCall('recordCall', [e])).not.toThrow();
    const test = historyEntry(call({ emergency: { dialString: '933', locationSent: true, attempts: [], test: true } }), 'example.com');
    expect(test.kind).toBe('test');
  });

  it('keeps a hostile or huge caller name within bounds, as the host requires', () => {
    const e = historyEntry(call({ direction: 'incoming', remoteName: `"</x>\n${'é'.repeat(1000)}` }), 'example.com');
    expect(e.name?.length).toBe(256);
    expect(() => checkHostCall('recordCall', [e])).not.toThrow();
  });

  it('ids stay unique across phone restarts (call-1 again)', () => {
    expect(historyEntry(call({}), 'x').id).not.toBe(historyEntry(call({ startedAt: T0 + 1 }), 'x').id);
  });

  it('a call turned away by do-not-disturb is a missed call that says why', () => {
    const e = turnedAwayEntry({ remoteUri: 'sip:bob@example.com', remoteName: 'Bob', reason: 'doNotDisturb', at: T0 }, 'example.com', 'away-1');
    expect(e).toMatchObject({ direction: 'incoming', outcome: 'missed', number: 'bob', name: 'Bob', reason: 'doNotDisturb' });
    expect(() => checkHostCall('recordCall', [e])).not.toThrow();
  });

  it('finds each call once, when it ends (even one that ended before it was ever seen)', () => {
    const up = call({ state: 'established', endedAt: undefined });
    expect(justEnded([up], [call({})]).map((c) => c.id)).toEqual(['call-1']);
    expect(justEnded([call({})], [call({})])).toEqual([]);
    expect(justEnded([], [call({ id: 'call-2' })]).map((c) => c.id)).toEqual(['call-2']);
    expect(justEnded([up], [up])).toEqual([]);
  });
});
