import { readSipDump } from '../gateway/sipdump';
import { parseSentPidf as parsePidf } from '../helpers/pidf';
import { FAR_END_EXTENSION, TEST_LINE } from '../gateway/harness';
import { accountFor, expect, expectRegistered, test } from './fixtures';

const OFFICE = { country: 'US', HNO: '1600', RD: 'Amphitheatre', STS: 'Parkway', PC: '94043', A3: 'Mountain View', A1: 'CA', FLR: '2' };

test.describe('Test my emergency setup', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: OFFICE } }) } });

  test('shows what will be sent, calls the test line, and touches no emergency route', async ({ app, gateway }) => {
    await expectRegistered(app);
    await app.getByRole('button', { name: 'Settings' }).click();
    const section = app.getByTestId('emergency-test');
    await expect(section).toContainText('This calls 933, a test line');
    await expect(section.getByTestId('pidf-human')).toContainText('Amphitheatre');
    const since = Date.now();
    const mark = gateway.farEnd.mark();
    await section.getByRole('button', { name: `Place a test call to ${TEST_LINE}` }).click();
    const established = await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    expect(established.accountaor).toContain(`sip:${FAR_END_EXTENSION}@`);
    await expect(app.getByTestId('call')).toContainText('Test of your emergency setup');
    await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
    // The test line's edge saw the full emergency INVITE, with the test URN and the address.
    const invite = readSipDump(gateway.testLineDumpDir).find((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'INVITE');
    expect(invite?.requestUri).toMatch(new RegExp(`^sip:${TEST_LINE}@`));
    expect(invite?.header('X-Emergency-Service-URN')).toBe('urn:service:test.sos');
    expect(parsePidf(invite?.multipart()[1]?.body ?? '').civic).toEqual(OFFICE);
    // No emergency route was touched.
    expect(readSipDump(gateway.sipDumpDir).filter((m) => m.time * 1000 >= since - 5 && m.method === 'INVITE')).toEqual([]);
  });
});

test.describe('a real emergency during a test call', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: OFFICE } }) } });

  test('ends the test call and reaches the emergency answering point', async ({ app, gateway }) => {
    await expectRegistered(app);
    await app.getByRole('button', { name: 'Settings' }).click();
    const testMark = gateway.farEnd.mark();
    await app.getByTestId('emergency-test').getByRole('button', { name: `Place a test call to ${TEST_LINE}` }).click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, testMark);
    const since = Date.now();
    const mark = gateway.farEnd.mark();
    await app.getByRole('button', { name: 'New call' }).click();
    await app.getByLabel('Number or SIP address').fill('911');
    await app.getByTestId('emergency-call-button').click();
    const established = await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    expect(established.accountaor).toContain('sip:psap@');
    const invite = readSipDump(gateway.sipDumpDir).find((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'INVITE');
    expect(invite?.requestUri).toMatch(/^sip:911@/);
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, testMark);
    await app.getByTestId('call').filter({ hasText: '911' }).getByRole('button', { name: 'Hang up' }).click();
    await app.getByRole('button', { name: 'Yes, hang up' }).click();
  });
});

test.describe('a provisioned test line that is a real emergency number on this machine', () => {
  // fr-FR machine, no homeCountry and no address: 17 was once checked against 'US' and passed.
  test.use({
    hostOptions: {
      provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { testNumber: '17' } }),
      env: { LANG: 'fr_FR.UTF-8' },
    },
  });

  test('is never offered or dialled: no INVITE for 17 reaches any edge', async ({ app, gateway }) => {
    await expectRegistered(app);
    const since = Date.now();
    await app.getByRole('button', { name: 'Paramètres' }).click();
    const section = app.getByTestId('emergency-test');
    await expect(section).toContainText("Aucune ligne de test n'est prévue pour votre pays");
    await expect(section).not.toContainText('Ceci appelle le 17');
    await expect(section.getByRole('button')).toHaveCount(0);
    const invites = [...readSipDump(gateway.sipDumpDir), ...readSipDump(gateway.testLineDumpDir)].filter((m) => m.time * 1000 >= since - 5 && m.method === 'INVITE');
    expect(invites).toEqual([]);
  });
});
