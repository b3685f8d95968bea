/**
 * Desktop notifications for calls: an incoming call (Answer / Decline where the platform has
 * notification actions), and missed calls. Web mode shows them through a service worker
 * (renderer/public/notify-sw.js): persistent notifications, with actions, that the worker reports
 * back when clicked. Electron loads the page from file://, where there are no service workers: there
 * the plain `new Notification()` is used (no actions; a click brings the window forward).
 *
 * Nothing here asks for permission by itself: `requestPermission()` is for a user action.
 */

export type NotificationPermissionState = 'granted' | 'denied' | 'default' | 'unsupported';

export interface CallNotice {
  callId: string;
  /** The caller's display name ('' when there is none). */
  name: string;
  number: string;
  /** The call may be an emergency service calling back: the texts must say so. */
  possibleCallback: boolean;
}

export interface NotifierTexts {
  incomingTitle(n: CallNotice): string;
  incomingBody(n: CallNotice): string;
  missedTitle(count: number): string;
  missedBody(n: CallNotice): string;
  answer: string;
  decline: string;
}

/** What a click on a notification asked for, as the service worker posts it to the page. */
export interface NotificationClick {
  type: 'notification';
  action: 'answer' | 'decline' | 'open';
  callId?: string;
}

/** The options this module passes (lib.dom leaves `actions` out: only Chromium has them). */
export interface CallNotificationOptions {
  body: string;
  tag: string;
  requireInteraction: boolean;
  renotify?: boolean;
  data: { callId: string | null };
  actions?: Array<{ action: string; title: string }>;
}

/** What this module needs of a ServiceWorkerRegistration. */
export interface RegistrationLike {
  showNotification(title: string, options: CallNotificationOptions): Promise<void>;
  getNotifications(filter?: { tag?: string }): Promise<Array<{ readonly tag: string; close(): void }>>;
}

/** What this module needs of `navigator.serviceWorker`. */
export interface ServiceWorkerContainerLike {
  register(url: string, options: { scope: string }): Promise<unknown>;
  /** Resolves once a worker is active for this page (showNotification needs one). */
  readonly ready: Promise<RegistrationLike>;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  startMessages?(): void;
}

/** A notification shown with `new Notification()`. */
export interface PageNotificationLike {
  onclick: ((event: Event) => void) | null;
  close(): void;
}

/** What this module needs of the `Notification` global. */
export interface NotificationApiLike {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (title: string, options: CallNotificationOptions): PageNotificationLike;
}

/** The page's side of notifications; `browserEnvironment()` is the real one, tests bring fakes. */
export interface NotifierEnvironment {
  /** Null where there are no service workers (file://, Electron): then the page shows notifications itself. */
  serviceWorker: ServiceWorkerContainerLike | null;
  /** Null where the platform has no notifications at all. */
  Notification: NotificationApiLike | null;
  /** Brings the app's window forward. */
  focus(): void;
}

export const SERVICE_WORKER_URL = './notify-sw.js';
/** How long the worker may take to activate before the page shows notifications itself. */
const ACTIVATION_TIMEOUT_MS = 10_000;
export const MISSED_TAG = 'missed';
export const callTag = (callId: string): string => `call-${callId}`;

/** The real environment: service workers only for a page served over http(s). */
export function browserEnvironment(): NotifierEnvironment {
  const served = location.protocol === 'http:' || location.protocol === 'https:';
  const container = served && 'serviceWorker' in navigator ? navigator.serviceWorker : null;
  return {
    serviceWorker: container as unknown as ServiceWorkerContainerLike | null,
    Notification: typeof Notification === 'function' ? (Notification as unknown as NotificationApiLike) : null,
    focus: () => window.focus(),
  };
}

/** The page title with the count of missed calls in front ("(2) Secours Softphone"); none when 0. */
export function titleWithBadge(title: string, missed: number): string {
  const bare = title.replace(/^\(\d+\) /, '');
  return missed > 0 ? `(${missed}) ${bare}` : bare;
}

/** A message from our service worker, or null for anything else. */
export function parseNotificationClick(data: unknown): NotificationClick | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (d.type !== 'notification' || (d.action !== 'answer' && d.action !== 'decline' && d.action !== 'open')) return null;
  if (d.callId !== undefined && typeof d.callId !== 'string') return null;
  return d.callId === undefined ? { type: 'notification', action: d.action } : { type: 'notification', action: d.action, callId: d.callId };
}

export interface CallNotifierOptions {
  /** Read at each notification, so the current language is used. */
  texts: () => NotifierTexts;
  /** Answer was clicked on the call's notification (the window has been brought forward). */
  onAnswer(callId: string): void;
  /** Decline was clicked on the call's notification (the window is left where it is). */
  onDecline(callId: string): void;
  /** The notification itself was clicked (the window has been brought forward); null when it named no call. */
  onOpen(callId: string | null): void;
  /** Tests only; the browser's otherwise. */
  environment?: NotifierEnvironment;
}

export class CallNotifier {
  private readonly env: NotifierEnvironment;
  /** The service worker's registration once active; null when there is none (then the page shows them). */
  private readonly registration: Promise<RegistrationLike | null>;
  /** Notifications the page showed itself, by tag (to close them). */
  private readonly shown = new Map<string, PageNotificationLike>();
  /** Shows and closes, one after another: a call dismissed at once never leaves its notification behind. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: CallNotifierOptions) {
    this.env = opts.environment ?? browserEnvironment();
    const container = this.env.serviceWorker;
    if (container && this.env.Notification) {
      container.addEventListener('message', (event) => this.clicked(parseNotificationClick(event.data)));
      container.startMessages?.();
      // A worker that never activates (failed install) must not hold notifications back for good.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ACTIVATION_TIMEOUT_MS)));
      const activated = container.register(SERVICE_WORKER_URL, { scope: './' }).then(() => container.ready);
      this.registration = Promise.race([activated, late])
        .catch(() => null)
        .finally(() => clearTimeout(timer));
      // A page just loaded has no calls: a ringing notification left by the one before (reloaded, crashed) goes.
      this.enqueue(async () => {
        const registration = await this.registration;
        if (registration) for (const n of await registration.getNotifications()) if (n.tag.startsWith(callTag(''))) n.close();
      });
    } else {
      this.registration = Promise.resolve(null);
    }
  }

  get permission(): NotificationPermissionState {
    return this.env.Notification ? this.env.Notification.permission : 'unsupported';
  }

  /** Asks the user (once: later calls answer at once). Call it from a user action, never at start. */
  async requestPermission(): Promise<NotificationPermissionState> {
    const api = this.env.Notification;
    if (!api) return 'unsupported';
    if (api.permission !== 'default') return api.permission;
    try {
      return await api.requestPermission();
    } catch {
      return api.permission;
    }
  }

  /** An incoming call: stays until answered, declined or dismissed. */
  incoming(n: CallNotice): void {
    if (this.permission !== 'granted') return;
    const t = this.opts.texts();
    this.show(t.incomingTitle(n), {
      body: t.incomingBody(n),
      tag: callTag(n.callId),
      requireInteraction: true,
      data: { callId: n.callId },
      actions: [
        { action: 'answer', title: t.answer },
        { action: 'decline', title: t.decline },
      ],
    });
  }

  /** Closes the call's notification (answered, declined, ended, or answered elsewhere). */
  dismiss(callId: string): void {
    this.close(callTag(callId));
  }

  /** A call was missed: its ringing notification goes, one "missed calls" notification says so (again). */
  missed(n: CallNotice, count: number): void {
    this.dismiss(n.callId);
    if (this.permission !== 'granted') return;
    const t = this.opts.texts();
    this.show(t.missedTitle(count), {
      body: t.missedBody(n),
      tag: MISSED_TAG,
      requireInteraction: false,
      renotify: true,
      data: { callId: n.callId },
    });
  }

  /** The missed calls were seen (the history was opened): their notification goes. */
  clearMissed(): void {
    this.close(MISSED_TAG);
  }

  private show(title: string, options: CallNotificationOptions): void {
    this.enqueue(async () => {
      const registration = await this.registration;
      if (registration) {
        await registration.showNotification(title, options);
        return;
      }
      const api = this.env.Notification;
      if (!api) return;
      // Page notifications have no actions (Chromium refuses them outright).
      const { actions: _actions, ...plain } = options;
      this.shown.get(options.tag)?.close();
      const notification = new api(title, plain);
      this.shown.set(options.tag, notification);
      notification.onclick = () => {
        notification.close();
        if (this.shown.get(options.tag) === notification) this.shown.delete(options.tag);
        this.clicked({ type: 'notification', action: 'open', ...(options.data.callId === null ? {} : { callId: options.data.callId }) });
      };
    });
  }

  private close(tag: string): void {
    this.enqueue(async () => {
      const page = this.shown.get(tag);
      if (page) {
        this.shown.delete(tag);
        page.close();
      }
      const registration = await this.registration;
      if (registration) for (const n of await registration.getNotifications({ tag })) n.close();
    });
  }

  private enqueue(step: () => Promise<void>): void {
    // A failed step (permission revoked meanwhile, …) does not stop the ones after it.
    this.queue = this.queue.then(step).catch(() => undefined);
  }

  private clicked(click: NotificationClick | null): void {
    if (!click) return;
    if (click.action !== 'decline') this.env.focus();
    if (click.action === 'answer' && click.callId !== undefined) this.opts.onAnswer(click.callId);
    else if (click.action === 'decline' && click.callId !== undefined) this.opts.onDecline(click.callId);
    else this.opts.onOpen(click.callId ?? null);
  }
}
