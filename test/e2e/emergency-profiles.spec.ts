/**
 * Gateway profiles (issue 14): for each one, the emergency INVITE as the answering point receives
 * it. Far end 1: the Kamailio emergency edge (its sipdump) in front of baresip. Far end 2: SIPp,
 * which judges the INVITE with its own regular expressions (test/gateway/sipp/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { GatewayProfile } from '../../src/emergency/gateway-profile';
import type { Gateway } from '../gateway/harness';
import { readSipDump, type DumpedMessage } from '../gateway/sipdump';
import { psapProfileFor, startSippPsap } from '../gateway/sipp';
import { parseSentPidf } from '../helpers/pidf';
import { expectAdditionalDataValid } from '../helpers/xml-schema';
import { accountFor, expect, expectAudioBothWays, expectRegistered, test } from './fixtures';

const OFFICE = { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris', FLR: '3' };

export const PROFILES: Array<{ name: string; profile: GatewayProfile }> = [
  { name: 'dial string, location by value, identity, additional data (default)', profile: { requestUri: 'dial-string', location: 'by-value', identity: 'p-preferred-identity', additionalData: true } },
  { name: 'service URN as Request-URI (RFC 6881 ED-4, ED-62)', profile: { requestUri: 'service-urn', location: 'by-value', identity: 'p-preferred-identity', additionalData: true } },
  { name: 'no location, no identity, no additional data (a gateway that adds its own)', profile: { requestUri: 'dial-string', location: 'none', identity: 'none', additionalData: false } },
];

export function provisioningFor(profile: GatewayProfile, gateways?: (gw: Gateway) => string[]) {
  return (gw: Gateway): Record<string, unknown> => ({
    version: 1,
    account: { ...accountFor(gw), gateways: gateways ? gateways(gw) : [gw.wsUrl] },
    emergency: { address: OFFICE, gatewayProfile: profile },
  });
}

export async function callPolice(app: Page): Promise<number> {
  await app.getByLabel('Number or SIP address').fill('17');
  await expect(app.getByTestId('emergency-banner')).toBeVisible();
  const at = Date.now();
  await app.getByTestId('emergency-call-button').click();
  return at;
}

export async function hangUp(app: Page): Promise<void> {
  await app.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
  await app.getByRole('button', { name: 'Yes, hang up' }).click();
}

/** Settings → Emergency address → Edit → Floor → Review → Save, during a call. */
async function correctFloor(app: Page, floor: string): Promise<void> {
  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByRole('button', { name: 'Edit', exact: true }).first().click();
  await app.getByLabel('Floor').fill(floor);
  await app.getByRole('button', { name: 'Review' }).click();
  await app.getByRole('button', { name: 'Save this address' }).click();
}

const TYPES: Record<string, 'ProviderInfo' | 'DeviceInfo' | 'SubscriberInfo' | 'Comment'> = {
  'application/EmergencyCallData.ProviderInfo+xml': 'ProviderInfo',
  'application/EmergencyCallData.DeviceInfo+xml': 'DeviceInfo',
  'application/EmergencyCallData.SubscriberInfo+xml': 'SubscriberInfo',
  'application/EmergencyCallData.Comment+xml': 'Comment',
};

/** Checks one INVITE, as received, against the profile it was sent under. */
export function expectInviteMeets(invite: DumpedMessage, profile: GatewayProfile): void {
  if (profile.requestUri === 'service-urn') {
    expect(invite.requestUri).toBe('urn:service:sos.police');
    expect(invite.header('To')).toMatch(/^<urn:service:sos\.police>/);
    expect(invite.header('X-Dial-String')).toBe('17');
    expect(invite.header('X-Emergency-Service-URN')).toBeUndefined();
  } else {
    expect(invite.requestUri).toMatch(/^sip:17@/);
    expect(invite.header('X-Emergency-Service-URN')).toBe('urn:service:sos.police');
  }
  expect(invite.header('Priority')).toBe('emergency');
  if (profile.identity === 'p-preferred-identity') expect(invite.header('P-Preferred-Identity')).toBe('<sip:alice@127.0.0.1>');
  else expect(invite.header('P-Preferred-Identity')).toBeUndefined();

  const parts = invite.multipart();
  const byCid = (cid: string): ReturnType<DumpedMessage['multipart']>[number] | undefined => parts.find((p) => p.header('Content-ID') === `<${cid}>`);
  if (profile.location === 'by-value') {
    const cid = /^<cid:([^>]+)>$/.exec(invite.header('Geolocation') ?? '')?.[1] ?? '';
    expect(invite.header('Geolocation-Routing')).toBe('yes');
    const pidf = byCid(cid);
    expect(pidf?.header('Content-Type')).toBe('application/pidf+xml');
    expect(parseSentPidf(pidf?.body ?? '').civic).toMatchObject(OFFICE);
  } else {
    expect(invite.header('Geolocation')).toBeUndefined();
    expect(parts.some((p) => p.header('Content-Type') === 'application/pidf+xml')).toBe(false);
  }
  const callInfo = invite.headers('Call-Info').flatMap((v) => v.split(/,(?=\s*<)/)).map((v) => v.trim());
  if (profile.additionalData) {
    // RFC 7852: ProviderInfo always with the others; each Call-Info names a part of its type by cid.
    const purposes = callInfo.map((v) => /purpose=EmergencyCallData\.(\w+)/.exec(v)?.[1]);
    expect(purposes).toEqual(expect.arrayContaining(['ProviderInfo', 'DeviceInfo', 'Comment']));
    for (const value of callInfo) {
      const [, cid, type] = /^<cid:([^>]+)>;purpose=EmergencyCallData\.(\w+)$/.exec(value) ?? [];
      const part = byCid(cid ?? '');
      expect(part, `the part Call-Info ${value} names`).toBeDefined();
      expect(TYPES[part?.header('Content-Type') ?? '']).toBe(type);
      expectAdditionalDataValid(type as 'DeviceInfo', part?.body ?? '');
    }
  } else {
    expect(callInfo).toEqual([]);
  }
  if (profile.location === 'none' && !profile.additionalData) {
    expect(invite.header('Content-Type')).toBe('application/sdp');
  } else {
    expect(parts[0]?.header('Content-Type')).toBe('application/sdp');
  }
}

for (const { name, profile } of PROFILES) {
  test.describe(`gateway profile: ${name}`, () => {
    test.use({ hostOptions: { provisioning: provisioningFor(profile) } });

    test('the Kamailio edge receives an INVITE that meets it, and the call connects with audio', async ({ app, gateway }) => {
      await expectRegistered(app);
      const mark = gateway.farEnd.mark();
      const since = await callPolice(app);
      await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
      await expectAudioBothWays(app, 5);
      const invite = readSipDump(gateway.sipDumpDir).find((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'INVITE');
      if (!invite) throw new Error('the edge saw no INVITE');
      expectInviteMeets(invite, profile);
      await hangUp(app);
      await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
    });
  });

  test.describe(`gateway profile: ${name}, SIPp answering point`, () => {
    test.use({ hostOptions: { provisioning: provisioningFor(profile, (gw) => [gw.wsUrlSipp]) } });

    test('SIPp checks the INVITE with its own expressions, answers, and echoes the audio', async ({ app, gateway }) => {
      const psap = await startSippPsap({ profile: psapProfileFor(profile, { dialString: '17', urn: 'urn:service:sos.police' }), port: gateway.sippPsapPort });
      try {
        await expectRegistered(app);
        await callPolice(app);
        await expect(app.getByTestId('call')).toHaveAttribute('data-call-state', 'established');
        // SIPp echoes what it hears: packets come back through rtpengine.
        await expectAudioBothWays(app, 5);
        await hangUp(app);
        await expect.poll(() => psap.result().calls, { timeout: 10_000 }).toBe(1);
        const result = psap.result();
        expect(result.failedChecks).toEqual([]);
        expect(result.failed).toBe(0);
        expect(result.errors).toEqual([]);
        expect(result.pidfLos).toHaveLength(profile.location === 'by-value' ? 1 : 0);
      } finally {
        await psap.stop();
      }
    });
  });
}

test.describe('the address changes during an emergency call (RFC 6881 ED-38)', () => {
  test.use({ hostOptions: { provisioning: provisioningFor(PROFILES[0]!.profile) } });

  test('the answering point gets the new PIDF-LO in a re-INVITE, and the call stays up with audio', async ({ app, gateway, webHost }) => {
    await expectRegistered(app);
    const mark = gateway.farEnd.mark();
    const since = await callPolice(app);
    await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    await expectAudioBothWays(app, 5);
    // The caller corrects the floor in Settings while the call is up.
    await correctFloor(app, '5');

    const reinvite = async (): Promise<DumpedMessage | undefined> => {
      const dump = readSipDump(gateway.sipDumpDir).filter((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'INVITE');
      return dump.find((m) => m.callId === dump[0]?.callId && m !== dump[0] && m.header('To')?.includes('tag='));
    };
    await expect.poll(async () => Boolean(await reinvite()), { timeout: 10_000 }).toBe(true);
    const update = (await reinvite()) as DumpedMessage;
    const cid = /^<cid:([^>]+)>$/.exec(update.header('Geolocation') ?? '')?.[1];
    const pidf = update.multipart().find((p) => p.header('Content-ID') === `<${cid}>`);
    expect(parseSentPidf(pidf?.body ?? '').civic).toMatchObject({ ...OFFICE, FLR: '5' });
    expect(update.multipart()[0]?.header('Content-Type')).toBe('application/sdp');

    // Still connected: no BYE, and audio keeps flowing after the update.
    const stats = app.getByTestId('audio-stats').first();
    const before = Number(await stats.getAttribute('data-packets-received'));
    await expect.poll(async () => Number(await stats.getAttribute('data-packets-received')), { timeout: 10_000 }).toBeGreaterThan(before + 25);
    await expect(app.getByTestId('call')).toHaveAttribute('data-call-state', 'established');
    expect(readSipDump(gateway.sipDumpDir).some((m) => m.callId === update.callId && m.method === 'BYE')).toBe(false);

    // On record, with its outcome.
    const updates = (): Array<{ pidfLo: string; result: string }> =>
      readFileSync(join(webHost.dataDir, 'emergency-calls.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { locationUpdates?: Array<{ pidfLo: string; result: string }> })
        .flatMap((e) => e.locationUpdates ?? []);
    await expect.poll(() => updates().length, { timeout: 5000 }).toBe(1);
    expect(updates()[0]).toMatchObject({ result: 'sent', pidfLo: pidf?.body.replace(/\r\n$/, '') });
    await hangUp(app);
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  });
});

test.describe('the address changes during an emergency call, SIPp answering point', () => {
  test.use({ hostOptions: { provisioning: provisioningFor(PROFILES[1]!.profile, (gw) => [gw.wsUrlSipp]) } });

  test('SIPp receives the second PIDF-LO in a re-INVITE and the call stays up', async ({ app, gateway }) => {
    const psap = await startSippPsap({ profile: psapProfileFor(PROFILES[1]!.profile, { urn: 'urn:service:sos.police' }), port: gateway.sippPsapPort });
    try {
      await expectRegistered(app);
      await callPolice(app);
      await expectAudioBothWays(app, 5);
      await correctFloor(app, '6');
      await expect.poll(() => psap.result().pidfLos.length, { timeout: 10_000 }).toBe(2);
      expect(parseSentPidf(psap.result().pidfLos[1] ?? '').civic).toMatchObject({ ...OFFICE, FLR: '6' });
      await expect(app.getByTestId('call')).toHaveAttribute('data-call-state', 'established');
      await hangUp(app);
      await expect.poll(() => psap.result().calls, { timeout: 10_000 }).toBe(1);
      expect(psap.result().failedChecks).toEqual([]);
    } finally {
      await psap.stop();
    }
  });
});
