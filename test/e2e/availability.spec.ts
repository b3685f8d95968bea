import { accountFor, expect, expectRegistered, test } from './fixtures';

const OFFICE = { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris', FLR: '3' };

test.describe('emergency availability', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: OFFICE } }) } });

  test('turns Unavailable when the gateway stops, says what to do, and is Ready again soon after it returns', async ({ app, gateway }) => {
    await expectRegistered(app);
    const banner = app.getByTestId('availability');
    // A never-confirmed address makes it Degraded, with the reason said.
    await expect(banner).toHaveAttribute('data-state', 'degraded');
    await expect(banner.locator('[data-reason="addressUnconfirmed"]')).toBeVisible();
    await app.getByTestId('address-reminder').getByRole('button', { name: 'It is still right' }).click();
    await expect(banner).toHaveAttribute('data-state', 'ready');

    await gateway.stopSignalling();
    try {
      await expect(banner).toHaveAttribute('data-state', 'unavailable');
      await expect(banner).toContainText('Emergency calls cannot be made from this phone right now. Use a mobile phone or another line.');
      // Typing an emergency number still offers the call (it will try every gateway).
      await app.getByLabel('Number or SIP address').fill('112');
      await expect(app.getByTestId('emergency-call-button')).toBeEnabled();
      await app.getByLabel('Number or SIP address').fill('');
    } finally {
      await gateway.startSignalling();
    }
    const back = Date.now();
    await expect(banner).toHaveAttribute('data-state', 'ready', { timeout: 10_000 });
    // Not a timing test (bench/ measures it), but a bound that catches a slow back-off.
    expect(Date.now() - back).toBeLessThan(5000);
  });

});
