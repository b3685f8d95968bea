import { expect as baseExpect } from '@playwright/test';
import { PSAP_USER } from '../gateway/harness';
import { readSipDump } from '../gateway/sipdump';
import { accountFor, expect, expectAudioBothWays, expectRegistered, test } from './fixtures';

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

    const mark = gateway.farEnd.mark();
    await app.getByTestId('emergency-call-button').click();
    const established = await gateway.farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
    expect(established.accountaor).toContain(`sip:${PSAP_USER}@`);
    const call = app.getByTestId('call');
    await expect(call).toHaveAttribute('data-emergency', 'true');
    await expect(call.getByTestId('emergency-address')).toContainText('Rue de la Paix');
    await expect(call.getByRole('button', { name: 'Hold' })).toHaveCount(0);
    await expectAudioBothWays(app);

    // Hanging up asks first.
    await call.getByRole('button', { name: 'Hang up' }).click();
    await expect(app.getByRole('alertdialog')).toContainText('Hang up the emergency call?');
    await app.getByRole('button', { name: 'Stay on the call' }).click();
    await expect(call).toHaveAttribute('data-call-state', 'established');
    await call.getByRole('button', { name: 'Hang up' }).click();
    await app.getByRole('button', { name: 'Yes, hang up' }).click();
    await gateway.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);

    // What the emergency edge recorded.
    const dump = readSipDump(gateway.sipDumpDir);
    const invite = dump.find((m) => m.direction === 'in' && m.method === 'INVITE');
    baseExpect(invite, 'the edge saw the INVITE').toBeDefined();
    if (!invite) return;
    expect(invite.requestUri).toMatch(/^sip:112@/);
    expect(invite.header('Priority')).toBe('emergency');
    expect(invite.header('Geolocation-Routing')).toBe('yes');
    expect(invite.header('P-Preferred-Identity')).toBe('<sip:alice@127.0.0.1>');
    expect(invite.header('X-Emergency-Service-URN')).toBe('urn:service:sos');
    const cid = /^<cid:([^>]+)>$/.exec(invite.header('Geolocation') ?? '')?.[1];
    expect(cid).toBeTruthy();
    const parts = invite.multipart();
    expect(parts.map((p) => p.header('Content-Type'))).toEqual(['application/sdp', 'application/pidf+xml']);
    const pidfPart = parts[1];
    expect(pidfPart?.header('Content-ID')).toBe(`<${cid}>`);
    const pidf = parsePidf(pidfPart?.body ?? '');
    expect(pidf.civic).toMatchObject(OFFICE);
    expect(pidf.method).toBe('Manual');
    expect(pidf.entity).toBe('sip:alice@127.0.0.1');
    expect(Date.now() - Date.parse(pidf.timestamp)).toBeLessThan(60_000);

    const ack = dump.find((m) => m.direction === 'in' && m.method === 'ACK' && m.callId === invite.callId);
    expect(ack, 'the edge saw the ACK').toBeDefined();
    expect(ack?.body).toBe('');
  });
});

import { DOMParser } from '@xmldom/xmldom';

const NS = {
  pidf: 'urn:ietf:params:xml:ns:pidf',
  gp: 'urn:ietf:params:xml:ns:pidf:geopriv10',
  ca: 'urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr',
  dm: 'urn:ietf:params:xml:ns:pidf:data-model',
};

/** Parses a PIDF-LO strictly (any XML error throws) and reads it by namespace. */
export function parsePidf(xml: string): { entity: string; civic: Record<string, string>; method: string; timestamp: string } {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(msg)) }).parseFromString(xml, 'text/xml');
  if (errors.length) throw new Error(`PIDF-LO is not well-formed: ${errors.join('; ')}`);
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== NS.pidf || root.localName !== 'presence') throw new Error('root is not pidf:presence');
  const device = root.getElementsByTagNameNS(NS.dm, 'device')[0];
  const civicEl = device?.getElementsByTagNameNS(NS.gp, 'location-info')[0]?.getElementsByTagNameNS(NS.ca, 'civicAddress')[0];
  if (!civicEl) throw new Error('no dm:device/gp:location-info/ca:civicAddress');
  const civic: Record<string, string> = {};
  for (let n = civicEl.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === NS.ca) civic[(n as Element).localName] = n.textContent ?? '';
  }
  return {
    entity: root.getAttribute('entity') ?? '',
    civic,
    method: device?.getElementsByTagNameNS(NS.gp, 'method')[0]?.textContent ?? '',
    timestamp: device?.getElementsByTagNameNS(NS.dm, 'timestamp')[0]?.textContent ?? '',
  };
}
