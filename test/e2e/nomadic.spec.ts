import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSipDump } from '../gateway/sipdump';
import { parseSentPidf as parsePidf } from '../helpers/pidf';
import { accountFor, expect, expectRegistered, test } from './fixtures';

/** The host reads its interfaces from this file (--test-interfaces): rewriting it "moves" the laptop. */
const interfacesFile = join(mkdtempSync(join(tmpdir(), 'softphone-nomadic-')), 'interfaces.json');
const lan = (subnet: number): string =>
  JSON.stringify({ eth0: [{ address: `10.${subnet}.0.5`, netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: `10.${subnet}.0.5/24` }] });
const OFFICE = { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris', FLR: '3' };

test.describe('a laptop that moves between networks', () => {
  test.beforeAll(() => writeFileSync(interfacesFile, lan(1)));
  test.use({
    hostOptions: {
      testInterfacesFile: interfacesFile,
      provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: OFFICE } }),
    },
  });

  test('asks on a new network, remembers the answer, and picks the right address when it comes back', async ({ app }) => {
    await expectRegistered(app);
    // The office network, first time: asked, and confirmed.
    const prompt = app.getByTestId('network-prompt');
    await expect(prompt).toContainText('Are you still at Floor 3, 10 Rue de la Paix, 75002 Paris, France?');
    await prompt.getByRole('button', { name: 'Yes, I am here' }).click();
    await expect(prompt).toHaveCount(0);

    // Home: a new network, so asked again; this time a new address is entered.
    writeFileSync(interfacesFile, lan(2));
    await expect(prompt).toBeVisible();
    await prompt.getByRole('button', { name: 'Enter a new address' }).click();
    await app.getByLabel('Number', { exact: true }).fill('7');
    await app.getByLabel('Street', { exact: true }).fill('Rue des Lilas');
    await app.getByLabel('Floor').fill('');
    await app.getByLabel('Postal code').fill('69003');
    await app.getByLabel('City').fill('Lyon');
    await app.getByRole('button', { name: 'Review' }).click();
    await app.getByRole('button', { name: 'Save this address' }).click();
    await app.getByRole('button', { name: 'Dialer' }).click();
    await expect(app.getByTestId('network-prompt')).toHaveCount(0);
    await expect(app.getByTestId('address-compact')).toContainText('7 Rue des Lilas');

    // Back at the office: no question, and the office address is back.
    writeFileSync(interfacesFile, lan(1));
    await expect(app.getByTestId('address-compact')).toContainText('10 Rue de la Paix');
    await expect(app.getByTestId('network-prompt')).toHaveCount(0);

    // And home again picks home's, no question either.
    writeFileSync(interfacesFile, lan(2));
    await expect(app.getByTestId('address-compact')).toContainText('7 Rue des Lilas');
    await expect(app.getByTestId('network-prompt')).toHaveCount(0);
  });
});

const LYON = { country: 'FR', HNO: '1', RD: 'Place de la Bourse', PC: '69002', A3: 'Lyon', FLR: '4' };

test.describe('on an administrator network site', () => {
  test.beforeAll(() => writeFileSync(interfacesFile, lan(9)));
  test.use({
    hostOptions: {
      testInterfacesFile: interfacesFile,
      provisioning: (gw) => ({
        version: 1,
        account: accountFor(gw),
        emergency: { address: OFFICE, networkSites: [{ name: 'Lyon HQ', subnets: ['10.9.0.0/16'], address: LYON }] },
      }),
    },
  });

  test("the site's address wins, with no prompt, and the PIDF-LO says where it came from", async ({ app, gateway }) => {
    await expectRegistered(app);
    await expect(app.getByTestId('address-compact')).toContainText('1 Place de la Bourse');
    await expect(app.getByTestId('network-prompt')).toHaveCount(0);
    await app.getByLabel('Number or SIP address').fill('112');
    await expect(app.getByTestId('emergency-banner')).toContainText('From your network site');
    const since = Date.now();
    const mark = gateway.farEnd.mark();
    await app.getByTestId('emergency-call-button').click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    const invite = readSipDump(gateway.sipDumpDir).find((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'INVITE');
    const pidf = parsePidf(invite?.multipart()[1]?.body ?? '');
    expect(pidf.civic).toEqual(LYON);
    expect(pidf.method).toBe('Wiremap');
    await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
    await app.getByRole('button', { name: 'Yes, hang up' }).click();
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  });
});
