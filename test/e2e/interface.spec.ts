/**
 * The designed interface (issue 10): themes that follow the OS or the user's choice with the
 * emergency red kept in each, axe clean in every theme, and the call screen that takes over the
 * dialer with level meters and a no-sound warning.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { FAR_END_EXTENSION } from '../gateway/harness';
import { accountFor, expect, expectAudioBothWays, expectRegistered, test } from './fixtures';

/** axe on the page as it is now (or a part of it): every violation, named, or none. */
async function axeViolations(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  const result = await (include ? builder.include(include) : builder).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const background = (page: Page, selector: string): Promise<string> => page.locator(selector).first().evaluate((el) => getComputedStyle(el).backgroundColor);

/** Relative luminance (WCAG) of an `rgb(r, g, b)` colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

test.describe('themes', () => {
  test('follows the OS between light and dark until one is chosen in Settings', async ({ app }) => {
    await expectRegistered(app);
    await app.emulateMedia({ colorScheme: 'light' });
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
    expect(luminance(await background(app, '.theme-root'))).toBeGreaterThan(0.8);
    await app.emulateMedia({ colorScheme: 'dark' });
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(luminance(await background(app, '.theme-root'))).toBeLessThan(0.05);

    // Chosen in Settings: light stays light on a dark OS, and the choice survives a reload.
    await app.getByRole('button', { name: 'Settings' }).click();
    await app.getByLabel('Theme').selectOption('light');
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
    await app.reload();
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
    await app.getByRole('button', { name: 'Settings' }).click();
    await app.getByLabel('Theme').selectOption('high-contrast');
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'high-contrast');
    expect(await background(app, '.theme-root')).toBe('rgb(0, 0, 0)');
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    test(`${theme}: the emergency button and banner stay red, and axe finds nothing on any view`, async ({ app, gateway }) => {
      await expectRegistered(app);
      await app.getByRole('button', { name: 'Settings' }).click();
      await app.getByLabel('Theme').selectOption(theme);
      const settings = await new AxeBuilder({ page: app }).analyze();
      expect(settings.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
      // A call rings, is missed, and History lists it: the incoming call and History under axe too.
      await gateway.farEnd.command('dial', `sip:alice@127.0.0.1:${gateway.sipPort}`);
      await expect(app.getByTestId('incoming-call')).toBeVisible();
      expect(await axeViolations(app)).toEqual([]);
      await gateway.farEnd.command('hangup');
      await expect(app.getByTestId('missed-badge')).toHaveText('1', { timeout: 10_000 });
      await app.getByRole('button', { name: /^History/ }).click();
      await expect(app.getByTestId('history-entry')).toHaveCount(1);
      expect(await axeViolations(app)).toEqual([]);
      await app.getByRole('button', { name: 'Dialer' }).click();
      await app.getByLabel('Number or SIP address').fill('112');
      // Red: a strong red channel, the others low, white text readable on it (≥ 4.5:1).
      const red = (c: string): boolean => {
        const [r, g, b] = (c.match(/\d+/g) ?? []).map(Number) as [number, number, number];
        return r > 150 && Math.max(g, b) < 60;
      };
      await expect.poll(() => background(app, '[data-testid="emergency-call-button"]').then(red), { timeout: 2_000 }).toBe(true);
      const button = await background(app, '[data-testid="emergency-call-button"]');
      expect(1.05 / (luminance(button) + 0.05)).toBeGreaterThanOrEqual(4.5);
      const border = await app.getByTestId('emergency-banner').evaluate((el) => getComputedStyle(el).borderTopColor);
      const [br, bg] = (border.match(/\d+/g) ?? []).map(Number) as [number, number];
      expect(br).toBeGreaterThan(150);
      expect(bg).toBeLessThan(150);
      const dialer = await new AxeBuilder({ page: app }).analyze();
      expect(dialer.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
    });
  }
});

test('the call screen takes over the dialer, shows what is heard, warns when nothing is, and gives the dialer back', async ({ app, gateway }) => {
  await expectRegistered(app);
  const mark = gateway.farEnd.mark();
  await app.getByLabel('Number or SIP address').fill(FAR_END_EXTENSION);
  await app.getByRole('button', { name: 'Call', exact: true }).click();
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  await expect(app.getByLabel('Number or SIP address')).toHaveCount(0);
  await expectAudioBothWays(app);
  // The far end plays a tone: the hearing meter moves; no packet counts are shown.
  await expect.poll(() => app.getByRole('meter', { name: 'Hearing' }).evaluate((m) => (m as HTMLMeterElement).value), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect(app.getByTestId('call')).not.toContainText('packets');
  await expect(app.getByTestId('no-audio')).toHaveCount(0);
  expect(await axeViolations(app)).toEqual([]);

  // The far end holds the call: no more sound comes in, and the screen says so within seconds.
  await gateway.farEnd.command('hold');
  await expect(app.getByTestId('no-audio')).toContainText('No sound has reached you', { timeout: 10_000 });
  await gateway.farEnd.command('resume');
  await expect(app.getByTestId('no-audio')).toHaveCount(0, { timeout: 10_000 });

  // "New call" brings the dialer back during the call; the end of the call does too.
  await app.getByRole('button', { name: 'New call' }).click();
  await expect(app.getByLabel('Number or SIP address')).toBeVisible();
  await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
  await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  await expect(app.getByTestId('call')).toHaveCount(0, { timeout: 5_000 });
  await expect(app.getByLabel('Number or SIP address')).toBeVisible();
  await expect(app.getByRole('button', { name: 'New call' })).toHaveCount(0);
});

test.describe('first run, with nothing provisioned', () => {
  test.use({ hostOptions: { provisioning: null } });
  test('walks through the account, the address and the test call; skipped steps show on the dialer', async ({ app, gateway }) => {
    const acc = accountFor(gateway);
    const firstRun = app.getByTestId('first-run');
    await expect(firstRun).toHaveAttribute('data-step', 'account');
    await expect(firstRun).toContainText('Step 1 of 3');
    await expect(app.getByTestId('availability-pill')).toBeVisible();
    await app.getByLabel(/Gateway WebSocket URLs/).fill(gateway.wsUrl);
    await app.getByLabel('SIP address').fill(acc.sipUri as string);
    await app.getByLabel('Password').fill(acc.password as string);
    await app.getByRole('button', { name: 'Save account' }).click();
    // Saved: on to the address, registered meanwhile.
    await expect(firstRun).toHaveAttribute('data-step', 'address');
    await expectRegistered(app);
    await app.getByRole('button', { name: 'Skip this step' }).click();
    await expect(firstRun).toHaveAttribute('data-step', 'test');
    await expect(firstRun.getByTestId('emergency-test')).toBeVisible();
    await app.getByRole('button', { name: 'Finish' }).click();

    // The dialer, saying what was skipped, with the way to set it.
    await expect(firstRun).toHaveCount(0);
    await expect(app.getByLabel('Number or SIP address')).toBeVisible();
    const missing = app.getByTestId('setup-checklist');
    await expect(missing.locator('[data-missing]')).toHaveCount(1);
    await expect(missing).toContainText('No emergency address');
    await missing.getByRole('button', { name: 'Add the address' }).click();
    await expect(app.getByRole('button', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
  });

  test('the Dialer tab leaves first run at once', async ({ app }) => {
    await expect(app.getByTestId('first-run')).toBeVisible();
    await app.getByRole('button', { name: 'Dialer' }).click();
    await expect(app.getByTestId('first-run')).toHaveCount(0);
    await expect(app.getByLabel('Number or SIP address')).toBeVisible();
    await expect(app.getByTestId('setup-checklist')).toContainText('No phone account');
  });
});

/** Presses Tab until `target` has the focus (a keyboard-only user's way there). */
async function tabTo(page: Page, target: ReturnType<Page['getByRole']>, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${max} Tabs did not reach ${target.toString()}`);
}

test.describe('first run, with the account provisioned', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, firstRun: true, account: accountFor(gw), emergency: { homeCountry: 'FR' } }) } });
  test('says the account is managed, goes step by step on the keyboard alone, and is shown once', async ({ app, page, webHost }) => {
    const firstRun = app.getByTestId('first-run');
    await expect(firstRun).toHaveAttribute('data-step', 'account');
    await expect(firstRun).toContainText('Your administrator has set up this account for you');
    await expect(firstRun.getByText('This account is managed by your administrator.')).toBeVisible();
    await expect(app.getByLabel('SIP address')).toHaveValue(/^sip:alice@/);
    await expect(app.getByLabel('SIP address')).not.toBeEditable();
    // Nothing to save: the way on is Next, and each step starts at its heading.
    await expect(firstRun.getByRole('button', { name: 'Save account' })).toHaveCount(0);
    await expect(firstRun.getByRole('heading', { name: 'Your phone account' })).toBeFocused();
    expect(await axeViolations(app)).toEqual([]);
    await tabTo(app, firstRun.getByRole('button', { name: 'Next' }));
    await app.keyboard.press('Enter');
    await expect(firstRun).toHaveAttribute('data-step', 'address');
    await expect(firstRun.getByRole('heading', { name: 'Where you are' })).toBeFocused();
    await tabTo(app, firstRun.getByRole('button', { name: 'Skip this step' }));
    await app.keyboard.press('Enter');
    await expect(firstRun).toHaveAttribute('data-step', 'test');
    await tabTo(app, firstRun.getByRole('button', { name: 'Finish' }));
    await app.keyboard.press('Enter');
    await expect(firstRun).toHaveCount(0);
    await expect(app.getByLabel('Number or SIP address')).toBeVisible();
    await expectRegistered(app);
    // The host remembers: a reload (or a restart) goes straight to the dialer.
    await page.goto(webHost.url);
    await expectRegistered(page);
    await expect(page.getByLabel('Number or SIP address')).toBeVisible();
    await expect(page.getByTestId('first-run')).toHaveCount(0);
  });
});

test('the emergency banner is announced: an assertive live region in the accessibility tree, named for the service', async ({ app, page }) => {
  await expectRegistered(app);
  await app.getByLabel('Number or SIP address').fill('11');
  await expect(app.getByTestId('emergency-banner')).toHaveCount(0);
  // The live region waits, empty, for the banner to come into it.
  await expect(app.getByTestId('emergency-live')).toBeAttached();
  await app.getByLabel('Number or SIP address').fill('112');
  await expect(app.getByTestId('emergency-banner')).toBeVisible();
  // What a screen reader gets: Chromium's own accessibility tree, not the DOM.
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: Array<{ role?: { value: string }; name?: { value: string }; properties?: Array<{ name: string; value: { value: unknown } }> }>;
  };
  const alert = nodes.find((n) => n.role?.value === 'alert' && /emergency/i.test(n.name?.value ?? ''));
  expect(alert, 'an alert named for the emergency call').toBeDefined();
  const prop = (name: string): unknown => alert?.properties?.find((p) => p.name === name)?.value.value;
  expect(prop('live')).toBe('assertive');
  expect(prop('atomic')).toBe(true);
});

test('the address form follows the country: its fields, their order, names and required ones (libaddressinput)', async ({ app }) => {
  await expectRegistered(app);
  await app.getByRole('button', { name: 'Set my emergency address' }).click();
  const form = app.locator('form.address-form');
  // Each field's name with its required marker, as shown (the marker is not part of the name).
  const labels = async (): Promise<string[]> => (await form.locator('.field > label, .field-label').allInnerTexts()).map((l) => l.replace(/\s+/g, ' ').trim());
  // France: no state, no street type; postal code before the city.
  expect(await labels()).toEqual([
    'Country',
    'Company or name',
    'Number (required)',
    'Number suffix (bis, A…)',
    'Street (required)',
    'Building',
    'Floor',
    'Suite or unit',
    'Room',
    'Postal code (required)',
    'City (required)',
    'Other details (entrance, landmark…)',
  ]);
  // United States: city, state, ZIP code, all required.
  await app.getByLabel('Country').selectOption('US');
  const us = await labels();
  expect(us.slice(-4)).toEqual(['City (required)', 'State (required)', 'ZIP code (required)', 'Other details (entrance, landmark…)']);
  expect(us.join(' ')).not.toContain('Street type');
  const axe = await new AxeBuilder({ page: app }).include('form.address-form').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await app.getByLabel('Number', { exact: false }).first().fill('1600');
  await app.getByLabel('Street').fill('Pennsylvania Avenue NW');
  await app.getByLabel('City').fill('Washington');
  await app.getByLabel('ZIP code').fill('20500');
  await app.getByRole('button', { name: 'Review' }).click();
  await expect(app.getByLabel('State')).toHaveAttribute('aria-invalid', 'true');
  await expect(form).toContainText('This field is required.');
  await app.getByLabel('State').fill('DC');
  await app.getByRole('button', { name: 'Review' }).click();
  // The review shows it as the PIDF-LO will carry it, field by field.
  const sent = app.getByTestId('address-review-fields');
  await expect(sent).toContainText('DC');
  await expect(sent).toContainText('20500');
});
