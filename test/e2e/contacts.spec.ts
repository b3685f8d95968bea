/**
 * Contacts, the company directory and call links (issue 12 parts 1, 2 and 4), in web mode against
 * real servers: the address book kept by the host, vCard import and export, names for known
 * numbers on the incoming call and in History, search as you type over the address book and a
 * CardDAV directory served by a real Radicale, and sip:/tel: links that fill the dialer and never dial.
 */
import { readFileSync } from 'node:fs';
import { FAR_END_EXTENSION } from '../gateway/harness';
import { readSipDump } from '../gateway/sipdump';
import { radicaleInstalled, startRadicale, type Radicale } from '../gateway/radicale';
import { accountFor, expect, expectRegistered, test } from './fixtures';

const VCARDS = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Zoë Ñúñez',
  'ORG:Société Exemple',
  'TEL;TYPE=WORK:+33 1 23 45 67 89',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Accueil',
  'TEL;TYPE=CELL:0612345678',
  'END:VCARD',
  '',
].join('\r\n');

test('the address book: a contact added, named on the incoming call and in History, found as you type; vCard in and out', async ({ app, gateway }) => {
  await expectRegistered(app);
  await app.getByRole('button', { name: 'Contacts' }).click();
  await expect(app.getByTestId('contacts')).toContainText('No contacts yet');
  await app.getByRole('button', { name: 'New contact' }).click();
  // A name is required: said beside the field, nothing lost.
  await app.getByLabel('Number 1').fill(FAR_END_EXTENSION);
  await app.getByRole('button', { name: 'Save contact' }).click();
  await expect(app.getByRole('alert').first()).toContainText('Please correct');
  await app.getByLabel('Name', { exact: true }).fill('Service "Accueil" <test>');
  await app.getByRole('button', { name: 'Save contact' }).click();
  await expect(app.getByTestId('contact')).toHaveCount(1);
  await expect(app.getByTestId('contact')).toContainText('Service "Accueil" <test>');

  // The far end calls: the call screen and History say who it is.
  await gateway.farEnd.command('dial', `sip:alice@127.0.0.1:${gateway.sipPort}`);
  await expect(app.getByTestId('incoming-call')).toContainText('Incoming call from Service "Accueil" <test>');
  await gateway.farEnd.command('hangup');
  await expect(app.getByTestId('missed-badge')).toHaveText('1', { timeout: 10_000 });
  await app.getByRole('button', { name: /^History/ }).click();
  await expect(app.getByTestId('history-entry').first()).toContainText('Service "Accueil" <test>');

  // vCard import: two cards, UTF-8 names; then found as you type, by name and by national number.
  await app.getByRole('button', { name: 'Contacts' }).click();
  await app.getByTestId('contacts-file').setInputFiles({ name: 'contacts.vcf', mimeType: 'text/vcard', buffer: Buffer.from(VCARDS) });
  await expect(app.getByTestId('contacts-imported')).toHaveText('2 contacts imported, 0 skipped.');
  await expect(app.getByTestId('contact')).toHaveCount(3);
  await app.getByLabel('Search contacts').fill('zoe');
  await expect(app.getByTestId('contact')).toHaveCount(1);
  await expect(app.getByTestId('contact')).toContainText('Zoë Ñúñez');

  await app.getByRole('button', { name: 'Dialer' }).click();
  await app.getByLabel('Number or SIP address').fill('Zo');
  const suggestions = app.getByTestId('suggestions');
  await expect(suggestions).toContainText('Zoë Ñúñez');
  await app.getByLabel('Number or SIP address').fill('01 23 45');
  await expect(suggestions).toContainText('Zoë Ñúñez');
  await suggestions.getByRole('button').first().click();
  await expect(app.getByLabel('Number or SIP address')).toHaveValue('+33 1 23 45 67 89');

  // Export: one vCard file with the three, names intact.
  await app.getByRole('button', { name: 'Contacts' }).click();
  const download = app.waitForEvent('download');
  await app.getByRole('button', { name: 'Export vCard' }).click();
  const text = readFileSync(await (await download).path(), 'utf8');
  expect(text.match(/BEGIN:VCARD/g)).toHaveLength(3);
  expect(text).toContain('Zoë Ñúñez');

  // Delete asks first.
  await app.getByLabel('Search contacts').fill('');
  await app.getByRole('button', { name: 'Delete Accueil' }).click();
  await app.getByRole('button', { name: 'Delete Accueil' }).click();
  await expect(app.getByTestId('contact')).toHaveCount(2);
});

test.describe('the company directory (CardDAV, a real Radicale)', () => {
  test.skip(!radicaleInstalled(), 'radicale is not installed (scripts/setup.sh installs it)');
  let radicale: Radicale;
  test.beforeAll(async () => {
    radicale = await startRadicale();
    await radicale.addCard(['BEGIN:VCARD', 'VERSION:3.0', 'UID:dir-1', 'FN:Édith Directeur', 'ORG:Siège', 'TEL;TYPE=WORK:+33 1 98 76 54 32', 'END:VCARD', ''].join('\r\n'));
  });
  test.afterAll(async () => {
    await radicale?.stop();
  });
  test.use({
    hostOptions: {
      provisioning: (gw) => ({
        version: 1,
        account: accountFor(gw),
        emergency: { homeCountry: 'FR' },
        directory: { carddav: { url: radicale.addressBookUrl, username: radicale.user, password: radicale.password } },
      }),
    },
  });

  test('is searched as you type, marked as the directory, and its status shown in Settings', async ({ app }) => {
    await expectRegistered(app);
    const input = app.getByLabel('Number or SIP address');
    // The first sync runs shortly after start.
    await expect
      .poll(
        async () => {
          await input.fill('');
          await input.fill('edith');
          return app.getByTestId('suggestions').locator('[data-source="directory"]').count();
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    await expect(app.getByTestId('suggestions')).toContainText('Édith Directeur');
    await expect(app.getByTestId('suggestions')).toContainText('company directory');
    await app.getByRole('button', { name: 'Settings' }).click();
    await expect(app.getByTestId('directory-status')).toContainText('1 entries');
  });
});

test('a tel: link fills the dialer and waits for Call; an emergency number by link is never dialled', async ({ app, webHost, gateway }) => {
  await expectRegistered(app);
  const since = Date.now();
  await app.goto(`${new URL(webHost.url).origin}/?link=${encodeURIComponent('tel:+33-1-23-45-67-89')}`);
  await expectRegistered(app);
  await expect(app.getByLabel('Number or SIP address')).toHaveValue('+33123456789');
  await expect(app.getByTestId('link-note')).toContainText('press Call');
  await app.goto(`${new URL(webHost.url).origin}/?link=${encodeURIComponent('tel:112')}`);
  await expectRegistered(app);
  await expect(app.getByLabel('Number or SIP address')).toHaveValue('112');
  await expect(app.getByTestId('emergency-banner')).toBeVisible();
  await app.waitForTimeout(1500);
  await expect(app.getByTestId('call')).toHaveCount(0);
  expect(readSipDump(gateway.sipDumpDir).filter((m) => m.time * 1000 >= since - 5 && m.method === 'INVITE')).toEqual([]);
  // A hostile link is refused with a clear error; nothing is filled in.
  await app.goto(`${new URL(webHost.url).origin}/?link=${encodeURIComponent('tel:112%0D%0AX: y')}`);
  await expectRegistered(app);
  await expect(app.getByLabel('Number or SIP address')).toHaveValue('');
  await expect(app.locator('#dial-error')).toBeVisible();
});
