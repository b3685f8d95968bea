import { describe, expect, it } from 'vitest';
import { cycleSeconds, dominantFrequencies, scheduleCycle, tonePattern, type ToneKind, type ToneSegment } from '../../src/tones';

const KINDS: ToneKind[] = ['ring', 'callback', 'waiting', 'ringback', 'busy', 'failure'];
const COUNTRIES = ['US', 'CA', 'PR', 'GB', 'FR', 'DE', 'IT', 'SE', 'JP', '', 'xx', 'us'];

const cadence = (segments: ToneSegment[]): Array<[number[], number]> => segments.map((s) => [s.freqs, s.ms]);

describe('call-progress tones follow the country', () => {
  it('North America (NANP): ringback 440+480 Hz 2 s on 4 s off, busy 480+620 Hz 0.5/0.5', () => {
    for (const cc of ['US', 'CA', 'PR', 'JM', 'us', ' ca ']) {
      expect(cadence(tonePattern('ringback', cc).segments)).toEqual([[[440, 480], 2000], [[], 4000]]);
      expect(cadence(tonePattern('busy', cc).segments)).toEqual([[[480, 620], 500], [[], 500]]);
      expect(dominantFrequencies('waiting', cc)).toEqual([440]);
    }
  });
  it('UK: ringback 400+450 Hz 0.4/0.2/0.4/2.0', () => {
    expect(cadence(tonePattern('ringback', 'GB').segments)).toEqual([
      [[400, 450], 400],
      [[], 200],
      [[400, 450], 400],
      [[], 2000],
    ]);
    expect(dominantFrequencies('busy', 'GB')).toEqual([400]);
  });
  it('France: ringback 1.5 s on 3.5 s off, busy 0.5/0.5', () => {
    expect(cadence(tonePattern('ringback', 'FR').segments).map(([, ms]) => ms)).toEqual([1500, 3500]);
    expect(cadence(tonePattern('busy', 'FR').segments).map(([, ms]) => ms)).toEqual([500, 500]);
  });
  it('Germany: 425 Hz, ringback 1 s / 4 s, busy 0.48/0.48', () => {
    expect(cadence(tonePattern('ringback', 'DE').segments)).toEqual([[[425], 1000], [[], 4000]]);
    expect(cadence(tonePattern('busy', 'DE').segments)).toEqual([[[425], 480], [[], 480]]);
  });
  it('elsewhere, or unknown: the CEPT 425 Hz plan', () => {
    for (const cc of ['IT', 'SE', 'JP', '', 'xx']) {
      expect(cadence(tonePattern('ringback', cc).segments)).toEqual([[[425], 1000], [[], 4000]]);
      expect(cadence(tonePattern('busy', cc).segments)).toEqual([[[425], 500], [[], 500]]);
      expect(dominantFrequencies('waiting', cc)).toEqual([425]);
    }
  });
  it('failure is the Special Information Tone (950, 1400, 1800 Hz, 330 ms each), then a pause, a few times only', () => {
    for (const cc of COUNTRIES) {
      const p = tonePattern('failure', cc);
      expect(cadence(p.segments).slice(0, 3)).toEqual([[[950], 330], [[1400], 330], [[1800], 330]]);
      expect(p.segments.at(-1)?.freqs).toEqual([]);
      expect(p.segments.at(-1)?.ms).toBeGreaterThanOrEqual(1000);
      expect(p.cycles).toBeLessThanOrEqual(5);
    }
  });
});

describe('local ringtones', () => {
  it('ring is two pitches: 1-2 s of sound, then 2-3 s of silence', () => {
    const p = tonePattern('ring', 'US');
    expect(dominantFrequencies('ring', 'US')).toHaveLength(2);
    const sound = p.segments.filter((s) => s.freqs.length > 0).reduce((t, s) => t + s.ms, 0);
    expect(sound).toBeGreaterThanOrEqual(1000);
    expect(sound).toBeLessThanOrEqual(2000);
    const last = p.segments.at(-1);
    expect(last?.freqs).toEqual([]);
    expect(last?.ms).toBeGreaterThanOrEqual(2000);
    expect(last?.ms).toBeLessThanOrEqual(3000);
  });
  it('callback (from emergency services) is told apart from ring by its frequencies and rhythm', () => {
    for (const cc of COUNTRIES) {
      const ring = dominantFrequencies('ring', cc);
      const callback = dominantFrequencies('callback', cc);
      expect(ring.filter((f) => callback.includes(f))).toEqual([]);
      // Higher pitch and faster pulses.
      expect(Math.min(...callback)).toBeGreaterThan(Math.max(...ring));
      const pulse = (k: ToneKind): number => Math.max(...tonePattern(k, cc).segments.filter((s) => s.freqs.length).map((s) => s.ms));
      expect(pulse('callback')).toBeLessThan(pulse('ring'));
    }
  });
  it('neither ringtone can be mistaken for a call-progress tone', () => {
    for (const cc of COUNTRIES) {
      const progress = new Set(['ringback', 'busy', 'failure', 'waiting'].flatMap((k) => dominantFrequencies(k as ToneKind, cc)));
      for (const f of [...dominantFrequencies('ring', cc), ...dominantFrequencies('callback', cc)]) expect(progress.has(f)).toBe(false);
    }
  });
  it('call waiting is soft', () => {
    for (const cc of COUNTRIES) expect(tonePattern('waiting', cc).level).toBeLessThanOrEqual(0.3);
  });
});

describe('every plan', () => {
  it('has positive segments, sound, a level within 0..1 and its own kind', () => {
    for (const kind of KINDS) {
      for (const cc of COUNTRIES) {
        const p = tonePattern(kind, cc);
        expect(p.kind).toBe(kind);
        expect(p.segments.length).toBeGreaterThan(0);
        for (const s of p.segments) {
          expect(s.ms).toBeGreaterThan(0);
          for (const f of s.freqs) expect(f).toBeGreaterThan(0);
        }
        expect(dominantFrequencies(kind, cc).length).toBeGreaterThan(0);
        expect(p.level).toBeGreaterThan(0);
        expect(p.level).toBeLessThanOrEqual(1);
        expect(p.repeat).toBe(true);
      }
    }
  });
});

describe('scheduleCycle', () => {
  it('places the sounding segments on the clock and skips silences', () => {
    const p = tonePattern('ringback', 'GB');
    const { tones, end } = scheduleCycle(p, 10);
    expect(tones.map((t) => [t.freqs, t.start, t.end])).toEqual([
      [[400, 450], 10, 10.4],
      [[400, 450], 10.6, 11],
    ]);
    expect(end).toBeCloseTo(13);
    expect(cycleSeconds(p)).toBeCloseTo(3);
  });
  it('back-to-back cycles meet without gap or overlap', () => {
    for (const kind of KINDS) {
      const p = tonePattern(kind, 'DE');
      const a = scheduleCycle(p, 0);
      const b = scheduleCycle(p, a.end);
      expect(a.end).toBeCloseTo(cycleSeconds(p));
      expect(b.tones[0]?.start).toBeCloseTo(a.end + (a.tones[0]?.start ?? 0));
      for (const t of [...a.tones, ...b.tones]) expect(t.end).toBeGreaterThan(t.start);
      const starts = [...a.tones, ...b.tones].map((t) => t.start);
      expect([...starts].sort((x, y) => x - y)).toEqual(starts);
    }
  });
});
