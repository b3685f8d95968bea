/**
 * Ring, notify, remember (issue 11): the ringtone the page really plays (its frequencies, read by an
 * AnalyserNode on the ringing element's stream), notifications as the service worker shows them
 * (the real Notification API, listed with getNotifications), call history with its missed-call
 * badge and redial, call waiting between two callers, and an emergency callback through
 * do-not-disturb with its own tone.
 */
import type { Page } from '@playwright/test';
import { dominantFrequencies, type ToneKind } from '../../src/tones';
import { FAR_END_EXTENSION } from '../gateway/harness';
import { expect, expectRegistered, openParty, test } from './fixtures';

test.use({ permissions: ['microphone', 'notifications'] });

/** The strongest frequencies the page's tone element carries over `ms`, most frequent first. */
async function toneFrequencies(page: Page, ms = 4500): Promise<number[]> {
  return page.evaluate(async (ms) => {
    const el = document.querySelector<HTMLAudioElement>('[data-tone]');
    if (!el?.srcObject) return [];
    const ac = new AudioContext();
    const an = ac.createAnalyser();
    an.fftSize = 8192;
    ac.createMediaStreamSource(el.srcObject as MediaStream).connect(an);
    const data = new Float32Array(an.frequencyBinCount);
    const hits = new Map<number, number>();
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 40));
      an.getFloatFrequencyData(data);
      let best = 1;
      for (let i = 2; i < data.length; i++) if ((data[i] as number) > (data[best] as number)) best = i;
      if ((data[best] as number) > -70) {
        const f = Math.round((best * ac.sampleRate) / an.fftSize);
        hits.set(f, (hits.get(f) ?? 0) + 1);
      }
    }
    await ac.close();
    return [...hits.entries()].sort((a, b) => b[1] - a[1]).map(([f]) => f);
  }, ms);
}

/** The tone heard is `kind`'s: its loudest frequency is one of the pattern's (within a bin or two). */
async function expectTone(page: Page, kind: ToneKind, country = 'FR'): Promise<void> {
  await expect(page.locator(`[data-tone="${kind}"]`)).toBeAttached();
  const heard = await toneFrequencies(page);
  expect(heard.length, `${kind}: no sound on the tone element`).toBeGreaterThan(0);
  const wanted = dominantFrequencies(kind, country);
  expect(wanted.some((f) => Math.abs(f - (heard[0] as number)) <= 12), `${kind}: heard ${heard.slice(0, 3).join(', ')} Hz, wanted ${wanted.join(', ')}`).toBe(true);
}

type Shown = { title: string; body: string; tag: string; actions: Array<{ action: string; title: string }> };
/** The notifications on screen, as the service worker's registration lists them. */
async function notifications(page: Page): Promise<Shown[]> {
  return page.evaluate(async () =>
    (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      actions: ((n as unknown as { actions?: Array<{ action: string; title: string }> }).actions ?? []).map((a) => ({ action: a.action, title: a.title })),
    })),
  );
}

test('the far end calls: the page rings on the ringing device, notifies with the caller, and both stop on answer', async ({ app, gateway }) => {
  await expectRegistered(app);
  const mark = gateway.farEnd.mark();
  await gateway.farEnd.command('dial', `sip:alice@127.0.0.1:${gateway.sipPort}`);
  await expect(app.getByTestId('incoming-call')).toBeVisible();
  await expectTone(app, 'ring');
  // The element plays (not paused) on the ringing device: the system default here (none chosen).
  expect(await app.locator('[data-tone]').evaluate((el: HTMLAudioElement & { sinkId?: string }) => ({ paused: el.paused, sinkId: el.sinkId ?? '' }))).toEqual({ paused: false, sinkId: '' });

  await expect.poll(() => notifications(app), { timeout: 10_000 }).toContainEqual(
    expect.objectContaining({
      title: 'Incoming call',
      body: expect.stringContaining(FAR_END_EXTENSION) as unknown as string,
      actions: [
        { action: 'answer', title: 'Answer' },
        { action: 'decline', title: 'Decline' },
      ],
    }),
  );

  await app.getByRole('button', { name: 'Answer' }).click();
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  // Stopped at once, and its notification closed.
  await expect(app.locator('[data-tone]')).toHaveCount(0, { timeout: 1000 });
  await expect.poll(() => notifications(app)).toEqual([]);
  await gateway.farEnd.command('hangup');
  await expect(app.getByTestId('call')).toHaveCount(0, { timeout: 10_000 });
});

test('the ringtone goes to the ringing device the user chose, apart from the call speaker, at the chosen volume', async ({ app, gateway }) => {
  await expectRegistered(app);
  const outputs = await app.evaluate(async () => (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audiooutput' && d.deviceId !== 'default').map((d) => d.deviceId));
  test.skip(outputs.length === 0, 'no audio output device to choose in this browser');
  await app.getByRole('button', { name: 'Settings' }).click();
  await app.locator('#pref-ring').selectOption(outputs[0] as string);
  await app.getByRole('button', { name: 'Dialer' }).click();
  await gateway.farEnd.command('dial', `sip:alice@127.0.0.1:${gateway.sipPort}`);
  await expect(app.locator('[data-tone="ring"]')).toBeAttached();
  await expect.poll(() => app.locator('[data-tone]').evaluate((el: HTMLAudioElement & { sinkId?: string }) => el.sinkId)).toBe(outputs[0]);
  await app.getByRole('button', { name: 'Decline' }).click();
  await expect(app.locator('[data-tone]')).toHaveCount(0, { timeout: 1000 });
});

test('a missed call: notified, counted on History until opened, listed, and redialled from History to the far end', async ({ app, gateway }) => {
  await expectRegistered(app);
  await gateway.farEnd.command('dial', `sip:alice@127.0.0.1:${gateway.sipPort}`);
  await expect(app.getByTestId('incoming-call')).toBeVisible();
  await gateway.farEnd.command('hangup');
  await expect(app.getByTestId('incoming-call')).toHaveCount(0, { timeout: 10_000 });
  await expect(app.locator('[data-tone]')).toHaveCount(0, { timeout: 2000 });

  const badge = app.getByTestId('missed-badge');
  await expect(badge).toHaveText('1');
  await expect(app.getByRole('button', { name: 'History, 1 missed call' })).toBeVisible();
  await expect.poll(() => app.title()).toMatch(/^\(1\) /);
  await expect.poll(() => notifications(app)).toContainEqual(expect.objectContaining({ tag: 'missed', title: 'Missed call' }));

  await app.getByRole('button', { name: /^History/ }).click();
  await expect(badge).toHaveCount(0);
  await expect.poll(() => app.title()).not.toMatch(/^\(/);
  const entry = app.getByTestId('history-entry').first();
  await expect(entry).toHaveAttribute('data-outcome', 'missed');
  await expect(entry).toHaveAttribute('data-number', FAR_END_EXTENSION);
  await expect(entry).toContainText('Missed');

  const mark = gateway.farEnd.mark();
  await entry.getByRole('button', { name: `Call ${FAR_END_EXTENSION}` }).click();
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  // The call established is the redial.
  const redialled = app.locator('[data-testid="call"][data-call-state="established"]');
  await expect(redialled).toBeVisible();
  await redialled.getByRole('button', { name: 'Hang up' }).click();
  await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  // The redial is in the history too, newest first; the history survives a reload (the host keeps it).
  await app.getByRole('button', { name: /^History/ }).click();
  await expect(app.getByTestId('history-entry').first()).toHaveAttribute('data-direction', 'outgoing');
  await app.reload();
  await app.getByRole('button', { name: /^History/ }).click();
  await expect(app.getByTestId('history-entry')).toHaveCount(2);
});

test('an emergency number redialled from History takes the emergency path, and its entry links to the call record', async ({ app, gateway }) => {
  await expectRegistered(app);
  await app.getByLabel('Number or SIP address').fill('112');
  const mark = gateway.farEnd.mark();
  await app.getByTestId('emergency-call-button').click();
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
  await app.getByRole('button', { name: 'Yes, hang up' }).click();
  await expect(app.getByTestId('call')).toHaveCount(0, { timeout: 10_000 });

  await app.getByRole('button', { name: /^History/ }).click();
  const entry = app.getByTestId('history-entry').first();
  await expect(entry).toHaveAttribute('data-kind', 'emergency');
  await entry.getByRole('button', { name: 'Call record' }).click();
  await expect(app.locator('[data-testid="call-record-entry"]:focus')).toContainText('112');

  await app.getByRole('button', { name: /^History/ }).click();
  const again = gateway.farEnd.mark();
  await app.getByTestId('history-entry').first().getByRole('button', { name: 'Call 112' }).click();
  // The same emergency call screen and the same emergency INVITE (with its location) as typed.
  await expect(app.getByTestId('call')).toHaveAttribute('data-emergency', 'true');
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, again);
  await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
  await app.getByRole('button', { name: 'Yes, hang up' }).click();
  await app.getByRole('button', { name: /^History/ }).click();
  await expect(app.locator('[data-testid="history-entry"][data-kind="emergency"]')).toHaveCount(2);
});

test('with do-not-disturb on, a possible emergency callback still rings, with its own tone, and its notification says so', async ({ app, gateway }) => {
  await expectRegistered(app);
  await app.getByRole('button', { name: 'Do not disturb' }).click();
  await expect(app.getByRole('button', { name: 'Do not disturb' })).toHaveAttribute('aria-pressed', 'true');
  // An ordinary call is turned away, and kept in History as missed (do not disturb).
  await gateway.farEnd.command('dial', `sip:alice@127.0.0.1:${gateway.sipPort}`);
  await expect.poll(() => app.getByTestId('missed-badge').textContent().catch(() => null), { timeout: 10_000 }).toBe('1');
  await expect(app.getByTestId('incoming-call')).toHaveCount(0);

  // Emergency services call back (Priority: psap-callback).
  await gateway.farEnd.command('dial', `sip:callback-alice@127.0.0.1:${gateway.sipPort}`);
  await expect(app.getByTestId('incoming-call')).toHaveAttribute('data-callback', 'true');
  await expectTone(app, 'callback');
  await expect.poll(() => notifications(app), { timeout: 10_000 }).toContainEqual(expect.objectContaining({ title: 'Possible callback from emergency services' }));
  await app.getByRole('button', { name: 'Answer' }).click();
  await expect(app.locator('[data-tone]')).toHaveCount(0, { timeout: 1000 });
  await gateway.farEnd.command('hangup');
});

test('call waiting: bob calls during a call with the far end; answering holds the far end, switching swaps them, audio flows on the active call only', async ({ app, gateway, browser }) => {
  await expectRegistered(app);
  const party = await openParty(browser, gateway, 'bob');
  try {
    const bob = party.page;

    const mark = gateway.farEnd.mark();
    await app.getByLabel('Number or SIP address').fill(FAR_END_EXTENSION);
    await app.getByRole('button', { name: 'Call', exact: true }).click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);

    await bob.getByLabel('Number or SIP address').fill('alice');
    await bob.getByRole('button', { name: 'Call', exact: true }).click();
    const waiting = app.getByTestId('incoming-call');
    await expect(waiting).toBeVisible();
    await expect(waiting.getByTestId('call-waiting')).toContainText(`Answering puts ${FAR_END_EXTENSION} on hold`);
    // A soft beep on the call's speaker, not the ringtone.
    await expect(app.locator('[data-tone="waiting"]')).toBeAttached();
    await waiting.getByRole('button', { name: 'Answer' }).click();

    const farCall = app.getByTestId('call').filter({ has: app.getByRole('heading', { name: FAR_END_EXTENSION }) });
    const bobCall = app.getByTestId('call').filter({ has: app.getByRole('heading', { name: 'bob' }) });
    await expect(bobCall).toHaveAttribute('data-call-state', 'established', { timeout: 15_000 });
    await expect(farCall).toContainText('On hold');
    await expect(app.locator('[data-tone]')).toHaveCount(0);

    const received = async (call: typeof farCall): Promise<number> => Number(await call.getByTestId('audio-stats').getAttribute('data-packets-received'));
    /** Packets that came in on each call over 1.5 s. */
    const flow = async (): Promise<{ far: number; bob: number }> => {
      const f0 = await received(farCall);
      const b0 = await received(bobCall);
      await app.waitForTimeout(1500);
      return { far: (await received(farCall)) - f0, bob: (await received(bobCall)) - b0 };
    };
    await expect.poll(async () => (await flow()).bob, { timeout: 15_000 }).toBeGreaterThan(30);
    expect((await flow()).far).toBeLessThan(5);

    // Switch back: the far end resumes, bob is held.
    await farCall.getByRole('button', { name: 'Resume' }).click();
    await expect(bobCall).toContainText('On hold', { timeout: 10_000 });
    await expect.poll(async () => (await flow()).far, { timeout: 15_000 }).toBeGreaterThan(30);
    expect((await flow()).bob).toBeLessThan(5);

    // Hang up either: bob's call ends, the far end's goes on.
    await bobCall.getByRole('button', { name: 'Hang up' }).click();
    await expect(bobCall).toHaveCount(0, { timeout: 10_000 });
    await expect(farCall).toHaveAttribute('data-call-state', 'established');
    await farCall.getByRole('button', { name: 'Hang up' }).click();
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  } finally {
    await party.close();
  }
});
