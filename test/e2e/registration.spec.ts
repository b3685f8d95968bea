import { accountFor, expect, expectRegistered, launchWebHost, test } from './fixtures';

/** A loopback port where nothing listens. */
const DEAD_GATEWAY = 'ws://127.0.0.1:9';

test.describe('when the first gateway is down', () => {
  test.use({
    hostOptions: { provisioning: (gw) => ({ version: 1, account: { ...accountFor(gw), gateways: [DEAD_GATEWAY, gw.wsUrl] } }) },
  });
  test('registers through the next gateway', async ({ app, gateway }) => {
    await expectRegistered(app);
    await expect(app.getByTestId('registration')).toContainText(gateway.wsUrl);
  });
});

test.describe('when no gateway can be reached', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: { ...accountFor(gw), gateways: [DEAD_GATEWAY] } }) } });
  test('says the gateway cannot be reached, and keeps retrying', async ({ app }) => {
    const reg = app.getByTestId('registration');
    await expect(reg).toHaveAttribute('data-status', 'failed');
    await expect(reg).toContainText('The gateway cannot be reached.');
    await expect(reg).toContainText(/Retrying in \d+ s/);
  });
});

test.describe('with a provisioning file that has a bad field', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: { ...accountFor(gw), gateways: ['http://example.com'] } }) } });
  test('names the bad field and keeps running', async ({ app }) => {
    const notice = app.locator('[data-code="provisioningInvalid"]');
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('account.gateways[0]');
    // The app still works: the first-run form is there.
    await expect(app.getByRole('button', { name: 'Save account' })).toBeVisible();
  });
});

test.describe('a provisioned account', () => {
  test('is shown read-only as managed by the administrator', async ({ app }) => {
    await expectRegistered(app);
    await app.getByRole('button', { name: 'Settings' }).click();
    await expect(app.getByText('This account is managed by your administrator.')).toBeVisible();
    await expect(app.getByLabel('SIP address')).not.toBeEditable();
    await expect(app.getByLabel('SIP address')).toHaveValue(/^sip:alice@/);
  });
});

test.describe('an account typed in the first-run form', () => {
  test.use({ hostOptions: { provisioning: null } });
  test('registers, and is still there after a restart', async ({ app, gateway, webHost, page }) => {
    const acc = accountFor(gateway);
    await app.getByLabel(/Gateway WebSocket URLs/).fill(gateway.wsUrl);
    await app.getByLabel('SIP address').fill(acc.sipUri as string);
    await app.getByLabel('Password').fill(acc.password as string);
    await app.getByRole('button', { name: 'Save account' }).click();
    await expectRegistered(app);
    // Restart the host process on the same data: the account and password come back from its store.
    await webHost.stop();
    const again = await launchWebHost({ dataDir: webHost.dataDir });
    try {
      await page.goto(again.url);
      await expectRegistered(page);
      await page.getByRole('button', { name: 'Settings' }).click();
      await expect(page.getByLabel('SIP address')).toHaveValue(acc.sipUri as string);
    } finally {
      await again.stop();
    }
  });
});
