/**
 * Events the host raises for the page (a link opened, a global shortcut, the tray, the computer
 * waking), numbered so that the page's long poll (`waitForHostEvents`) picks up each one once, in
 * both Electron and web mode. A short backlog is kept for a page that starts or reloads late.
 */
import type { HostEvent, HostEvents } from '../../src/host-api';

const BACKLOG = 32;

export class HostEventQueue {
  private version = 0;
  private events: Array<{ version: number; event: HostEvent; at: number }> = [];
  private waiters: Array<() => void> = [];

  constructor(private readonly maxAgeMs = 60_000) {}

  push(event: HostEvent): void {
    this.version++;
    this.events.push({ version: this.version, event, at: Date.now() });
    if (this.events.length > BACKLOG) this.events.splice(0, this.events.length - BACKLOG);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The events after `since` (a page's first call passes -1: the recent ones, such as the link it was opened for). */
  since(since: number): HostEvents {
    const now = Date.now();
    const fresh = this.events.filter((e) => e.version > since && now - e.at <= this.maxAgeMs);
    return { version: this.version, events: fresh.map((e) => e.event) };
  }

  /** Resolves once there is an event after `since`, or after `timeoutMs` with none. */
  wait(since: number, timeoutMs: number): Promise<HostEvents> {
    if (this.version > since) return Promise.resolve(this.since(since));
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(this.since(since));
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(this.since(since));
      }, timeoutMs);
      this.waiters.push(done);
    });
  }
}
