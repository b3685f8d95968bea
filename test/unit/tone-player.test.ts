// @vitest-environment jsdom
/**
 * The renderer's TonePlayer against a small fake Web Audio (jsdom has none): what is scheduled
 * when, what the <audio> element shows, and that nothing is left behind after stop.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TonePlayer } from '../../renderer/src/tones';
import { cycleSeconds, dominantFrequencies, scheduleCycle, tonePattern } from '../../src/tones';

class FakeParam {
  value: number;
  events: Array<[string, number, number]> = [];
  constructor(value: number) {
    this.value = value;
  }
  setValueAtTime(v: number, t: number): this {
    this.events.push(['set', v, t]);
    return this;
  }
  linearRampToValueAtTime(v: number, t: number): this {
    this.events.push(['ramp', v, t]);
    return this;
  }
  cancelScheduledValues(t: number): this {
    this.events.push(['cancel', 0, t]);
    return this;
  }
}

class FakeNode {
  outputs = new Set<FakeNode>();
  connect(n: FakeNode): FakeNode {
    this.outputs.add(n);
    return n;
  }
  disconnect(): void {
    this.outputs.clear();
  }
}

class FakeOscillator extends FakeNode {
  type = 'sine';
  frequency = new FakeParam(440);
  startAt: number | undefined;
  stopAt: number | undefined;
  constructor(private readonly ctx: FakeContext) {
    super();
  }
  start(t: number): void {
    this.startAt = t;
  }
  stop(t: number): void {
    if (this.startAt === undefined) throw new Error('InvalidStateError');
    this.stopAt = t;
  }
  /** Connected and due to sound now or later. */
  get live(): boolean {
    return this.outputs.size > 0 && this.startAt !== undefined && (this.stopAt ?? Infinity) > this.ctx.currentTime;
  }
}

class FakeGain extends FakeNode {
  gain = new FakeParam(1);
}

class FakeTrack {
  stopped = false;
  stop(): void {
    this.stopped = true;
  }
}

class FakeDestination extends FakeNode {
  track = new FakeTrack();
  stream = { getTracks: () => [this.track] };
}

class FakeContext {
  static all: FakeContext[] = [];
  /** What resume() does: 'run' resolves and runs, 'hang' stays pending (autoplay policy). */
  static resumeMode: 'run' | 'hang' = 'run';
  static initialState: AudioContextState = 'running';
  currentTime = 0;
  state: AudioContextState = FakeContext.initialState;
  onstatechange: (() => void) | null = null;
  oscillators: FakeOscillator[] = [];
  gains: FakeGain[] = [];
  destinations: FakeDestination[] = [];
  constructor(readonly options?: unknown) {
    FakeContext.all.push(this);
  }
  createGain(): FakeGain {
    const g = new FakeGain();
    this.gains.push(g);
    return g;
  }
  createOscillator(): FakeOscillator {
    const o = new FakeOscillator(this);
    this.oscillators.push(o);
    return o;
  }
  createMediaStreamDestination(): FakeDestination {
    const d = new FakeDestination();
    this.destinations.push(d);
    return d;
  }
  resume(): Promise<void> {
    if (FakeContext.resumeMode === 'hang') return new Promise(() => undefined);
    this.setState('running');
    return Promise.resolve();
  }
  suspend(): Promise<void> {
    this.setState('suspended');
    return Promise.resolve();
  }
  setState(s: AudioContextState): void {
    if (this.state === s) return;
    this.state = s;
    this.onstatechange?.();
  }
  get live(): FakeOscillator[] {
    return this.oscillators.filter((o) => o.live);
  }
  get connected(): FakeNode[] {
    return [...this.oscillators, ...this.gains].filter((n) => n.outputs.size > 0);
  }
}

let play: ReturnType<typeof vi.fn>;
let sinks: string[];

function ctx(): FakeContext {
  const c = FakeContext.all.at(-1);
  if (!c) throw new Error('no AudioContext made');
  return c;
}
const toneEl = (): HTMLAudioElement | null => document.querySelector('[data-tone]');
const notAllowed = (): Error => Object.assign(new Error('play() needs a user gesture'), { name: 'NotAllowedError' });
/** Lets the context clock and the scheduler's timer advance together. */
async function advance(seconds: number): Promise<void> {
  const steps = Math.round(seconds / 0.25);
  for (let i = 0; i < steps; i++) {
    if (ctx().state === 'running') ctx().currentTime += 0.25;
    await vi.advanceTimersByTimeAsync(250);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeContext.all = [];
  FakeContext.resumeMode = 'run';
  FakeContext.initialState = 'running';
  vi.stubGlobal('AudioContext', FakeContext);
  play = vi.fn(() => Promise.resolve());
  sinks = [];
  Object.assign(HTMLMediaElement.prototype, {
    play,
    pause: vi.fn(),
    setSinkId: vi.fn(function (this: HTMLMediaElement, id: string) {
      sinks.push(id);
      return Promise.resolve();
    }),
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

describe('TonePlayer', () => {
  it('plays the ring into a hidden, marked <audio> on the chosen device, with the pattern scheduled ahead', async () => {
    const player = new TonePlayer();
    expect(FakeContext.all).toHaveLength(0); // lazily
    player.play('ring', { sinkId: 'speakers', volume: 0.5, country: 'DE' });
    expect(player.playing).toBe('ring');

    const el = toneEl();
    expect(el?.dataset.tone).toBe('ring');
    expect(el?.dataset.testid).toBe('tone');
    expect(el?.hidden).toBe(true);
    expect(el?.srcObject).toBe(ctx().destinations[0]?.stream as unknown);
    expect(sinks).toEqual(['speakers']);
    expect(play).toHaveBeenCalledTimes(1);
    expect(document.querySelectorAll('audio')).toHaveLength(1);

    // Exactly the frequencies of the ring, started on the cycles' schedule, at least two cycles ahead.
    const pattern = tonePattern('ring', 'DE');
    const freqs = [...new Set(ctx().oscillators.map((o) => o.frequency.value))].sort((a, b) => a - b);
    expect(freqs).toEqual(dominantFrequencies('ring', 'DE'));
    const first = scheduleCycle(pattern, ctx().oscillators[0]?.startAt ?? NaN);
    const second = scheduleCycle(pattern, first.end);
    expect(ctx().oscillators.slice(0, first.tones.length + second.tones.length).map((o) => [o.startAt, o.stopAt])).toEqual(
      [...first.tones, ...second.tones].map((t) => [t.start, t.end]),
    );
    expect(ctx().oscillators.length).toBeGreaterThanOrEqual(2 * first.tones.length);

    // Volume times the pattern's level on the master gain; each tone ramps in and out.
    const master = ctx().gains[0];
    expect(master?.gain.value).toBeCloseTo(0.5 * pattern.level);
    const note = ctx().gains[1];
    expect(note?.gain.events.map(([k]) => k)).toEqual(['set', 'ramp', 'set', 'ramp']);
    expect(note?.gain.events[0]?.[1]).toBe(0);
    expect(note?.gain.events.at(-1)?.[1]).toBe(0);
  });

  it('keeps the default device when sinkId is empty', () => {
    new TonePlayer().play('ringback', { sinkId: '', volume: 1, country: 'US' });
    expect(sinks).toEqual([]);
  });

  it('keeps a couple of cycles ahead as time passes, and frees the tones already played', async () => {
    const player = new TonePlayer();
    player.play('busy', { sinkId: '', volume: 1, country: 'US' });
    const cycle = cycleSeconds(tonePattern('busy', 'US'));
    await advance(30);
    const c = ctx();
    const latest = Math.max(...c.oscillators.map((o) => o.stopAt ?? 0));
    expect(latest).toBeGreaterThan(c.currentTime + cycle);
    // Only what is still to play (and the one sounding) stays connected: a bounded number.
    const connected = c.oscillators.filter((o) => o.outputs.size > 0);
    expect(connected.every((o) => (o.stopAt ?? 0) >= c.currentTime - 0.02)).toBe(true);
    expect(connected.length).toBeLessThanOrEqual(2 * Math.ceil(Math.max(2 * cycle, 3) / cycle + 1));
    expect(player.playing).toBe('busy');
  });

  it('stop() silences and unmarks at once, then frees every node and the element', async () => {
    const player = new TonePlayer();
    player.play('ring', { sinkId: '', volume: 1, country: '' });
    await advance(1);
    player.stop();
    expect(player.playing).toBeNull();
    expect(toneEl()).toBeNull();
    expect(document.querySelector('[data-testid="tone"]')).toBeNull();
    const c = ctx();
    expect(c.oscillators.every((o) => (o.stopAt ?? Infinity) <= c.currentTime + 0.05)).toBe(true);
    expect(c.gains[0]?.gain.events.at(-1)).toEqual(['ramp', 0, expect.closeTo(c.currentTime + 0.015, 5)]);

    await vi.advanceTimersByTimeAsync(100);
    expect(c.live).toEqual([]);
    expect(c.connected).toEqual([]);
    expect(c.destinations[0]?.track.stopped).toBe(true);
    expect(document.querySelectorAll('audio')).toHaveLength(0);
    // Idle: the context rests.
    expect(c.state).toBe('suspended');
  });

  it('survives many play/stop/replace calls without leaking nodes or elements', async () => {
    const player = new TonePlayer();
    const kinds = ['ring', 'callback', 'waiting', 'ringback', 'busy', 'failure'] as const;
    for (let i = 0; i < 20; i++) {
      const kind = kinds[i % kinds.length] ?? 'ring';
      player.play(kind, { sinkId: i % 2 ? 'usb' : '', volume: 0.7, country: 'FR' });
      expect(player.playing).toBe(kind);
      expect(document.querySelectorAll('[data-tone]')).toHaveLength(1);
      expect(toneEl()?.dataset.tone).toBe(kind);
      await advance(0.5);
      if (i % 3 === 0) player.stop();
    }
    player.stop();
    player.stop(); // twice is harmless
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeContext.all).toHaveLength(1); // one context for the player's life
    expect(toneEl()).toBeNull();
    expect(document.querySelectorAll('audio')).toHaveLength(0);
    expect(ctx().live).toEqual([]);
    expect(ctx().connected).toEqual([]);
    expect(ctx().destinations.every((d) => d.track.stopped)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the same tone asked again (a re-render) goes on; other options restart it', async () => {
    const player = new TonePlayer();
    const opts = { sinkId: 'usb', volume: 0.6, country: 'GB' };
    player.play('ring', opts);
    await advance(1);
    const made = ctx().oscillators.length;
    player.play('ring', { ...opts });
    expect(ctx().oscillators).toHaveLength(made);
    expect(document.querySelectorAll('audio')).toHaveLength(1);
    player.play('ring', { ...opts, volume: 0.3 });
    expect(ctx().oscillators.length).toBeGreaterThan(made);
    const dest = ctx().destinations.at(-1);
    const master = ctx().gains.find((g) => dest !== undefined && g.outputs.has(dest));
    expect(master?.gain.value).toBeCloseTo(0.3 * tonePattern('ring', 'GB').level);
    await vi.advanceTimersByTimeAsync(100);
    expect(document.querySelectorAll('audio')).toHaveLength(1);
    expect(toneEl()?.dataset.tone).toBe('ring');
  });

  it('a replaced tone is cut while the new one plays alone', async () => {
    const player = new TonePlayer();
    player.play('ring', { sinkId: '', volume: 1, country: 'US' });
    const ringOscs = [...ctx().oscillators];
    player.play('callback', { sinkId: '', volume: 1, country: 'US' });
    await vi.advanceTimersByTimeAsync(100);
    expect(ringOscs.every((o) => !o.live)).toBe(true);
    const liveFreqs = new Set(ctx().live.map((o) => o.frequency.value));
    expect([...liveFreqs]).toEqual(dominantFrequencies('callback', 'US'));
    expect(toneEl()?.dataset.tone).toBe('callback');
  });

  it('the failure tone ends by itself after a few cycles', async () => {
    const player = new TonePlayer();
    player.play('failure', { sinkId: '', volume: 1, country: 'GB' });
    const pattern = tonePattern('failure', 'GB');
    await advance(cycleSeconds(pattern) * (pattern.cycles ?? 1) + 1);
    expect(player.playing).toBeNull();
    expect(toneEl()).toBeNull();
    const sit = ctx().oscillators.filter((o) => o.frequency.value === 950);
    expect(sit).toHaveLength(pattern.cycles ?? 1);
  });

  it('autoplay blocked on the element: reports it, and unlock() resumes the same tone', async () => {
    const onBlocked = vi.fn();
    const player = new TonePlayer({ onBlocked });
    play.mockImplementationOnce(() => Promise.reject(notAllowed()));
    player.play('ring', { sinkId: '', volume: 1, country: 'US' });
    await vi.advanceTimersByTimeAsync(0);
    expect(onBlocked.mock.calls).toEqual([[true]]);
    expect(player.playing).toBe('ring');

    player.unlock();
    await vi.advanceTimersByTimeAsync(0);
    expect(onBlocked.mock.calls).toEqual([[true], [false]]);
    expect(play).toHaveBeenCalledTimes(2);
    expect(toneEl()?.dataset.tone).toBe('ring');
  });

  it('autoplay blocked on the context: reported once it stays suspended, cleared when unlock() gets it running', async () => {
    FakeContext.initialState = 'suspended';
    FakeContext.resumeMode = 'hang';
    const onBlocked = vi.fn();
    const player = new TonePlayer({ onBlocked });
    player.play('callback', { sinkId: '', volume: 1, country: '' });
    await vi.advanceTimersByTimeAsync(100);
    expect(onBlocked).not.toHaveBeenCalled(); // give resume() its chance
    await vi.advanceTimersByTimeAsync(500);
    expect(onBlocked.mock.calls).toEqual([[true]]);

    // The clock stood still meanwhile: the first tone is still ahead, nothing was lost.
    const first = Math.min(...ctx().oscillators.map((o) => o.startAt ?? Infinity));
    expect(first).toBeGreaterThanOrEqual(ctx().currentTime);

    FakeContext.resumeMode = 'run';
    player.unlock();
    await vi.advanceTimersByTimeAsync(0);
    expect(onBlocked.mock.calls).toEqual([[true], [false]]);
    expect(ctx().state).toBe('running');
    expect(player.playing).toBe('callback');
  });

  it('stopping while blocked clears the report; a non-autoplay play() failure is not "blocked"', async () => {
    const onBlocked = vi.fn();
    const player = new TonePlayer({ onBlocked });
    play.mockImplementationOnce(() => Promise.reject(notAllowed()));
    player.play('ring', { sinkId: '', volume: 1, country: '' });
    await vi.advanceTimersByTimeAsync(0);
    player.stop();
    expect(onBlocked.mock.calls).toEqual([[true], [false]]);

    play.mockImplementationOnce(() => Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    player.play('ring', { sinkId: '', volume: 1, country: '' });
    await vi.advanceTimersByTimeAsync(0);
    expect(onBlocked).toHaveBeenCalledTimes(2);
    player.unlock(); // nothing blocked: harmless
    player.stop();
    expect(onBlocked).toHaveBeenCalledTimes(2);
  });
});
