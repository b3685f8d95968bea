import { describe, expect, it } from 'vitest';
import { lastHeardAt, NO_AUDIO_WARNING_MS, silenceToReport } from '../../src/call-audio';

describe('the no-sound warning', () => {
  it('restarts the clock whenever packets arrive, and counts from the answer before the first', () => {
    expect(lastHeardAt({}, 0, 1_000, 1_500)).toBe(1_000);
    expect(lastHeardAt({ packets: 0, heardAt: 1_000 }, 12, 1_000, 2_000)).toBe(2_000);
    expect(lastHeardAt({ packets: 12, heardAt: 2_000 }, 12, 1_000, 9_000)).toBe(2_000);
  });
  it(`speaks up after ${NO_AUDIO_WARNING_MS} ms of silence, never on hold`, () => {
    expect(silenceToReport(1_000, 1_000 + NO_AUDIO_WARNING_MS - 1, false)).toBeNull();
    expect(silenceToReport(1_000, 1_000 + NO_AUDIO_WARNING_MS, false)).toBe(4);
    expect(silenceToReport(1_000, 11_000, true)).toBeNull();
    expect(silenceToReport(undefined, 11_000, false)).toBeNull();
  });
});
