/**
 * How the phone gets the user's attention for calls: the tones (ringtone, call waiting, ringback,
 * busy, failure), desktop notifications, and the missed-call badge (Electron's dock/taskbar and
 * window flash through the host; the page title in web mode). It follows the phone's snapshots;
 * the rules are in src/call-tones.ts.
 */
import type { TFunction } from 'i18next';
import { historyNumber } from '../../src/call-history';
import { endTone, END_TONE_MS, toneFor } from '../../src/call-tones';
import type { CallHistoryEntry, HostApi, Preferences } from '../../src/host-api';
import type { CallSnapshot } from '../../src/sip/phone';
import type { ToneKind } from '../../src/tones';
import { CallNotifier, titleWithBadge, type CallNotice, type NotificationPermissionState } from './notifications';
import { TonePlayer } from './tones';

export interface CallAlertsOptions {
  host: HostApi;
  t: TFunction;
  preferences(): Preferences | undefined;
  /** The country whose call-progress tones are used (the network's, else the home one). */
  country(): string;
  domain(): string;
  /** The name to show for a call (the address book's). */
  nameFor(call: CallSnapshot): string;
  answer(callId: string): void;
  decline(callId: string): void;
  /** A notification was clicked: show the calls. */
  open(): void;
  /** The browser blocks sound until the user acts in the page. */
  onSoundBlocked(blocked: boolean): void;
}

export class CallAlerts {
  private readonly tones: TonePlayer;
  private readonly notifier: CallNotifier;
  private calls: readonly CallSnapshot[] = [];
  private ended: { kind: ToneKind; until: number } | null = null;
  private endTimer: ReturnType<typeof setTimeout> | undefined;
  private missedCount = 0;
  private flashing = false;

  constructor(private readonly opts: CallAlertsOptions) {
    this.tones = new TonePlayer({ onBlocked: (b) => opts.onSoundBlocked(b) });
    this.notifier = new CallNotifier({
      texts: () => {
        const t = this.opts.t;
        return {
          incomingTitle: (n) => (n.possibleCallback ? t('notify.callbackTitle') : t('notify.incomingTitle')),
          incomingBody: (n) => (n.name && n.name !== n.number ? `${n.name} — ${n.number}` : n.number),
          missedTitle: (count) => t('notify.missedTitle', { count }),
          missedBody: (n) => {
            const who = n.name && n.name !== n.number ? `${n.name} (${n.number})` : n.number;
            return n.possibleCallback ? t('notify.missedCallback', { who }) : t('notify.missedBody', { who });
          },
          answer: t('call.answer'),
          decline: t('call.decline'),
        };
      },
      onAnswer: (id) => this.known(id) && opts.answer(id),
      onDecline: (id) => this.known(id) && opts.decline(id),
      onOpen: () => opts.open(),
    });
    // Any key or click may lift the browser's block on sound (autoplay policy).
    const unlock = (): void => this.tones.unlock();
    window.addEventListener('pointerdown', unlock, true);
    window.addEventListener('keydown', unlock, true);
  }

  private known(id: string): boolean {
    return this.calls.some((c) => c.id === id && c.state === 'ringing');
  }

  get notificationPermission(): NotificationPermissionState {
    return this.notifier.permission;
  }

  requestNotificationPermission(): Promise<NotificationPermissionState> {
    return this.notifier.requestPermission();
  }

  private notice(c: CallSnapshot): CallNotice {
    return { callId: c.id, name: this.opts.nameFor(c), number: historyNumber(c, this.opts.domain()), possibleCallback: Boolean(c.possibleCallback) };
  }

  /** Each phone snapshot: tones and notifications follow the calls. */
  follow(before: readonly CallSnapshot[], after: readonly CallSnapshot[]): void {
    this.calls = after;
    const ringing = (list: readonly CallSnapshot[]): CallSnapshot[] => list.filter((c) => c.direction === 'incoming' && c.state === 'ringing' && !c.referredBy);
    for (const c of ringing(after)) if (!ringing(before).some((b) => b.id === c.id)) this.notifier.incoming(this.notice(c));
    for (const c of ringing(before)) if (!ringing(after).some((a) => a.id === c.id)) this.notifier.dismiss(c.id);
    for (const c of after) {
      const was = before.find((b) => b.id === c.id);
      const tone = c.state === 'ended' && was && was.state !== 'ended' ? endTone(c) : null;
      if (tone) {
        this.ended = { kind: tone, until: Date.now() + END_TONE_MS };
        clearTimeout(this.endTimer);
        this.endTimer = setTimeout(() => this.refreshTone(), END_TONE_MS + 20);
      }
    }
    this.refreshTone();
    this.attention(ringing(after).length > 0);
  }

  /** Plays what the calls want now, or nothing; stops at once on answer, decline or cancel. */
  refreshTone(): void {
    const choice = toneFor(this.calls, this.ended, Date.now());
    if (!choice) {
      this.tones.stop();
      return;
    }
    const prefs = this.opts.preferences();
    const ringDevice = choice.device === 'ring';
    this.tones.play(choice.kind, {
      sinkId: (ringDevice ? prefs?.ringDeviceId : prefs?.audioOutputId) ?? '',
      // The ring volume is the user's; call-progress tones play at their own level.
      volume: ringDevice || choice.kind === 'waiting' ? (prefs?.ringVolume ?? 0.8) : 1,
      country: this.opts.country(),
    });
  }

  /** A test ring on the chosen device and volume (Settings). */
  testRing(): void {
    const prefs = this.opts.preferences();
    this.tones.play('ring', { sinkId: prefs?.ringDeviceId ?? '', volume: prefs?.ringVolume ?? 0.8, country: this.opts.country() });
    setTimeout(() => this.refreshTone(), 2500);
  }

  /** A call was missed: its notification, with the count of missed calls not seen yet. */
  missed(entry: CallHistoryEntry, unseen: number, possibleCallback: boolean): void {
    this.notifier.missed({ callId: entry.id, name: entry.name ?? '', number: entry.number, possibleCallback }, unseen);
  }

  /** The missed calls not seen yet: the badge (Electron), the page title (web mode). */
  setMissed(count: number): void {
    if (count === this.missedCount) return;
    this.missedCount = count;
    if (count === 0) this.notifier.clearMissed();
    document.title = titleWithBadge(document.title, count);
    void this.opts.host.setAttention({ missedCalls: count, flash: this.flashing }).catch(() => undefined);
  }

  private attention(flash: boolean): void {
    if (flash === this.flashing) return;
    this.flashing = flash;
    void this.opts.host.setAttention({ missedCalls: this.missedCount, flash }).catch(() => undefined);
  }
}
