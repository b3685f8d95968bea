/**
 * Call tones as data: what to play for an incoming call, a possible call back from emergency
 * services, call waiting, and the call-progress tones the network would play (ringback, busy,
 * failure). The renderer's TonePlayer turns these plans into sound; nothing here touches the DOM.
 *
 * Call-progress plans follow ITU-T E.180 Supplement 2 (Various tones used in national networks)
 * and, for the default, the CEPT/ETSI harmonised 425 Hz plan (ETSI TR 101 041-1); NANP per
 * Telcordia GR-506; the Special Information Tone per ITU-T Q.35. Cross-checked against Asterisk's
 * indications.conf. No maintained npm dataset of national tones exists, hence this small table.
 */

export type ToneKind = 'ring' | 'callback' | 'waiting' | 'ringback' | 'busy' | 'failure';

export interface ToneSegment {
  /** Hz, summed; [] = silence. */
  freqs: number[];
  ms: number;
}

export interface TonePattern {
  kind: ToneKind;
  segments: ToneSegment[];
  repeat: boolean;
  /** Relative level 0..1 before the user's volume. */
  level: number;
  /** A repeating pattern stops after this many cycles; absent = until stopped. */
  cycles?: number;
}

/** One sounding segment placed on a clock (seconds, like AudioContext.currentTime). */
export interface ScheduledTone {
  freqs: number[];
  start: number;
  end: number;
}

const on = (ms: number, ...freqs: number[]): ToneSegment => ({ freqs, ms });
const off = (ms: number): ToneSegment => ({ freqs: [], ms });

/** North American Numbering Plan members (ISO 3166 alpha-2): they share the GR-506 tones. */
const NANP = new Set([
  'US', 'CA', 'AG', 'AI', 'AS', 'BB', 'BM', 'BS', 'DM', 'DO', 'GD', 'GU', 'JM', 'KN', 'KY',
  'LC', 'MP', 'MS', 'PR', 'SX', 'TC', 'TT', 'UM', 'VC', 'VG', 'VI',
]);
/** +44 numbering: the UK and the Crown Dependencies ('UK' accepted though not ISO). */
const UK = new Set(['GB', 'UK', 'GG', 'JE', 'IM']);

type Plan = Record<'ringback' | 'busy' | 'waiting', ToneSegment[]>;

const PLANS = {
  nanp: {
    ringback: [on(2000, 440, 480), off(4000)],
    busy: [on(500, 480, 620), off(500)],
    waiting: [on(300, 440), off(9700)],
  },
  uk: {
    ringback: [on(400, 400, 450), off(200), on(400, 400, 450), off(2000)],
    busy: [on(375, 400), off(375)],
    waiting: [on(100, 400), off(4000)],
  },
  // France keeps 440 Hz rather than the CEPT 425 Hz (E.180 Suppl. 2).
  fr: {
    ringback: [on(1500, 440), off(3500)],
    busy: [on(500, 440), off(500)],
    waiting: [on(300, 440), off(9700)],
  },
  de: {
    ringback: [on(1000, 425), off(4000)],
    busy: [on(480, 425), off(480)],
    waiting: [on(200, 425), off(200), on(200, 425), off(5000)],
  },
  cept: {
    ringback: [on(1000, 425), off(4000)],
    busy: [on(500, 425), off(500)],
    waiting: [on(200, 425), off(4800)],
  },
} satisfies Record<string, Plan>;

function planFor(country: string): Plan {
  const cc = country.trim().toUpperCase();
  if (NANP.has(cc)) return PLANS.nanp;
  if (UK.has(cc)) return PLANS.uk;
  if (cc === 'FR') return PLANS.fr;
  if (cc === 'DE') return PLANS.de;
  return PLANS.cept;
}

/**
 * The local ringtones are ours, not the network's: pitches chosen away from every call-progress
 * frequency so that neither can be mistaken for ringback, nor for each other.
 */
// Ring: a falling two-note "ding-dong" (G5, E5) twice, then rest.
const RING: ToneSegment[] = [on(300, 784), on(300, 659), off(150), on(300, 784), on(300, 659), off(2700)];
// Call back from emergency services: fast triple high pulses (F#6), twice, then a short rest.
const TRIPLE = [on(100, 1480), off(60), on(100, 1480), off(60), on(100, 1480), off(60)];
const CALLBACK: ToneSegment[] = [...TRIPLE, off(180), ...TRIPLE, off(1400)];
// ITU-T Q.35 Special Information Tone, then a pause; three times at most.
const SIT: ToneSegment[] = [on(330, 950), on(330, 1400), on(330, 1800), off(2000)];

export function tonePattern(kind: ToneKind, country: string): TonePattern {
  switch (kind) {
    case 'ring':
      return { kind, segments: RING, repeat: true, level: 0.8 };
    case 'callback':
      return { kind, segments: CALLBACK, repeat: true, level: 1 };
    case 'waiting':
      // Played over the call: soft.
      return { kind, segments: planFor(country).waiting, repeat: true, level: 0.25 };
    case 'ringback':
    case 'busy':
      return { kind, segments: planFor(country)[kind], repeat: true, level: 0.5 };
    case 'failure':
      return { kind, segments: SIT, repeat: true, level: 0.4, cycles: 3 };
  }
}

/** The distinct frequencies a tone uses, ascending. */
export function dominantFrequencies(kind: ToneKind, country: string): number[] {
  const all = tonePattern(kind, country).segments.flatMap((s) => s.freqs);
  return [...new Set(all)].sort((a, b) => a - b);
}

/** Length of one cycle in seconds. */
export function cycleSeconds(pattern: TonePattern): number {
  return pattern.segments.reduce((t, s) => t + s.ms, 0) / 1000;
}

/** The sounding segments of one cycle starting at `startTime` (seconds), and when the cycle ends. */
export function scheduleCycle(pattern: TonePattern, startTime: number): { tones: ScheduledTone[]; end: number } {
  const tones: ScheduledTone[] = [];
  let t = startTime;
  for (const s of pattern.segments) {
    const end = t + s.ms / 1000;
    if (s.freqs.length > 0) tones.push({ freqs: s.freqs, start: t, end });
    t = end;
  }
  return { tones, end: t };
}
