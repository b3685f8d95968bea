// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import {
  browserEnvironment,
  CallNotifier,
  parseNotificationClick,
  titleWithBadge,
  type CallNotice,
  type CallNotificationOptions,
  type NotificationApiLike,
  type NotifierEnvironment,
  type NotifierTexts,
  type PageNotificationLike,
  type RegistrationLike,
  type ServiceWorkerContainerLike,
} from '../../renderer/src/notifications';

const texts: NotifierTexts = {
  incomingTitle: (n) => (n.possibleCallback ? `Possible emergency callback: ${n.name || n.number}` : `Incoming call: ${n.name || n.number}`),
  incomingBody: (n) => (n.name ? `${n.name} (${n.number})` : n.number),
  missedTitle: (count) => (count === 1 ? '1 missed call' : `${count} missed calls`),
  missedBody: (n) => `Last: ${n.name || n.number}`,
  answer: 'Answer',
  decline: 'Decline',
};

const alice: CallNotice = { callId: 'c1', name: 'Alice', number: '+33123456789', possibleCallback: false };
const psap: CallNotice = { callId: 'c2', name: '', number: '112', possibleCallback: true };

/** Settles the notifier's queue (each step awaits a few promises). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Shown notifications, like a browser: one per tag, a new one replaces the old. */
class FakeRegistration implements RegistrationLike {
  shown: Array<{ title: string; options: CallNotificationOptions }> = [];
  async showNotification(title: string, options: CallNotificationOptions): Promise<void> {
    this.shown = [...this.shown.filter((n) => n.options.tag !== options.tag), { title, options }];
  }
  async getNotifications(filter?: { tag?: string }) {
    return this.shown
      .filter((n) => filter?.tag === undefined || n.options.tag === filter.tag)
      .map((n) => ({ tag: n.options.tag, close: () => (this.shown = this.shown.filter((m) => m !== n)) }));
  }
}

class FakeContainer implements ServiceWorkerContainerLike {
  registered: Array<{ url: string; scope: string }> = [];
  private listeners: Array<(e: { data: unknown }) => void> = [];
  constructor(
    readonly registration: FakeRegistration,
    private readonly fails = false,
  ) {}
  get ready(): Promise<RegistrationLike> {
    return Promise.resolve(this.registration);
  }
  async register(url: string, options: { scope: string }): Promise<unknown> {
    if (this.fails) throw new Error('SecurityError');
    this.registered.push({ url, scope: options.scope });
    return {};
  }
  addEventListener(_type: 'message', listener: (e: { data: unknown }) => void): void {
    this.listeners.push(listener);
  }
  post(data: unknown): void {
    for (const l of this.listeners) l({ data });
  }
}

function fakeNotificationApi(initial: NotificationPermission, answer: NotificationPermission = 'granted') {
  const created: Array<{ title: string; options: CallNotificationOptions; closed: boolean; notification: PageNotificationLike }> = [];
  const requestPermission = vi.fn(async () => {
    Api.permission = answer;
    return answer;
  });
  class Api {
    static permission: NotificationPermission = initial;
    static requestPermission = requestPermission;
    onclick: ((event: Event) => void) | null = null;
    constructor(title: string, options: CallNotificationOptions) {
      created.push({ title, options, closed: false, notification: this });
    }
    close(): void {
      const entry = created.find((c) => c.notification === this);
      if (entry) entry.closed = true;
    }
  }
  return { Api: Api as NotificationApiLike & { permission: NotificationPermission }, created, requestPermission };
}

function setup(opts: { permission?: NotificationPermission; serviceWorker?: 'yes' | 'no' | 'fails'; notifications?: boolean; registration?: FakeRegistration } = {}) {
  const registration = opts.registration ?? new FakeRegistration();
  const container = opts.serviceWorker === 'no' ? null : new FakeContainer(registration, opts.serviceWorker === 'fails');
  const api = fakeNotificationApi(opts.permission ?? 'granted');
  const focus = vi.fn();
  const environment: NotifierEnvironment = { serviceWorker: container, Notification: opts.notifications === false ? null : api.Api, focus };
  const onAnswer = vi.fn();
  const onDecline = vi.fn();
  const onOpen = vi.fn();
  const notifier = new CallNotifier({ texts: () => texts, onAnswer, onDecline, onOpen, environment });
  return { notifier, registration, container, api, focus, onAnswer, onDecline, onOpen };
}

describe('CallNotifier: permission', () => {
  it('is unsupported without a Notification API, and then shows nothing', async () => {
    const { notifier, registration, container } = setup({ notifications: false });
    expect(notifier.permission).toBe('unsupported');
    expect(await notifier.requestPermission()).toBe('unsupported');
    notifier.incoming(alice);
    await settle();
    expect(registration.shown).toEqual([]);
    // Nothing to show them with: the worker is not even registered.
    expect(container?.registered).toEqual([]);
  });

  it('asks only when asked to, and only while undecided', async () => {
    const { notifier, api } = setup({ permission: 'default' });
    expect(api.requestPermission).not.toHaveBeenCalled();
    expect(notifier.permission).toBe('default');
    expect(await notifier.requestPermission()).toBe('granted');
    expect(notifier.permission).toBe('granted');
    expect(await notifier.requestPermission()).toBe('granted');
    expect(api.requestPermission).toHaveBeenCalledTimes(1);

    const denied = setup({ permission: 'denied' });
    expect(await denied.notifier.requestPermission()).toBe('denied');
    expect(denied.api.requestPermission).not.toHaveBeenCalled();
  });

  it('shows nothing until granted', async () => {
    const { notifier, registration } = setup({ permission: 'default' });
    notifier.incoming(alice);
    notifier.missed(alice, 1);
    await settle();
    expect(registration.shown).toEqual([]);
  });
});

describe('CallNotifier: through the service worker', () => {
  it('registers ./notify-sw.js for the page', () => {
    const { container } = setup();
    expect(container?.registered).toEqual([{ url: './notify-sw.js', scope: './' }]);
  });

  it('closes the ringing notifications a page before this one left (reloaded, crashed), not the missed calls', async () => {
    const registration = new FakeRegistration();
    await registration.showNotification('Incoming call: Alice', { body: '', tag: 'call-old', requireInteraction: true, data: { callId: 'old' } });
    await registration.showNotification('1 missed call', { body: '', tag: 'missed', requireInteraction: false, data: { callId: 'm' } });
    setup({ registration });
    await settle();
    expect(registration.shown.map((n) => n.options.tag)).toEqual(['missed']);
  });

  it('shows an incoming call with name, number, Answer and Decline, until dealt with', async () => {
    const { notifier, registration } = setup();
    notifier.incoming(alice);
    await settle();
    expect(registration.shown).toEqual([
      {
        title: 'Incoming call: Alice',
        options: {
          body: 'Alice (+33123456789)',
          tag: 'call-c1',
          requireInteraction: true,
          data: { callId: 'c1' },
          actions: [
            { action: 'answer', title: 'Answer' },
            { action: 'decline', title: 'Decline' },
          ],
        },
      },
    ]);
  });

  it('says when the call may be an emergency callback', async () => {
    const { notifier, registration } = setup();
    notifier.incoming(psap);
    await settle();
    expect(registration.shown[0]?.title).toBe('Possible emergency callback: 112');
  });

  it("dismiss closes that call's notification only, even one not shown yet", async () => {
    const { notifier, registration } = setup();
    notifier.incoming(alice);
    notifier.incoming(psap);
    await settle();
    notifier.dismiss('c1');
    await settle();
    expect(registration.shown.map((n) => n.options.tag)).toEqual(['call-c2']);
    // Dismissed before the worker showed it: it never stays behind.
    notifier.incoming({ ...alice, callId: 'c3' });
    notifier.dismiss('c3');
    await settle();
    expect(registration.shown.map((n) => n.options.tag)).toEqual(['call-c2']);
  });

  it('a missed call replaces its ringing notification with one missed-calls notification', async () => {
    const { notifier, registration } = setup();
    notifier.incoming(alice);
    notifier.missed(alice, 1);
    await settle();
    expect(registration.shown).toEqual([
      { title: '1 missed call', options: { body: 'Last: Alice', tag: 'missed', requireInteraction: false, renotify: true, data: { callId: 'c1' } } },
    ]);
    notifier.missed(psap, 2);
    await settle();
    expect(registration.shown.map((n) => [n.title, n.options.body])).toEqual([['2 missed calls', 'Last: 112']]);
    notifier.clearMissed();
    await settle();
    expect(registration.shown).toEqual([]);
  });

  it("uses the texts of the moment (the language may change)", async () => {
    let current = texts;
    const registration = new FakeRegistration();
    const notifier = new CallNotifier({
      texts: () => current,
      onAnswer: () => {},
      onDecline: () => {},
      onOpen: () => {},
      environment: { serviceWorker: new FakeContainer(registration), Notification: fakeNotificationApi('granted').Api, focus: () => {} },
    });
    current = { ...texts, incomingTitle: () => 'Appel entrant', answer: 'Répondre', decline: 'Refuser' };
    notifier.incoming(alice);
    await settle();
    expect(registration.shown[0]?.title).toBe('Appel entrant');
    expect(registration.shown[0]?.options.actions?.map((a) => a.title)).toEqual(['Répondre', 'Refuser']);
  });

  it("passes the worker's clicks on: Answer and a plain click bring the window forward, Decline does not", () => {
    const { container, focus, onAnswer, onDecline, onOpen } = setup();
    container?.post({ type: 'notification', action: 'answer', callId: 'c1' });
    expect(onAnswer).toHaveBeenCalledWith('c1');
    expect(focus).toHaveBeenCalledTimes(1);
    container?.post({ type: 'notification', action: 'decline', callId: 'c1' });
    expect(onDecline).toHaveBeenCalledWith('c1');
    expect(focus).toHaveBeenCalledTimes(1);
    container?.post({ type: 'notification', action: 'open', callId: 'c1' });
    container?.post({ type: 'notification', action: 'open' });
    expect(onOpen.mock.calls).toEqual([['c1'], [null]]);
    expect(focus).toHaveBeenCalledTimes(3);
    // Anything else is not ours.
    for (const junk of [null, 'x', { type: 'other' }, { type: 'notification', action: 'hangup' }, { type: 'notification', action: 'answer', callId: 1 }]) container?.post(junk);
    expect(onAnswer).toHaveBeenCalledTimes(1);
    expect(onDecline).toHaveBeenCalledTimes(1);
    expect(onOpen).toHaveBeenCalledTimes(2);
  });
});

describe('CallNotifier: without a service worker (Electron, file://)', () => {
  it('shows page notifications without actions; a click focuses and opens', async () => {
    const { notifier, api, focus, onOpen } = setup({ serviceWorker: 'no' });
    notifier.incoming(alice);
    await settle();
    expect(api.created).toHaveLength(1);
    const [shown] = api.created;
    expect(shown?.title).toBe('Incoming call: Alice');
    expect(shown?.options).toEqual({ body: 'Alice (+33123456789)', tag: 'call-c1', requireInteraction: true, data: { callId: 'c1' } });
    shown?.notification.onclick?.(new Event('click'));
    expect(shown?.closed).toBe(true);
    expect(focus).toHaveBeenCalledTimes(1);
    expect(onOpen).toHaveBeenCalledWith('c1');
  });

  it('dismiss and a missed call close the page notification', async () => {
    const { notifier, api } = setup({ serviceWorker: 'no' });
    notifier.incoming(alice);
    await settle();
    notifier.dismiss('c1');
    await settle();
    expect(api.created.map((c) => c.closed)).toEqual([true]);
    notifier.incoming(psap);
    notifier.missed(psap, 1);
    await settle();
    expect(api.created.map((c) => [c.options.tag, c.closed])).toEqual([
      ['call-c1', true],
      ['call-c2', true],
      ['missed', false],
    ]);
    expect(api.created[2]?.options).toMatchObject({ renotify: true, body: 'Last: 112' });
  });

  it('falls back to page notifications when the worker cannot be registered', async () => {
    const { notifier, api, registration } = setup({ serviceWorker: 'fails' });
    notifier.incoming(alice);
    await settle();
    expect(registration.shown).toEqual([]);
    expect(api.created.map((c) => c.options.tag)).toEqual(['call-c1']);
  });
});

describe('browserEnvironment', () => {
  it('jsdom has neither notifications nor service workers', () => {
    const env = browserEnvironment();
    expect(env.Notification).toBeNull();
    expect(env.serviceWorker).toBeNull();
    expect(new CallNotifier({ texts: () => texts, onAnswer() {}, onDecline() {}, onOpen() {} }).permission).toBe('unsupported');
  });
});

describe('titleWithBadge', () => {
  it('puts the missed count in front, once; none at 0', () => {
    expect(titleWithBadge('Secours Softphone', 0)).toBe('Secours Softphone');
    expect(titleWithBadge('Secours Softphone', 3)).toBe('(3) Secours Softphone');
    expect(titleWithBadge('(3) Secours Softphone', 4)).toBe('(4) Secours Softphone');
    expect(titleWithBadge('(4) Secours Softphone', 0)).toBe('Secours Softphone');
  });
});

describe('parseNotificationClick', () => {
  it('keeps our messages only', () => {
    expect(parseNotificationClick({ type: 'notification', action: 'answer', callId: 'c1' })).toEqual({ type: 'notification', action: 'answer', callId: 'c1' });
    expect(parseNotificationClick({ type: 'notification', action: 'open' })).toEqual({ type: 'notification', action: 'open' });
    expect(parseNotificationClick({ type: 'notification', action: 'open', callId: null })).toBeNull();
    expect(parseNotificationClick(undefined)).toBeNull();
  });
});

describe('notify-sw.js', () => {
  const source = readFileSync(resolve(__dirname, '../../renderer/public/notify-sw.js'), 'utf8');

  function worker(windows: Array<{ focused: boolean; visibilityState: string }>) {
    const handlers = new Map<string, (event: unknown) => void>();
    const clients = windows.map((w) => ({ ...w, focus: vi.fn(async () => undefined), postMessage: vi.fn() }));
    const matchAll = vi.fn(async () => clients);
    const self = {
      addEventListener: (type: string, h: (event: unknown) => void) => handlers.set(type, h),
      skipWaiting: vi.fn(async () => undefined),
      clients: { claim: vi.fn(async () => undefined), matchAll },
    };
    runInNewContext(source, { self });
    async function click(action: string, data: unknown) {
      const close = vi.fn();
      let done: Promise<unknown> = Promise.resolve();
      handlers.get('notificationclick')?.({ action, notification: { close, data }, waitUntil: (p: Promise<unknown>) => (done = p) });
      await done;
      return close;
    }
    return { handlers, self, clients, matchAll, click };
  }

  it('takes over at once and has no fetch handler (caches nothing)', () => {
    const { handlers, self } = worker([]);
    expect([...handlers.keys()].sort()).toEqual(['activate', 'install', 'notificationclick']);
    handlers.get('install')?.({});
    expect(self.skipWaiting).toHaveBeenCalled();
    handlers.get('activate')?.({ waitUntil: () => {} });
    expect(self.clients.claim).toHaveBeenCalled();
  });

  it("on a click: closes the notification, focuses the app's window and tells it what was clicked", async () => {
    const { clients, matchAll, click } = worker([
      { focused: false, visibilityState: 'hidden' },
      { focused: false, visibilityState: 'visible' },
    ]);
    const close = await click('answer', { callId: 'c1' });
    expect(close).toHaveBeenCalled();
    expect(matchAll).toHaveBeenCalledWith({ type: 'window', includeUncontrolled: true });
    expect(clients[1]?.focus).toHaveBeenCalled();
    expect(clients[1]?.postMessage).toHaveBeenCalledWith({ type: 'notification', action: 'answer', callId: 'c1' });
    expect(clients[0]?.postMessage).not.toHaveBeenCalled();

    await click('', { callId: 'c2' });
    expect(clients[1]?.postMessage).toHaveBeenLastCalledWith({ type: 'notification', action: 'open', callId: 'c2' });
    await click('decline', { callId: 'c3' });
    expect(clients[1]?.postMessage).toHaveBeenLastCalledWith({ type: 'notification', action: 'decline', callId: 'c3' });
    expect(clients[1]?.focus).toHaveBeenCalledTimes(2);
    await click('', null);
    expect(clients[1]?.postMessage).toHaveBeenLastCalledWith({ type: 'notification', action: 'open', callId: undefined });
  });
});
