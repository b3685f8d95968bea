/**
 * Screenshots of the real app in web mode, for looking at after a UI change:
 * `npm run screenshots -- [DIR]` (default /tmp/softphone-shots). Each language
 * (en, fr) × theme (light, dark, high-contrast): first run, dialer, 112 typed, an ordinary call,
 * an emergency call, settings, the address form (France, then the United States). Needs the built app (npx electron-vite build) and the gateway's
 * Debian packages; all on 127.0.0.1.
 *
 * `npm run screenshots -- --readme` writes the README's pictures instead (docs/screenshots/): first
 * run, dialer, 112 typed and the emergency call, in English, light and dark.
 */
import { chromium, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../playwright.config';
import { FAR_END_EXTENSION, startGateway } from '../test/gateway/harness';
import { accountFor, launchWebHost } from '../test/e2e/fixtures';

const README = process.argv.includes('--readme');
const OUT = README ? 'docs/screenshots' : (process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '/tmp/softphone-shots');
const README_SHOTS = new Set(['first-run', 'dialer', 'emergency-typed', 'emergency-call']);
mkdirSync(OUT, { recursive: true });
const ADDRESS = { country: 'FR', NAM: 'ACME SA', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris', FLR: '3', ROOM: '301' };
const gw = await startGateway();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const shot = async (page: Page, name: string): Promise<void> => {
  // name: <lang>-<theme>-<n>-<screen>; the README keeps a few screens as <theme>-<screen>.png.
  const [, theme, screen] = /^[a-z]+-([a-z-]+?)-\d-(.+)$/.exec(name) ?? [];
  if (README && !README_SHOTS.has(screen ?? '')) return;
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(OUT, README ? `${theme}-${screen}.png` : `${name}.png`), fullPage: true });
};
const call = (page: Page): ReturnType<Page['getByTestId']> => page.getByTestId('call');

try {
  for (const lang of README ? (['en'] as const) : (['en', 'fr'] as const)) {
    for (const theme of README ? (['light', 'dark'] as const) : (['light', 'dark', 'high-contrast'] as const)) {
      const tag = `${lang}-${theme}`;
      const dir = mkdtempSync(join(tmpdir(), 'shots-'));
      // First run: nothing provisioned.
      const fresh = await launchWebHost({ dataDir: join(dir, 'fresh'), env: { LANG: lang === 'fr' ? 'fr_FR.UTF-8' : 'en_US.UTF-8' } });
      const context = await browser.newContext({ permissions: ['microphone'], viewport: { width: 420, height: 760 }, colorScheme: theme === 'dark' ? 'dark' : 'light' });
      let page = await context.newPage();
      await page.goto(fresh.url);
      await page.getByTestId('first-run').waitFor();
      await shot(page, `${tag}-1-first-run`);
      await page.close();
      await fresh.stop();

      const { writeFileSync } = await import('node:fs');
      const prov = join(dir, 'provisioning.json');
      writeFileSync(prov, JSON.stringify({ version: 1, firstRun: false, account: accountFor(gw), emergency: { address: ADDRESS } }));
      const host = await launchWebHost({ dataDir: join(dir, 'data'), provisioningPath: prov, env: { LANG: lang === 'fr' ? 'fr_FR.UTF-8' : 'en_US.UTF-8' } });
      page = await context.newPage();
      await page.goto(host.url);
      await page.locator('[data-testid="registration"][data-status="registered"]').waitFor();
      if (README) {
        // The steady state a user sees every day: this network answered for, the address confirmed.
        await page.getByTestId('network-prompt').locator('button').first().click();
        await page.getByTestId('network-prompt').waitFor({ state: 'detached' });
        const reminder = page.getByTestId('address-reminder');
        if (await reminder.count()) await reminder.locator('button').first().click();
      }
      if (theme !== 'dark') {
        await page.locator('.app-nav button').nth(3).click();
        await page.locator('#pref-theme').selectOption(theme);
        await page.locator('.app-nav button').first().click();
      }
      await shot(page, `${tag}-2-dialer`);
      await page.locator('#dial-input').fill('112');
      await shot(page, `${tag}-3-emergency-typed`);
      await page.locator('#dial-input').fill(FAR_END_EXTENSION);
      await page.locator('button.call-button').click();
      await page.locator('[data-testid="call"][data-call-state="established"]').waitFor();
      await page.waitForTimeout(1500);
      await shot(page, `${tag}-4-call`);
      await call(page).locator('button.hangup').click();
      await call(page).waitFor({ state: 'detached' });
      await page.locator('#dial-input').fill('112');
      await page.getByTestId('emergency-call-button').click();
      await page.locator('[data-testid="call"][data-call-state="established"]').waitFor();
      await page.waitForTimeout(1500);
      await shot(page, `${tag}-5-emergency-call`);
      await call(page).locator('button.hangup').click();
      await shot(page, `${tag}-6-hangup-confirm`);
      await page.locator('.confirm-hangup button.hangup').click();
      await call(page).waitFor({ state: 'detached' });
      await page.locator('.app-nav button').nth(3).click();
      await shot(page, `${tag}-7-settings`);
      await page.getByTestId('settings-emergency').getByRole('button', { name: /^(Edit|Modifier)$/ }).first().click();
      await page.locator('form.address-form').waitFor();
      await shot(page, `${tag}-8-address-form`);
      await page.locator('#addr-country').selectOption('US');
      await shot(page, `${tag}-9-address-form-us`);
      // The far end calls while a call is up (call waiting), then History with what was missed.
      await page.locator('.app-nav button').first().click();
      await page.locator('#dial-input').fill(FAR_END_EXTENSION);
      await page.locator('button.call-button').click();
      await page.locator('[data-testid="call"][data-call-state="established"]').waitFor();
      await gw.farEnd.command('dial', `sip:alice@127.0.0.1:${gw.sipPort}`);
      await page.getByTestId('incoming-call').waitFor();
      await shot(page, `${tag}-10-call-waiting`);
      await page.getByTestId('incoming-call').locator('button.hangup').click();
      await call(page).first().locator('button.hangup').click();
      await page.getByTestId('call').first().waitFor({ state: 'detached' });
      await gw.farEnd.command('dial', `sip:alice@127.0.0.1:${gw.sipPort}`);
      await page.getByTestId('incoming-call').waitFor();
      await shot(page, `${tag}-11-incoming`);
      await gw.farEnd.command('hangup');
      await page.getByTestId('incoming-call').waitFor({ state: 'detached' });
      await page.locator('.app-nav button').nth(1).click();
      await page.getByTestId('history').waitFor();
      await shot(page, `${tag}-12-history`);
      // Contacts: one added through the form; then a call with the transfer form open.
      await page.locator('.app-nav button').nth(2).click();
      await page.getByTestId('contacts').locator('button').first().click();
      await page.locator('#contact-name').fill('Zoë Ñúñez');
      await page.locator('#contact-org').fill('Société Exemple');
      await page.locator('#contact-number-0').fill(FAR_END_EXTENSION);
      await page.locator('form.contact-form button[type="submit"]').click();
      await page.getByTestId('contact').first().waitFor();
      await shot(page, `${tag}-13-contacts`);
      await page.locator('.app-nav button').first().click();
      await page.locator('#dial-input').fill('Zo');
      await page.getByTestId('suggestions').waitFor();
      await shot(page, `${tag}-14-suggestions`);
      await page.locator('#dial-input').fill(FAR_END_EXTENSION);
      await page.locator('button.call-button').click();
      await page.locator('[data-testid="call"][data-call-state="established"]').waitFor();
      await page.getByTestId('call').getByRole('button', { name: /^(Transfer|Transférer)$/ }).click();
      await shot(page, `${tag}-15-transfer`);
      await call(page).first().locator('button.hangup').click();
      await page.getByTestId('call').first().waitFor({ state: 'detached' });
      await context.close();
      await host.stop();
      console.log(`${tag}: done`);
    }
  }
} finally {
  await browser.close();
  await gw.stop();
}
console.log(`screenshots in ${OUT}`);
