import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSipDump } from '../gateway/sipdump';
import { SECURITY_DESK_USER } from '../gateway/harness';
import { accountFor, expect, expectRegistered, launchWebHost, test } from './fixtures';

const OFFICE = { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris', FLR: '3' };

test.describe('the emergency call record', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: OFFICE } }) } });

  test('holds the exact PIDF-LO the far end received, and the result', async ({ app, gateway }) => {
    await expectRegistered(app);
    const since = Date.now();
    const mark = gateway.farEnd.mark();
    await app.getByLabel('Number or SIP address').fill('112');
    await app.getByTestId('emergency-call-button').click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
    await app.getByRole('button', { name: 'Yes, hang up' }).click();
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
    const invite = readSipDump(gateway.sipDumpDir).find((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'INVITE');
    const received = invite?.multipart()[1]?.body ?? '';
    expect(received).toContain('<ca:RD>Rue de la Paix</ca:RD>');

    await app.getByRole('button', { name: 'Settings' }).click();
    const entry = app.getByTestId('call-record-entry').first();
    await expect(entry).toHaveAttribute('data-result', 'ended');
    await expect(entry).toContainText('112');
    await entry.locator('summary').click();
    // The record keeps the document byte for byte (the edge saw it with CRLF line ends, as sent).
    expect((await entry.getByTestId('call-record-pidf').textContent())?.replace(/\r\n/g, '\n')).toBe(received.replace(/\r\n/g, '\n'));
  });

  test('an entry written before the INVITE survives the app being killed mid-call', async ({ app, gateway, webHost, page }) => {
    await expectRegistered(app);
    const mark = gateway.farEnd.mark();
    await app.getByLabel('Number or SIP address').fill('15');
    await app.getByTestId('emergency-call-button').click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    // Kill the host process outright, as a crash would, then start it again on the same data.
    webHost.process.kill('SIGKILL');
    await new Promise((r) => webHost.process.once('exit', r));
    const again = await launchWebHost({ dataDir: webHost.dataDir, provisioningPath: `${webHost.dataDir}/provisioning.json` });
    try {
      await page.goto(again.url);
      await page.getByRole('button', { name: 'Settings' }).click();
      const entry = page.getByTestId('call-record-entry').first();
      await expect(entry).toContainText('15');
      await expect(entry).toHaveAttribute('data-result', 'interrupted');
      await expect(entry).toContainText('interrupted (the app stopped during the call)');
    } finally {
      await again.stop();
    }
  });
});

test.describe('a damaged call record', () => {
  test('shows what it can, and the dialer and a call keep working', async ({ app, gateway, webHost }) => {
    await expectRegistered(app);
    // A hand-edited or damaged line of the kind that blanked the whole app.
    const file = join(webHost.dataDir, 'emergency-calls.jsonl');
    appendFileSync(file, '{"type":"update","id":"x","gateways":"oops"}\nnull\n{"type":"start","id":"y","number":"112","gateways":[{"gateway":1}],"startedAt":"2026-01-01T00:00:00Z","result":"ended"}\n');
    await app.getByRole('button', { name: 'Settings' }).click();
    await expect(app.getByTestId('call-record-entry').first()).toBeVisible();
    await expect(app.getByTestId('panel-failed')).toHaveCount(0);
    await app.getByRole('button', { name: 'Dialer' }).click();
    const mark = gateway.farEnd.mark();
    await app.getByLabel('Number or SIP address').fill('1000');
    await app.getByRole('button', { name: 'Call', exact: true }).click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    await app.getByRole('button', { name: 'Hang up' }).click();
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  });
});

test.describe('the start line', () => {
  test.use({ hostOptions: { provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: OFFICE } }) } });

  test('is in the file before the INVITE reaches the edge, even when the host dies right after the INVITE', async ({ app, gateway, webHost }) => {
    await expectRegistered(app);
    const since = Date.now();
    await app.getByLabel('Number or SIP address').fill('17');
    await app.getByTestId('emergency-call-button').click();
    // Kill the host the moment the edge has the INVITE: nothing written later can count.
    let invite: ReturnType<typeof readSipDump>[number] | undefined;
    const deadline = Date.now() + 10_000;
    while (!invite && Date.now() < deadline) {
      invite = readSipDump(gateway.sipDumpDir).find((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'INVITE');
      if (!invite) await new Promise((r) => setTimeout(r, 2));
    }
    webHost.process.kill('SIGKILL');
    expect(invite, 'the edge got the INVITE').toBeDefined();
    const lines = readFileSync(join(webHost.dataDir, 'emergency-calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; number?: string; recordedAt: string; pidfLo?: string });
    const start = lines.find((l) => l.type === 'start' && l.number === '17');
    expect(start, 'the start line').toBeDefined();
    expect(Date.parse(start?.recordedAt ?? '')).toBeLessThanOrEqual((invite?.time ?? 0) * 1000);
    expect(start?.pidfLo).toBe(invite?.multipart()[1]?.body);
  });
});

test.describe('the security desk', () => {
  test.use({
    hostOptions: {
      provisioning: (gw) => ({ version: 1, account: accountFor(gw), emergency: { address: OFFICE, securityDesk: `sip:${SECURITY_DESK_USER}@127.0.0.1` } }),
    },
  });
  test('receives a MESSAGE with who called, the callback number, the number, the time and the address, while the call is up', async ({ app, gateway }) => {
    await expectRegistered(app);
    const since = Date.now();
    const mark = gateway.farEnd.mark();
    await app.getByLabel('Number or SIP address').fill('17');
    await app.getByTestId('emergency-call-button').click();
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    await expect
      .poll(() => readSipDump(gateway.testLineDumpDir).filter((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'MESSAGE').length)
      .toBe(1);
    const message = readSipDump(gateway.testLineDumpDir).find((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'MESSAGE');
    expect(message?.body).toContain('Emergency call started: 17');
    expect(message?.body).toContain('<sip:alice@127.0.0.1> (callback number)');
    expect(message?.body).toContain('Address sent: Floor 3, 10 Rue de la Paix, 75002 Paris, France');
    await expect(app.getByTestId('call')).toHaveAttribute('data-call-state', 'established');
    await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
    await app.getByRole('button', { name: 'Yes, hang up' }).click();
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  });
});
