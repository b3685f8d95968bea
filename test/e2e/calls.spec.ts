import { existsSync, statSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { FAR_END_EXTENSION } from '../gateway/harness';
import { accountFor, expect, expectAudioBothWays, expectHearing, expectRegistered, test, wavRms } from './fixtures';

test('registers with the gateway', async ({ app }) => {
  await expectRegistered(app);
  await expect(app.getByTestId('registration')).toContainText('Registered');
});

test('calls the far end, audio flows both ways, then hangs up', async ({ app, gateway }) => {
  await expectRegistered(app);
  const mark = gateway.farEnd.mark();
  const recording = gateway.recordingMark();
  await app.getByLabel('Number or SIP address').fill(FAR_END_EXTENSION);
  await app.getByRole('button', { name: 'Call', exact: true }).click();
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  const call = app.getByTestId('call');
  await expect(call).toHaveAttribute('data-call-state', 'established');
  await expectAudioBothWays(app);
  await expectHearing(app);

  await app.getByRole('button', { name: 'Hang up' }).click();
  await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  await expect(call).toHaveCount(0, { timeout: 5_000 });

  // What the far end heard is the browser's fake microphone tone, not silence.
  const wav = gateway.recordingSince(recording);
  expect(existsSync(wav) && statSync(wav).size).toBeGreaterThan(10_000);
  expect(wavRms(wav)).toBeGreaterThan(0.01);
});

test('mute, hold, resume and DTMF during a call', async ({ app, gateway }) => {
  await expectRegistered(app);
  const mark = gateway.farEnd.mark();
  await app.getByLabel('Number or SIP address').fill(FAR_END_EXTENSION);
  await app.getByRole('button', { name: 'Call', exact: true }).click();
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  await expectAudioBothWays(app, 5);

  await app.getByRole('button', { name: 'Mute' }).click();
  await expect(app.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
  await app.getByRole('button', { name: 'Unmute' }).click();

  await app.getByRole('button', { name: 'Hold' }).click();
  await expect(app.getByTestId('call')).toContainText('On hold');
  await app.getByRole('button', { name: 'Resume' }).click();
  await expect(app.getByRole('button', { name: 'Hold' })).toBeEnabled();

  await app.getByRole('button', { name: 'Keypad', exact: true }).last().click();
  await app.getByRole('button', { name: 'Send tone 5' }).click();
  await app.getByRole('button', { name: 'Send tone #' }).click();
  // baresip reports that a DTMF event ended; rtpengine, relaying it, tells which key it was.
  await gateway.farEnd.waitEvent('CALL_DTMF_END', 10_000, mark);
  await expect.poll(() => gateway.dtmfDigits()).toContain('5#');

  await app.getByRole('button', { name: 'Hang up' }).click();
  await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
});

test('the far end calls the softphone: it rings, is answered, audio flows, far end hangs up', async ({ app, gateway }) => {
  await expectRegistered(app);
  const mark = gateway.farEnd.mark();
  await gateway.farEnd.command('dial', `sip:alice@127.0.0.1:${gateway.sipPort}`);
  const incoming = app.getByTestId('incoming-call');
  await expect(incoming).toBeVisible();
  await expect(incoming).toContainText('Incoming call from');
  await app.getByRole('button', { name: 'Answer' }).click();
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  await expect(app.getByTestId('call')).toHaveAttribute('data-call-state', 'established');
  await expectAudioBothWays(app);
  await gateway.farEnd.command('hangup');
  await expect(app.getByTestId('call')).toHaveCount(0, { timeout: 10_000 });
});

test.describe('with a wrong password', () => {
  test.use({ hostOptions: { provisioning: null } });
  test('shows a clear error', async ({ app, gateway }) => {
    // First run: no account, so the settings form is shown. Fill it in with a wrong password.
    const acc = accountFor(gateway, 'alice', 'not-the-password');
    await app.getByLabel(/Gateway WebSocket URLs/).fill((acc.gateways as string[]).join('\n'));
    await app.getByLabel('SIP address').fill(acc.sipUri as string);
    await app.getByLabel('Password').fill(acc.password as string);
    await app.getByRole('button', { name: 'Save account' }).click();
    const reg = app.getByTestId('registration');
    await expect(reg).toHaveAttribute('data-status', 'failed', { timeout: 15_000 });
    await expect(reg).toContainText('Wrong user name or password.');
  });
});

test('a keyboard-only user can dial and hang up', async ({ app, gateway }) => {
  await expectRegistered(app);
  const mark = gateway.farEnd.mark();
  // The dial field has focus at start; type and press Enter, no mouse.
  await expect(app.getByLabel('Number or SIP address')).toBeFocused();
  await app.keyboard.type(FAR_END_EXTENSION);
  await app.keyboard.press('Enter');
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  const hangup = app.getByRole('button', { name: 'Hang up' });
  await expect(hangup).toBeVisible();
  // Tab until the hang-up button has focus.
  for (let i = 0; i < 15 && !(await hangup.evaluate((el) => el === document.activeElement)); i++) await app.keyboard.press('Tab');
  await expect(hangup).toBeFocused();
  await app.keyboard.press('Enter');
  await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
});

test('axe finds no accessibility violations on the dialer and settings', async ({ app }) => {
  await expectRegistered(app);
  const dialer = await new AxeBuilder({ page: app }).analyze();
  expect(dialer.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await app.getByRole('button', { name: 'Settings' }).click();
  const settings = await new AxeBuilder({ page: app }).analyze();
  expect(settings.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

test('switches the interface to French', async ({ app }) => {
  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByLabel('Language', { exact: true }).selectOption('fr');
  await expect(app.getByRole('button', { name: 'Paramètres' })).toBeVisible();
  await expect(app.locator('html')).toHaveAttribute('lang', 'fr');
});
