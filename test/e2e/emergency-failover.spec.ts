/**
 * Emergency failover against gateways that fail in the ways an independent review found: a final
 * 4xx, a 100 Trying and then nothing, and an INVITE held past the no-response bound that is then
 * routed anyway. The evidence is the emergency edge's dump and the far end's events.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { EMERGENCY_NO_PROGRESS_MS, EMERGENCY_NO_RESPONSE_MS } from '../../src/sip/emergency-attempt';
import { SLOW_GATEWAY_HOLD_MS, type Gateway } from '../gateway/harness';
import { readSipDump, type DumpedMessage } from '../gateway/sipdump';
import { accountFor, expect, expectAudioBothWays, expectRegistered, test } from './fixtures';

const OFFICE = { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris' };
const SUPERSEDED_REASON = 'SIP;cause=200;text="Call completed elsewhere"';

function withGateways(pick: (gw: Gateway) => string[]): { hostOptions: { provisioning: (gw: Gateway) => Record<string, unknown> } } {
  return { hostOptions: { provisioning: (gw) => ({ version: 1, account: { ...accountFor(gw), gateways: pick(gw) }, emergency: { address: OFFICE } }) } };
}

async function call112(app: Page): Promise<number> {
  await app.getByLabel('Number or SIP address').fill('112');
  await expect(app.getByTestId('emergency-banner')).toBeVisible();
  const at = Date.now();
  await app.getByTestId('emergency-call-button').click();
  return at;
}

async function hangUp(app: Page): Promise<void> {
  await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
  await app.getByRole('button', { name: 'Yes, hang up' }).click();
}

/** The emergency INVITEs the edge received since `since`, one per Call-ID, with their dialogs. */
function edgeCalls(gateway: Gateway, since: number): Array<{ invite: DumpedMessage; dialog: DumpedMessage[] }> {
  const dump = readSipDump(gateway.sipDumpDir).filter((m) => m.time * 1000 >= since - 5);
  const invites = dump.filter((m) => m.direction === 'in' && m.method === 'INVITE');
  return [...new Map(invites.map((i) => [i.callId, i])).values()].map((invite) => ({ invite, dialog: dump.filter((m) => m.callId === invite.callId) }));
}

/** The record's gateways for the newest call, read from the host's file as it is on disk. */
function recordedGateways(dataDir: string): Array<{ gateway: string; result: string; superseded?: string }> {
  const lines = readFileSync(join(dataDir, 'emergency-calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; gateways?: [] });
  const lastId = lines[lines.length - 1]?.id;
  return lines.filter((l) => l.id === lastId && l.gateways).pop()?.gateways ?? [];
}

test.describe('when the first gateway answers 404', () => {
  test.use(withGateways((gw) => [gw.wsUrlRejecting, gw.wsUrl]));
  test('the call moves on to the next gateway at once and reaches the answering point', async ({ app, gateway, webHost }) => {
    await expectRegistered(app);
    await expect(app.getByTestId('registration')).toContainText(gateway.wsUrlRejecting);
    const mark = gateway.farEnd.mark();
    const since = await call112(app);
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    await expect(app.getByTestId('emergency-failover')).toContainText('404');
    await expectAudioBothWays(app, 5);
    expect(edgeCalls(gateway, since)).toHaveLength(1);
    expect(recordedGateways(webHost.dataDir)).toEqual([
      { gateway: gateway.wsUrlRejecting, result: '404 Not Found' },
      { gateway: gateway.wsUrl, result: '200' },
    ]);
    await hangUp(app);
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  });
});

test.describe('when every gateway answers 404', () => {
  test.use(withGateways((gw) => [gw.wsUrlRejecting]));
  test('only then is the caller told to use another phone', async ({ app }) => {
    await expectRegistered(app);
    await call112(app);
    await expect(app.getByTestId('emergency-failed')).toHaveText('Emergency calls cannot be made from this phone right now. Use a mobile phone or another line.');
  });
});

test.describe('when the first gateway answers 100 Trying and then nothing', () => {
  test.use(withGateways((gw) => [gw.wsUrlTryingOnly, gw.wsUrl]));
  test('the call moves on after the no-progress bound, not the gateway timeout', async ({ app, gateway, webHost }) => {
    await expectRegistered(app);
    await expect(app.getByTestId('registration')).toContainText(gateway.wsUrlTryingOnly);
    const mark = gateway.farEnd.mark();
    const clicked = await call112(app);
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', EMERGENCY_NO_PROGRESS_MS + 10_000, mark);
    const [call] = edgeCalls(gateway, clicked);
    // The INVITE reached the edge through the second gateway once the bound had passed (was 30 s).
    const atEdge = (call?.invite.time ?? 0) * 1000 - clicked;
    expect(atEdge).toBeGreaterThanOrEqual(EMERGENCY_NO_PROGRESS_MS - 200);
    expect(atEdge).toBeLessThan(EMERGENCY_NO_PROGRESS_MS + 2000);
    await expect(app.getByTestId('emergency-failover')).toContainText('no progress');
    await expectAudioBothWays(app, 5);
    expect(recordedGateways(webHost.dataDir)[0]).toEqual({ gateway: gateway.wsUrlTryingOnly, result: 'no progress', superseded: 'cancelled' });
    await hangUp(app);
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  });
});

test.describe('when the first gateway holds the INVITE past the no-response bound, then routes it', () => {
  test.use(withGateways((gw) => [gw.wsUrlSlow, gw.wsUrl]));
  test('the late attempt is released with Reason "Call completed elsewhere", and the call stays up with audio', async ({ app, gateway, webHost }) => {
    expect(SLOW_GATEWAY_HOLD_MS).toBeGreaterThan(EMERGENCY_NO_RESPONSE_MS);
    await expectRegistered(app);
    await expect(app.getByTestId('registration')).toContainText(gateway.wsUrlSlow);
    const mark = gateway.farEnd.mark();
    const clicked = await call112(app);
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    await expect(app.getByTestId('emergency-failover')).toContainText('no response');

    // The slow gateway routes its INVITE after all: the edge sees a second call, and its release.
    await expect.poll(() => edgeCalls(gateway, clicked).length, { timeout: SLOW_GATEWAY_HOLD_MS + 5000 }).toBe(2);
    const [kept, late] = edgeCalls(gateway, clicked);
    const released = (): DumpedMessage[] =>
      readSipDump(gateway.sipDumpDir).filter((m) => m.callId === late?.invite.callId && m.direction === 'in' && (m.method === 'CANCEL' || m.method === 'BYE'));
    await expect.poll(() => released().length, { timeout: 10_000 }).toBeGreaterThan(0);
    // Every CANCEL or BYE of the late attempt says why: a duplicate, not an abandoned call.
    for (const m of released()) expect(m.header('Reason'), `${m.method} of the late attempt`).toBe(SUPERSEDED_REASON);
    // The call that carries the caller was not touched.
    const keptDialog = readSipDump(gateway.sipDumpDir).filter((m) => m.callId === kept?.invite.callId && m.direction === 'in');
    expect(keptDialog.some((m) => m.method === 'BYE' || m.method === 'CANCEL')).toBe(false);
    await expect(app.getByTestId('call')).toHaveAttribute('data-call-state', 'established');
    await expectAudioBothWays(app, 5);
    await expect
      .poll(() => recordedGateways(webHost.dataDir)[0]?.superseded, { timeout: 5000 })
      .toMatch(/^(cancelled|answered late, released)$/);
    expect(recordedGateways(webHost.dataDir)[0]).toMatchObject({ gateway: gateway.wsUrlSlow, result: 'no response' });

    await hangUp(app);
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  });
});
