import AxeBuilder from '@axe-core/playwright';
import { BAD_LOCATION_NUMBER, PSAP_USER } from '../gateway/harness';
import { readSipDump, type DumpedMessage } from '../gateway/sipdump';
import { parseSentPidf as parsePidf } from '../helpers/pidf';
import { accountFor, expect, expectAudioBothWays, expectHearing, expectRegistered, test, wavRms } from './fixtures';

const OFFICE = {
  country: 'FR',
  A1: 'Île-de-France',
  A2: 'Paris',
  A3: 'Paris',
  HNO: '10',
  RD: 'Rue de la Paix',
  PC: '75002',
  BLD: 'B',
  FLR: '3',
  ROOM: '301',
  NAM: 'ACME SA',
};

test.describe('an emergency call with a registered address', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: OFFICE, addressLocked: true } }) } });

  test('shows the address, sends PIDF-LO with Priority: emergency, and connects to the answering point', async ({ app, gateway }) => {
    await expectRegistered(app);
    await expect(app.getByTestId('address-compact')).toContainText('10 Rue de la Paix');
    await app.getByLabel('Number or SIP address').fill('1 1 2');
    const banner = app.getByTestId('emergency-banner');
    await expect(banner).toContainText('European emergency number');
    await expect(banner.getByTestId('emergency-address')).toContainText('Floor 3, Room 301');
    await expect(banner.getByTestId('emergency-address')).toContainText('75002 Paris');

    const since = Date.now();
    const mark = gateway.farEnd.mark();
    const recording = gateway.recordingMark();
    await app.getByTestId('emergency-call-button').click();
    const established = await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    expect(established.accountaor).toContain(`sip:${PSAP_USER}@`);
    const call = app.getByTestId('call');
    await expect(call).toHaveAttribute('data-emergency', 'true');
    // The call screen names the service, not just the number.
    await expect(call.getByTestId('call-service')).toHaveText('European emergency number');
    await expect(call.getByTestId('emergency-address')).toContainText('Rue de la Paix');
    await expect(call.getByRole('button', { name: 'Hold' })).toHaveCount(0);
    await expectAudioBothWays(app);
    // The caller hears the answering point.
    await expectHearing(app);

    // Hanging up asks first.
    await call.getByRole('button', { name: 'Hang up' }).click();
    await expect(app.getByRole('alertdialog')).toContainText('Hang up the emergency call?');
    await app.getByRole('button', { name: 'Stay on the call' }).click();
    await expect(call).toHaveAttribute('data-call-state', 'established');
    await call.getByRole('button', { name: 'Hang up' }).click();
    await app.getByRole('button', { name: 'Yes, hang up' }).click();
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
    // The answering point heard the caller: this call's own recording, not another's.
    expect(wavRms(gateway.recordingSince(recording))).toBeGreaterThan(0.01);

    // What the emergency edge recorded.
    const { invite, dialog } = edgeInvite(gateway.sipDumpDir, since);
    expect(invite.requestUri).toMatch(/^sip:112@/);
    expect(invite.header('Priority')).toBe('emergency');
    expect(invite.header('Geolocation-Routing')).toBe('yes');
    expect(invite.header('P-Preferred-Identity')).toBe('<sip:alice@127.0.0.1>');
    expect(invite.header('X-Emergency-Service-URN')).toBe('urn:service:sos');
    const cid = /^<cid:([^>]+)>$/.exec(invite.header('Geolocation') ?? '')?.[1];
    expect(cid).toBeTruthy();
    const parts = invite.multipart();
    // SDP, PIDF-LO, then the RFC 7852 blocks (the default gateway profile sends them).
    expect(parts.map((p) => p.header('Content-Type'))).toEqual([
      'application/sdp',
      'application/pidf+xml',
      'application/EmergencyCallData.ProviderInfo+xml',
      'application/EmergencyCallData.DeviceInfo+xml',
      'application/EmergencyCallData.Comment+xml',
    ]);
    // ED-73: no comfort noise offered (it would switch on silence suppression); G.711 is offered.
    expect(parts[0]?.body).not.toMatch(/CN\/8000/);
    expect(parts[0]?.body).toMatch(/PCMU\/8000/);
    // Every SDP line stands on its own, ending in CRLF (RFC 4566): nothing glued onto the last one.
    const sdpLines = (parts[0]?.body ?? '').split('\r\n');
    expect(sdpLines.pop(), 'the SDP ends with CRLF').toBe('');
    for (const line of sdpLines) expect(line).toMatch(/^[a-z]=[^\r\n]*$/);
    for (const line of sdpLines) expect(line.slice(2)).not.toMatch(/a=[a-z-]+:/);
    expect(sdpLines).toContain('a=mid:0');
    const pidfPart = parts[1];
    expect(pidfPart?.header('Content-ID')).toBe(`<${cid}>`);
    const pidf = parsePidf(pidfPart?.body ?? '');
    expect(pidf.civic).toMatchObject(OFFICE);
    expect(pidf.method).toBe('Manual');
    expect(pidf.entity).toBe('sip:alice@127.0.0.1');
    expect(Date.now() - Date.parse(pidf.timestamp)).toBeLessThan(60_000);

    const ack = dialog.find((m) => m.direction === 'in' && m.method === 'ACK');
    expect(ack, 'the edge saw the ACK').toBeDefined();
    expect(ack?.body).toBe('');
  });
});


/** The INVITE the edge received after `since` (ms), and the rest of that dialog. */
function edgeInvite(dir: string, since: number): { invite: DumpedMessage; dialog: DumpedMessage[] } {
  const dump = readSipDump(dir).filter((m) => m.time * 1000 >= since - 5);
  const invite = dump.find((m) => m.direction === 'in' && m.method === 'INVITE');
  if (!invite) throw new Error('the emergency edge saw no INVITE');
  return { invite, dialog: dump.filter((m) => m.callId === invite.callId) };
}

async function dialEmergency(app: import('@playwright/test').Page, typed: string): Promise<void> {
  await app.getByLabel('Number or SIP address').fill(typed);
  await expect(app.getByTestId('emergency-banner')).toBeVisible();
  await app.getByTestId('emergency-call-button').click();
}

async function hangUpEmergency(app: import('@playwright/test').Page): Promise<void> {
  await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
  await app.getByRole('button', { name: 'Yes, hang up' }).click();
}

test.describe('an emergency call with no registered address', () => {
  test('still goes out, without location, and says a national centre may ask where you are', async ({ app, gateway }) => {
    await expectRegistered(app);
    await expect(app.getByTestId('address-compact')).toContainText('No emergency address registered');
    const since = Date.now();
    const mark = gateway.farEnd.mark();
    await app.getByLabel('Number or SIP address').fill('17');
    await expect(app.getByTestId('emergency-banner')).toContainText('Police');
    await expect(app.getByTestId('emergency-banner')).toContainText('national call centre');
    await app.getByTestId('emergency-call-button').click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    await expect(app.getByTestId('call')).toContainText('tell the operator where you are');
    await expectAudioBothWays(app, 5);
    await hangUpEmergency(app);
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
    const { invite } = edgeInvite(gateway.sipDumpDir, since);
    expect(invite.requestUri).toMatch(/^sip:17@/);
    expect(invite.header('Priority')).toBe('emergency');
    expect(invite.header('Geolocation')).toBeUndefined();
    // No PIDF-LO; the RFC 7852 blocks still go (their Comment says no address was known).
    const parts = invite.multipart();
    expect(parts[0]?.header('Content-Type')).toBe('application/sdp');
    expect(parts.some((p) => p.header('Content-Type') === 'application/pidf+xml')).toBe(false);
    expect(parts.find((p) => p.header('Content-Type') === 'application/EmergencyCallData.Comment+xml')?.body).toContain('no civic address');
    expect(invite.header('X-Emergency-Service-URN')).toBe('urn:service:sos.police');
  });
});

test.describe('when the first gateway answers 503', () => {
  test.use({
    hostOptions: {
      provisioning: (gw) => ({
        version: 1,
        account: { ...accountFor(gw), gateways: [gw.wsUrlFailing, gw.wsUrl] },
        emergency: { address: OFFICE },
      }),
    },
  });
  test('the emergency call is retried at once on the next gateway and completes', async ({ app, gateway }) => {
    await expectRegistered(app);
    await expect(app.getByTestId('registration')).toContainText(gateway.wsUrlFailing);
    const since = Date.now();
    const mark = gateway.farEnd.mark();
    await dialEmergency(app, '112');
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    await expect(app.getByTestId('emergency-failover')).toContainText('503');
    await expectAudioBothWays(app, 5);
    const { invite } = edgeInvite(gateway.sipDumpDir, since);
    expect(parsePidf(invite.multipart()[1]?.body ?? '').civic).toMatchObject(OFFICE);
    await hangUpEmergency(app);
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  });
});

const HOSTILE = {
  country: 'FR',
  A3: 'Paris & <Banlieue> "Sud"',
  RD: "Rue de l'Église </ca:RD><ca:RD>injected</ca:RD>",
  HNO: '5',
  PC: '75001',
  FLR: '2" onload="x',
  ROOM: 'שלום 🚑 ]]> --boundary-x',
  LOC: 'x'.repeat(200),
  NAM: '<script>alert(1)</script>',
};

test.describe('a hostile address', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: HOSTILE } }) } });
  test('is shown as typed, and reaches the answering point intact in well-formed XML', async ({ app, gateway }) => {
    await expectRegistered(app);
    const since = Date.now();
    const mark = gateway.farEnd.mark();
    await app.getByLabel('Number or SIP address').fill('18');
    // React escapes it: the text is shown, no element is made of it.
    await expect(app.getByTestId('emergency-banner')).toContainText('<script>alert(1)</script>');
    await expect(app.locator('script:text("alert(1)")')).toHaveCount(0);
    await app.getByTestId('emergency-call-button').click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    const { invite } = edgeInvite(gateway.sipDumpDir, since);
    expect(invite.header('Priority')).toBe('emergency');
    expect(invite.headers('Priority')).toHaveLength(1);
    const parts = invite.multipart();
    expect(parts.slice(0, 2).map((p) => p.header('Content-Type'))).toEqual(['application/sdp', 'application/pidf+xml']);
    const civic = parsePidf(parts[1]?.body ?? '').civic;
    // Everything arrives exactly as typed.
    expect(civic).toEqual(HOSTILE);
    await hangUpEmergency(app);
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  });
});

test('a second incoming call during an emergency call is turned away busy', async ({ app, gateway }) => {
  await expectRegistered(app);
  const mark = gateway.farEnd.mark();
  await dialEmergency(app, '15');
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  const second = gateway.farEnd.mark();
  await gateway.farEnd.command('dial', `sip:alice@127.0.0.1:${gateway.sipPort}`);
  const closed = await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, second);
  expect(String(closed.param)).toMatch(/486|Busy/i);
  await expect(app.getByTestId('incoming-call')).toHaveCount(0);
  await expect(app.getByTestId('call')).toHaveAttribute('data-call-state', 'established');
  await hangUpEmergency(app);
});

test('an emergency call placed during another call holds that call and goes out', async ({ app, gateway }) => {
  await expectRegistered(app);
  const mark = gateway.farEnd.mark();
  await app.getByLabel('Number or SIP address').fill('1000');
  await app.getByRole('button', { name: 'Call', exact: true }).click();
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  await app.getByRole('button', { name: 'New call' }).click();
  await dialEmergency(app, '112');
  await expect(app.locator('[data-testid="call"][data-emergency="true"]')).toHaveAttribute('data-call-state', 'established', { timeout: 15_000 });
  await expect(app.locator('[data-testid="call"]:not([data-emergency])')).toContainText('On hold');
});

test('with do-not-disturb on, incoming calls hear busy but an emergency call typed on the keyboard goes out', async ({ app, gateway }) => {
  await expectRegistered(app);
  await app.getByRole('button', { name: 'Do not disturb' }).click();
  await expect(app.getByRole('button', { name: 'Do not disturb' })).toHaveAttribute('aria-pressed', 'true');
  const incoming = gateway.farEnd.mark();
  await gateway.farEnd.command('dial', `sip:alice@127.0.0.1:${gateway.sipPort}`);
  const closed = await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, incoming);
  expect(String(closed.param)).toMatch(/486|Busy/i);

  // Keyboard only: focus the dial field, type, Enter.
  const mark = gateway.farEnd.mark();
  await app.getByLabel('Number or SIP address').focus();
  await app.keyboard.type('112');
  await expect(app.getByTestId('emergency-banner')).toBeVisible();
  await app.keyboard.press('Enter');
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  // Focus lands on Hang up; Enter asks for confirmation, whose default is to stay on the call.
  await app.keyboard.press('Enter');
  await expect(app.getByRole('alertdialog')).toBeVisible();
  await expect(app.getByRole('button', { name: 'Stay on the call' })).toBeFocused();
  await app.keyboard.press('Tab');
  await app.keyboard.press('Enter');
  await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
});

test.describe('when the route rejects the location (424)', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: OFFICE } }) } });
  test('the call is retried at once without location, and the user is told to say where they are', async ({ app, gateway }) => {
    await expectRegistered(app);
    const since = Date.now();
    const mark = gateway.farEnd.mark();
    await dialEmergency(app, BAD_LOCATION_NUMBER);
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    await expect(app.getByTestId('emergency-failover')).toContainText('424');
    await expect(app.getByTestId('call')).toContainText('tell the operator where you are');
    const invites = readSipDump(gateway.sipDumpDir).filter((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'INVITE');
    expect(invites).toHaveLength(1);
    expect(invites[0]?.header('Geolocation')).toBeUndefined();
    await hangUpEmergency(app);
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  });
});

test('dialling an emergency number again during an emergency call keeps the call', async ({ app, gateway }) => {
  await expectRegistered(app);
  const mark = gateway.farEnd.mark();
  await dialEmergency(app, '112');
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  // The call screen has taken over the dialer; "New call" brings it back.
  await expect(app.getByLabel('Number or SIP address')).toHaveCount(0);
  await app.getByRole('button', { name: 'New call' }).click();
  await dialEmergency(app, '15');
  await expect(app.getByTestId('call')).toHaveCount(1);
  await expect(app.getByTestId('call')).toHaveAttribute('data-call-state', 'established');
  await hangUpEmergency(app);
  await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
});

test('axe finds no accessibility violations with the emergency banner and during an emergency call', async ({ app, gateway }) => {
  await expectRegistered(app);
  await app.getByLabel('Number or SIP address').fill('112');
  await expect(app.getByTestId('emergency-banner')).toBeVisible();
  const banner = await new AxeBuilder({ page: app }).analyze();
  expect(banner.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  const mark = gateway.farEnd.mark();
  await app.getByTestId('emergency-call-button').click();
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
  const inCall = await new AxeBuilder({ page: app }).analyze();
  expect(inCall.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await app.getByRole('button', { name: 'Yes, hang up' }).click();
});

test.describe('when no gateway can be reached', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: { ...accountFor(gw), gateways: ['ws://127.0.0.1:9'] }, emergency: { homeCountry: 'FR' } }) } });
  test('an emergency call still tries, then says at once to use another phone', async ({ app }) => {
    await expect(app.getByTestId('registration')).toHaveAttribute('data-status', 'failed');
    await dialEmergency(app, '112');
    const failed = app.getByTestId('emergency-failed');
    await expect(failed).toHaveText('Emergency calls cannot be made from this phone right now. Use a mobile phone or another line.');
    // It stays up: this is what the user must act on.
    await app.waitForTimeout(2500);
    await expect(failed).toBeVisible();
  });
});

test('after an emergency call, a callback from emergency services rings through do-not-disturb, marked as such', async ({ app, gateway }) => {
  await expectRegistered(app);
  await app.getByRole('button', { name: 'Do not disturb' }).click();
  await expect(app.getByRole('button', { name: 'Do not disturb' })).toHaveAttribute('aria-pressed', 'true');
  const mark = gateway.farEnd.mark();
  await dialEmergency(app, '112');
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  await hangUpEmergency(app);
  await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  await expect(app.getByTestId('call')).toHaveCount(0, { timeout: 5000 });

  // Emergency services call back, marked Priority: psap-callback (RFC 7090).
  const back = gateway.farEnd.mark();
  await gateway.farEnd.command('dial', `sip:callback-alice@127.0.0.1:${gateway.sipPort}`);
  const incoming = app.getByTestId('incoming-call');
  await expect(incoming).toHaveAttribute('data-callback', 'true');
  await expect(incoming.getByTestId('callback-marker')).toHaveText('Possible callback from emergency services');
  await incoming.getByRole('button', { name: 'Answer' }).click();
  await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, back);
  await gateway.farEnd.command('hangup');
});
