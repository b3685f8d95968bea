import { networkInterfaces } from 'node:os';
import { startStunServer, type StunServer } from '../gateway/stun-server';
import { accountFor, expect, expectRegistered, test } from './fixtures';

/**
 * The public address is made to look American through the real path: the account's STUN server
 * (on 127.0.0.1) answers with 8.8.8.8, the host looks it up in DB-IP, decides, and the UI warns.
 * A call then makes the browser offer that address as an ICE candidate, so these tests run only
 * where loopback is the sole interface (`npm test` runs the e2e suite in such a namespace).
 */
const loopbackOnly = Object.keys(networkInterfaces()).every((name) => name === 'lo');
const US_IP = '8.8.8.8';
const PARIS = { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris' };

let stunServer: StunServer;
test.beforeAll(async () => {
  stunServer = await startStunServer({ mappedAddress: US_IP });
});
test.afterAll(async () => {
  await stunServer.close();
});

test.describe('on a network in another country', () => {
  test.skip(!loopbackOnly, 'needs a loopback-only network namespace (npm test provides one)');
  test.use({
    timezoneId: 'Europe/Paris',
    hostOptions: {
      provisioning: (gw) => ({ version: 1, account: { ...accountFor(gw), iceServers: [stunServer.url] }, emergency: { address: PARIS } }),
    },
  });

  test('warns, knows 911 as a US emergency number, and the call still goes through; the Paris time zone does not override the IP', async ({ app, gateway }) => {
    await expectRegistered(app);
    const warning = app.getByTestId('roaming-warning');
    await expect(warning).toContainText('You seem to be in United States.');
    await expect(warning).toContainText('Your emergency address is in France; emergency calls may reach the wrong centre.');
    await expect(warning).toContainText('If you can, call from a mobile phone.');
    await expect(warning).toHaveAttribute('data-confidence', 'high');
    expect(await app.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('Europe/Paris');

    await app.getByLabel('Number or SIP address').fill('911');
    const banner = app.getByTestId('emergency-banner');
    await expect(banner).toContainText('Emergency number of United States');
    await expect(app.getByTestId('roaming-warning-call')).toBeVisible();
    const mark = gateway.farEnd.mark();
    await app.getByTestId('emergency-call-button').click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
    await app.getByRole('button', { name: 'Yes, hang up' }).click();
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  });
});

test.describe('at home', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: PARIS } }) } });
  test('no STUN server and a loopback gateway: no country is guessed, no warning', async ({ app }) => {
    await expectRegistered(app);
    await expect(app.getByTestId('address-compact')).toBeVisible();
    await app.waitForTimeout(1000);
    await expect(app.getByTestId('roaming-warning')).toHaveCount(0);
    await app.getByLabel('Number or SIP address').fill('911');
    await expect(app.getByTestId('emergency-banner')).toHaveCount(0);
    // About credits DB-IP and shows why no country was decided.
    await app.getByRole('button', { name: 'Settings' }).click();
    await expect(app.getByTestId('dbip-credit')).toContainText('IP Geolocation by DB-IP');
    await expect(app.getByTestId('network-reasons')).toContainText('127.0.0.1 (via-received) is not a public address');
  });
});
