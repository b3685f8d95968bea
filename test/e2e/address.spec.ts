import { launchWebHost, expect, expectRegistered, test, accountFor } from './fixtures';
import { PSAP_USER } from '../gateway/harness';
import { readSipDump } from '../gateway/sipdump';
import { parseSentPidf as parsePidf } from '../helpers/pidf';

/** Typed in the French form's order (libaddressinput: company, street line, premises, postal code, city). */
const TYPED: Array<[string, string]> = [
  ['NAM', 'Café & Co <Siège>'],
  ['HNO', '42'],
  ['HNS', 'bis'],
  ['RD', 'Rue du Faubourg Saint-Antoine'],
  ['BLD', 'C'],
  ['FLR', '5'],
  ['UNIT', '512'],
  ['ROOM', 'Salle Ada'],
  ['PC', '75012'],
  ['A3', 'Paris'],
];

test.describe('the emergency address typed by the user', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { homeCountry: 'FR' } }) } });

  test('is set with the keyboard only, survives a restart, and reaches the answering point byte for byte', async ({ app, gateway, webHost, page }) => {
    await expectRegistered(app);
    await expect(app.getByTestId('address-compact')).toContainText('No emergency address registered');
    // The dialer's warning offers to set it.
    await app.getByRole('button', { name: 'Set my emergency address' }).focus();
    await app.keyboard.press('Enter');
    await expect(app.getByRole('heading', { name: 'Edit your emergency address' })).toBeVisible();
    await app.getByLabel('Country').focus();
    await expect(app.getByLabel('Country')).toHaveValue('FR');
    for (const [, value] of TYPED) {
      await app.keyboard.press('Tab');
      if (value) await app.keyboard.type(value);
    }
    // A bad postal code first: the form refuses it and says why, next to the field.
    await app.getByLabel('Postal code').fill('7501');
    await app.getByLabel('Postal code').focus();
    await app.keyboard.press('Enter');
    await expect(app.getByLabel('Postal code')).toHaveAttribute('aria-invalid', 'true');
    await app.getByLabel('Postal code').fill('75012');
    await app.getByLabel('Postal code').focus();
    await app.keyboard.press('Enter');
    // The review shows the formatted result; Save has focus.
    const review = app.getByTestId('address-review');
    await expect(review).toContainText('42 bis Rue du Faubourg Saint-Antoine');
    await expect(review).toContainText('75012 Paris');
    await expect(review).toContainText('Building C, Floor 5, Suite 512, Room Salle Ada');
    await expect(app.getByRole('button', { name: 'Save this address' })).toBeFocused();
    await app.keyboard.press('Enter');
    await expect(app.getByTestId('address-confirmed')).toContainText('Last confirmed on');

    // Restart the app on the same data.
    await webHost.stop();
    const again = await launchWebHost({ dataDir: webHost.dataDir, provisioningPath: `${webHost.dataDir}/provisioning.json` });
    try {
      await page.goto(again.url);
      await expectRegistered(page);
      await expect(page.getByTestId('address-compact')).toContainText('42 bis Rue du Faubourg Saint-Antoine');
      await page.getByLabel('Number or SIP address').fill('112');
      const shown = page.getByTestId('emergency-banner').getByTestId('emergency-address');
      await expect(shown).toContainText('Café & Co <Siège>');
      await expect(shown).toContainText('Building C, Floor 5, Suite 512, Room Salle Ada');
      const since = Date.now();
      const mark = gateway.farEnd.mark();
      await page.getByTestId('emergency-call-button').click();
      const established = await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
      expect(established.accountaor).toContain(`sip:${PSAP_USER}@`);
      const invite = readSipDump(gateway.sipDumpDir).find((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'INVITE');
      const civic = parsePidf(invite?.multipart()[1]?.body ?? '').civic;
      // Byte for byte what was typed and shown.
      expect(civic).toEqual({ country: 'FR', ...Object.fromEntries(TYPED.filter(([, v]) => v)) });
      await page.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
      await page.getByRole('button', { name: 'Yes, hang up' }).click();
      await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
    } finally {
      await again.stop();
    }
  });
});

const ADMIN_ADDRESS = { country: 'FR', HNO: '1', RD: 'Place de la Bourse', PC: '69002', A3: 'Lyon', FLR: '2' };

test.describe('a provisioned, locked address', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: ADMIN_ADDRESS, addressLocked: true } }) } });
  test('is shown read-only, managed by the administrator, and can still be confirmed', async ({ app }) => {
    await expectRegistered(app);
    // Never confirmed: the reminder shows, and it offers no edit.
    const reminder = app.getByTestId('address-reminder');
    await expect(reminder).toBeVisible();
    await expect(reminder.getByRole('button', { name: 'Edit' })).toHaveCount(0);
    await app.getByRole('button', { name: 'Settings' }).click();
    await expect(app.getByText('Managed by your administrator: it cannot be changed here.')).toBeVisible();
    await expect(app.getByRole('button', { name: 'Edit' })).toHaveCount(0);
    await expect(app.getByRole('button', { name: 'Set my emergency address' })).toHaveCount(0);
    await expect(app.getByTestId('address-confirmed')).toContainText('Never confirmed');
    await app.getByRole('button', { name: 'It is still right' }).click();
    await expect(app.getByTestId('address-confirmed')).toContainText('Last confirmed on');
    await app.getByRole('button', { name: 'Dialer' }).click();
    await expect(app.getByTestId('address-reminder')).toHaveCount(0);
  });
});

test.describe('a provisioned address with a reminder period', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: ADMIN_ADDRESS, reminderDays: 30 } }) } });
  test('an unlocked administrator address can be replaced by the user', async ({ app }) => {
    await expectRegistered(app);
    await app.getByTestId('address-reminder').getByRole('button', { name: 'Edit' }).click();
    await app.getByLabel('Floor').fill('4');
    await app.getByRole('button', { name: 'Review' }).click();
    await app.getByRole('button', { name: 'Save this address' }).click();
    await app.getByRole('button', { name: 'Dialer' }).click();
    await app.getByLabel('Number or SIP address').fill('18');
    await expect(app.getByTestId('emergency-banner')).toContainText('Floor 4');
    await expect(app.getByTestId('emergency-banner')).toContainText('Entered by you');
  });
});
