/**
 * Plays call tones (src/tones.ts plans) through Web Audio into a hidden <audio> element, so the
 * ring can go to its own output device (setSinkId) while the call uses another: a headset user
 * still hears the ring on the speakers.
 */
import { cycleSeconds, scheduleCycle, tonePattern, type ScheduledTone, type ToneKind, type TonePattern } from '../../src/tones';

export type { ToneKind } from '../../src/tones';

export interface PlayOptions {
  /** '' = default device. */
  sinkId: string;
  /** 0..1 */
  volume: number;
  /** ISO 3166 alpha-2, may be ''. */
  country: string;
}

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

/** Fade in/out of each tone, seconds: a hard edge clicks. */
const RAMP = 0.01;
/** stop()'s fade-out, seconds. */
const FADE = 0.015;
/** The first tone starts this far ahead so it is never scheduled in the past. */
const LEAD = 0.05;
/** Stay at least this far ahead (seconds), and two cycles, so a late timer never leaves a gap. */
const MIN_AHEAD = 3;
const TICK_MS = 250;
/** A context still suspended this long after resume() is blocked by the autoplay policy. */
const BLOCK_CHECK_MS = 500;

interface Note {
  oscs: OscillatorNode[];
  gain: GainNode;
  end: number;
}

interface Playback {
  kind: ToneKind;
  options: PlayOptions;
  pattern: TonePattern;
  cycleLen: number;
  master: GainNode;
  dest: MediaStreamAudioDestinationNode;
  el: SinkAudio;
  notes: Note[];
  /** Start of the next cycle not yet scheduled, context seconds. */
  next: number;
  cyclesLeft: number;
  timers: Array<ReturnType<typeof setTimeout>>;
  ticker: ReturnType<typeof setInterval>;
  elementBlocked: boolean;
}

const sameOptions = (a: PlayOptions, b: PlayOptions): boolean =>
  a.sinkId === b.sinkId && a.volume === b.volume && a.country === b.country;

const isNotAllowed = (e: unknown): boolean => (e as { name?: unknown } | null)?.name === 'NotAllowedError';

export class TonePlayer {
  private ctx: AudioContext | null = null;
  private current: Playback | null = null;
  private contextBlocked = false;
  private reported = false;
  private readonly onBlocked: ((blocked: boolean) => void) | undefined;

  constructor(opts?: { onBlocked?: (blocked: boolean) => void }) {
    this.onBlocked = opts?.onBlocked;
  }

  get playing(): ToneKind | null {
    return this.current?.kind ?? null;
  }

  /** Replaces whatever plays; the same tone with the same options again goes on undisturbed. */
  play(kind: ToneKind, options: PlayOptions): void {
    const cur = this.current;
    if (cur && cur.kind === kind && sameOptions(cur.options, options)) return;
    this.halt();
    const ctx = this.context();
    const pattern = tonePattern(kind, options.country);
    const master = ctx.createGain();
    master.gain.value = Math.min(1, Math.max(0, options.volume)) * pattern.level;
    const dest = ctx.createMediaStreamDestination();
    master.connect(dest);

    const el = document.createElement('audio') as SinkAudio;
    el.hidden = true;
    el.dataset.tone = kind;
    el.dataset.testid = 'tone';
    el.srcObject = dest.stream;
    document.body.appendChild(el);
    if (options.sinkId && el.setSinkId) void el.setSinkId(options.sinkId).catch(() => undefined);

    const cycleLen = cycleSeconds(pattern);
    const p: Playback = {
      kind,
      options: { ...options },
      pattern,
      cycleLen,
      master,
      dest,
      el,
      notes: [],
      next: ctx.currentTime + LEAD,
      cyclesLeft: cycleLen <= 0 ? 0 : pattern.repeat ? (pattern.cycles ?? Infinity) : 1,
      timers: [],
      ticker: setInterval(() => this.tick(p), TICK_MS),
      elementBlocked: false,
    };
    this.current = p;
    this.tick(p);
    this.startElement(p);

    if (ctx.state !== 'running') {
      void ctx.resume().catch(() => undefined);
      p.timers.push(
        setTimeout(() => {
          if (this.current !== p || ctx.state === 'running') return;
          this.contextBlocked = true;
          this.report();
        }, BLOCK_CHECK_MS),
      );
    }
  }

  /** Stops at once (answer, decline, cancel, answered elsewhere). */
  stop(): void {
    this.halt();
    this.report();
  }

  /** Call from any user gesture: resumes a suspended AudioContext (browser autoplay policy). */
  unlock(): void {
    const p = this.current;
    if (!p) return;
    const ctx = this.context();
    if (ctx.state !== 'running') void ctx.resume().catch(() => undefined);
    if (p.elementBlocked) this.startElement(p);
  }

  private context(): AudioContext {
    if (!this.ctx) {
      // 'playback': tones need no low latency; larger buffers cost less CPU.
      const ctx = new AudioContext({ latencyHint: 'playback' });
      ctx.onstatechange = () => {
        if (ctx.state !== 'running') return;
        this.contextBlocked = false;
        this.report();
      };
      this.ctx = ctx;
    }
    return this.ctx;
  }

  private startElement(p: Playback): void {
    p.el.play().then(
      () => {
        p.elementBlocked = false;
        this.report();
      },
      (e: unknown) => {
        if (this.current !== p || !isNotAllowed(e)) return;
        p.elementBlocked = true;
        this.report();
      },
    );
  }

  private report(): void {
    const p = this.current;
    const blocked = p !== null && (p.elementBlocked || this.contextBlocked);
    if (blocked === this.reported) return;
    this.reported = blocked;
    this.onBlocked?.(blocked);
  }

  /** Schedules cycles until a couple are ahead of the clock; releases tones already played. */
  private tick(p: Playback): void {
    if (this.current !== p || !this.ctx) return;
    const now = this.ctx.currentTime;
    p.notes = p.notes.filter((n) => {
      if (n.end + RAMP >= now) return true;
      release(n);
      return false;
    });
    // After a stall (throttled timers) start afresh rather than cram tones into the past.
    if (p.cyclesLeft > 0 && p.next < now) p.next = now + LEAD;
    const horizon = now + Math.max(2 * p.cycleLen, MIN_AHEAD);
    while (p.cyclesLeft > 0 && p.next < horizon) {
      const cycle = scheduleCycle(p.pattern, p.next);
      for (const t of cycle.tones) p.notes.push(this.note(p, t));
      p.next = cycle.end;
      p.cyclesLeft -= 1;
    }
    if (p.cyclesLeft === 0 && now >= p.next) this.stop();
  }

  private note(p: Playback, t: ScheduledTone): Note {
    const ctx = this.ctx as AudioContext;
    const gain = ctx.createGain();
    const peak = 1 / t.freqs.length; // summed sines stay within full scale
    const r = Math.min(RAMP, (t.end - t.start) / 4);
    gain.gain.value = 0;
    gain.gain.setValueAtTime(0, t.start);
    gain.gain.linearRampToValueAtTime(peak, t.start + r);
    gain.gain.setValueAtTime(peak, t.end - r);
    gain.gain.linearRampToValueAtTime(0, t.end);
    gain.connect(p.master);
    const oscs = t.freqs.map((f) => {
      const osc = ctx.createOscillator();
      osc.type = 'sine';
      osc.frequency.value = f;
      osc.connect(gain);
      osc.start(t.start);
      osc.stop(t.end);
      return osc;
    });
    return { oscs, gain, end: t.end };
  }

  /** Ends the current playback: silent and unmarked now, nodes and element freed after the fade. */
  private halt(): void {
    const p = this.current;
    if (!p) return;
    this.current = null;
    clearInterval(p.ticker);
    for (const t of p.timers) clearTimeout(t);
    delete p.el.dataset.tone;
    delete p.el.dataset.testid;
    const ctx = this.ctx as AudioContext;
    const now = ctx.currentTime;
    const gain = p.master.gain;
    gain.cancelScheduledValues(now);
    gain.setValueAtTime(gain.value, now);
    gain.linearRampToValueAtTime(0, now + FADE);
    for (const n of p.notes) {
      for (const osc of n.oscs) {
        try {
          osc.stop(now + FADE);
        } catch {
          // never started: nothing to stop
        }
      }
    }
    setTimeout(() => {
      for (const n of p.notes) release(n);
      p.notes = [];
      p.master.disconnect();
      for (const track of p.dest.stream.getTracks()) track.stop();
      p.el.pause();
      p.el.srcObject = null;
      p.el.remove();
      // An idle running context still renders silence: let the CPU rest until the next tone.
      if (!this.current && ctx.state === 'running') void ctx.suspend().catch(() => undefined);
    }, (FADE * 1000) + 35);
  }
}

function release(n: Note): void {
  for (const osc of n.oscs) osc.disconnect();
  n.gain.disconnect();
}
