/**
 * The SIPp answering point (test/gateway/sipp/psap-uas.xml) driven without the app: hand-built
 * INVITEs over UDP on 127.0.0.1, well-formed for each profile and broken one check at a time.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { additionalDataParts } from '../../src/emergency/additional-data';
import type { GatewayProfile } from '../../src/emergency/gateway-profile';
import { buildPidfLo } from '../../src/emergency/pidf-lo';
import { emergencyHeaders, multipartOffer, pidfPart } from '../../src/sip/emergency-invite';
import { PSAP_PROFILES, psapProfileFor, startSippPsap, type PsapProfile, type PsapProfileName, type SippPsap } from '../gateway/sipp';

const CID = 'loc-4f1c2a9e@127.0.0.1';

const SDP = [
  'v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 30012 RTP/AVP 111 9 0 8 126', 'a=mid:0', 'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1', 'a=rtpmap:9 G722/8000', 'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000', 'a=rtpmap:126 telephone-event/8000', 'a=sendrecv', 'a=rtcp:30013', '',
].join('\r\n');

function pidfLo(civic: boolean, road = 'Rue de la Paix'): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<presence xmlns="urn:ietf:params:xml:ns:pidf"',
    '    xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"',
    '    xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"',
    '    xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"',
    '    entity="sip:alice@127.0.0.1">',
    '  <dm:device id="d1">',
    '    <gp:geopriv>',
    '      <gp:location-info>',
    ...(civic
      ? ['        <ca:civicAddress xml:lang="fr">', '          <ca:country>FR</ca:country>', '          <ca:A1>Île-de-France</ca:A1>',
        `          <ca:RD>${road}</ca:RD>`, '          <ca:HNO>10</ca:HNO>', '          <ca:PC>75002</ca:PC>', '        </ca:civicAddress>']
      : ['        <gp:location>unknown</gp:location>']),
    '      </gp:location-info>',
    '      <gp:usage-rules/>',
    '      <gp:method>Manual</gp:method>',
    '    </gp:geopriv>',
    '  </dm:device>',
    '</presence>',
  ].join('\r\n');
}

interface InviteShape {
  requestUri: string;
  priority?: boolean;
  identity?: string | null;
  /** ok: PIDF-LO at the Geolocation cid; dangling: the cid names no part; no-civic: PIDF-LO without civicAddress. */
  location?: 'ok' | 'dangling' | 'no-civic' | 'none';
  additionalData?: string[];
  /** Call-Info for these blocks, but no body part. */
  missingParts?: string[];
  road?: string;
  /** false: no SDP part (an UPDATE that only brings a new location). */
  sdp?: boolean;
  /** A last change to what goes on the wire. */
  edit?: (c: Content) => void;
}

interface Content {
  headers: string[];
  contentType: string;
  body: string;
}

interface Dialog {
  callId: string;
  fromTag: string;
  local: number;
  requestUri: string;
  cseq: number;
}

/** A request in the dialog (or the INVITE that opens it), with its body and extra headers. */
function request(d: Dialog, method: string, opts: { to?: string; branch?: string; cseq?: number; headers?: string[]; contentType?: string; body?: string } = {}): string {
  const body = opts.body ?? '';
  return [
    `${method} ${d.requestUri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${d.local};branch=${opts.branch ?? `z9hG4bK${Math.random().toString(36).slice(2)}`};rport`,
    'Max-Forwards: 70',
    `From: <sip:alice@127.0.0.1>;tag=${d.fromTag}`,
    `To: ${opts.to ?? '<sip:112@127.0.0.1>'}`,
    `Call-ID: ${d.callId}`,
    `CSeq: ${opts.cseq ?? d.cseq} ${method}`,
    `Contact: <sip:alice@127.0.0.1:${d.local}>`,
    ...(opts.headers ?? []),
    ...(opts.contentType ? [`Content-Type: ${opts.contentType}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** The emergency headers and body for a shape, as the app (through the gateway) sends them. */
function emergencyContent(shape: InviteShape): Content {
  const c = buildContent(shape);
  shape.edit?.(c);
  return c;
}

function buildContent(shape: InviteShape): Content {
  const location = shape.location ?? 'ok';
  const headers: string[] = [];
  if (shape.priority !== false) headers.push('Priority: emergency');
  const identity = shape.identity === undefined ? 'sip:alice@127.0.0.1' : shape.identity;
  if (identity) headers.push(`P-Preferred-Identity: <${identity}>`);
  const boundary = 'boundary-k2j3h4g5';
  const parts: string[][] = shape.sdp === false ? [] : [['Content-Type: application/sdp', '', SDP]];
  if (location !== 'none') {
    headers.push(`Geolocation: <cid:${CID}>`, 'Geolocation-Routing: yes');
    parts.push([
      'Content-Type: application/pidf+xml',
      `Content-ID: <${location === 'dangling' ? 'loc-other@127.0.0.1' : CID}>`,
      'Content-Disposition: by-reference;handling=optional',
      '',
      pidfLo(location !== 'no-civic', shape.road),
    ]);
  }
  for (const type of [...(shape.additionalData ?? []), ...(shape.missingParts ?? [])]) {
    const cid = `adr-${type.toLowerCase()}@127.0.0.1`;
    headers.push(`Call-Info: <cid:${cid}>;purpose=EmergencyCallData.${type}`);
    if (shape.missingParts?.includes(type)) continue;
    parts.push([
      `Content-Type: application/EmergencyCallData.${type}+xml`,
      `Content-ID: <${cid}>`,
      'Content-Disposition: by-reference;handling=optional',
      '',
      `<?xml version="1.0" encoding="UTF-8"?>\r\n<EmergencyCallData.${type} xmlns="urn:ietf:params:xml:ns:EmergencyCallData:${type}">\r\n  <DataProviderReference>d1</DataProviderReference>\r\n</EmergencyCallData.${type}>`,
    ]);
  }
  if (parts.length === 1 && shape.sdp !== false) return { headers, contentType: 'application/sdp', body: SDP };
  // As the app builds it: the SDP keeps its final CRLF, the CRLF before each delimiter is the delimiter's.
  const body = `${parts.map((p) => `--${boundary}\r\n${p.join('\r\n').replace(/\r\n$/, '\r\n')}`).join('\r\n')}\r\n--${boundary}--\r\n`;
  return { headers, contentType: `multipart/mixed;boundary=${boundary}`, body };
}

interface Sip {
  status?: number;
  method?: string;
  raw: string;
  header(name: string): string | undefined;
  body: string;
}

function parse(raw: string): Sip {
  const [head = '', body = ''] = raw.split('\r\n\r\n', 2);
  const lines = head.split('\r\n');
  const start = lines[0] ?? '';
  return {
    status: /^SIP\/2\.0 (\d{3})/.exec(start) ? Number(start.split(' ')[1]) : undefined,
    method: /^([A-Z]+) /.exec(start)?.[1],
    raw,
    body,
    header: (name) => lines.slice(1).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.replace(/^[^:]*:\s*/, ''),
  };
}

/** A UDP SIP endpoint on 127.0.0.1 that keeps what it receives. */
class Caller {
  private readonly inbox: Sip[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket, readonly local: number) {
    socket.on('message', (m) => {
      // The media echo comes back here too: only SIP goes in the inbox.
      if (!/^(SIP\/2\.0 \d{3} |[A-Z]+ \S+ SIP\/2\.0\r\n)/.test(m.toString('latin1', 0, 200))) return;
      this.inbox.push(parse(m.toString('utf8')));
      const w = this.waiters;
      this.waiters = [];
      w.forEach((f) => f());
    });
  }

  static open(): Promise<Caller> {
    return new Promise((resolve) => {
      const s = createSocket('udp4');
      s.bind(0, '127.0.0.1', () => resolve(new Caller(s, s.address().port)));
    });
  }

  send(text: string, port: number): void {
    this.socket.send(text, port, '127.0.0.1');
  }

  /** The first message received (not taken before) that fits. */
  async take(fits: (m: Sip) => boolean, what: string, timeoutMs = 3000): Promise<Sip> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(fits);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Sip;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what}; got ${this.inbox.map((m) => m.raw.split('\r\n')[0]).join(', ') || 'nothing'}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

const isResponse = (d: Dialog, method: string, status?: (s: number) => boolean) => (m: Sip): boolean =>
  m.status !== undefined && m.header('Call-ID') === d.callId && (m.header('CSeq') ?? '').endsWith(` ${method}`) && (!status || status(m.status));

/** Sends an INVITE; returns the dialog, every provisional status seen, and the final response. */
async function call(caller: Caller, psap: SippPsap, shape: InviteShape): Promise<{ dialog: Dialog; provisional: number[]; final: Sip }> {
  const dialog: Dialog = {
    callId: `${Math.random().toString(36).slice(2)}@sipp-psap-test`,
    fromTag: Math.random().toString(36).slice(2),
    local: caller.local,
    requestUri: shape.requestUri,
    cseq: 1,
  };
  const { headers, contentType, body } = emergencyContent(shape);
  const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
  caller.send(request(dialog, 'INVITE', { branch, headers, contentType, body }), psap.port);
  const final = await caller.take(isResponse(dialog, 'INVITE', (s) => s >= 200), 'final response to the INVITE');
  const provisional: number[] = [];
  for (;;) {
    const i = await caller.take(isResponse(dialog, 'INVITE', (s) => s < 200), '', 0).catch(() => null);
    if (!i) break;
    provisional.push(i.status ?? 0);
  }
  // A non-2xx is acknowledged in its transaction (same branch); a 2xx in a new one.
  const to = final.header('To') ?? '';
  caller.send(request(dialog, 'ACK', { to, branch: (final.status ?? 0) >= 300 ? branch : undefined }), psap.port);
  return { dialog, provisional: provisional.sort(), final };
}

async function hangUp(caller: Caller, psap: SippPsap, dialog: Dialog, to: string, headers: string[] = []): Promise<Sip> {
  dialog.cseq += 1;
  caller.send(request(dialog, 'BYE', { to, headers }), psap.port);
  return caller.take(isResponse(dialog, 'BYE'), '200 to the BYE');
}

async function settled(psap: SippPsap, calls: number): Promise<ReturnType<SippPsap['result']>> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const r = psap.result();
    if (r.calls >= calls || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe('the SIPp answering point', () => {
  let caller: Caller;
  beforeAll(async () => {
    caller = await Caller.open();
  });
  afterAll(() => caller.close());

  describe.each(Object.keys(PSAP_PROFILES) as PsapProfileName[])('profile %s', (name) => {
    let psap: SippPsap;
    const profile: PsapProfile = PSAP_PROFILES[name];
    beforeAll(async () => {
      psap = await startSippPsap({ profile: name, ringMs: 0 });
    });
    afterAll(async () => {
      await psap?.stop();
    });

    it('answers a well-formed INVITE (100, 180, 200 with PCMU and telephone-event), echoes media, takes the BYE', async () => {
      const { dialog, provisional, final } = await call(caller, psap, {
        requestUri: psap.requestUri,
        identity: profile.identity,
        location: profile.location ? 'ok' : 'none',
        additionalData: [...profile.additionalData],
      });
      expect(final.status, final.header('Warning')).toBe(200);
      expect(provisional).toEqual([100, 180]);
      expect(final.body).toMatch(/^m=audio \d+ RTP\/AVP 0 126\r$/m);
      expect(final.body).toContain('a=rtpmap:0 PCMU/8000\r\n');
      expect(final.body).toContain('a=rtpmap:126 telephone-event/8000\r\n');
      const mediaPort = Number(/^m=audio (\d+)/m.exec(final.body)?.[1]);
      expect(mediaPort).toBe(psap.mediaPort);

      // -rtp_echo sends every RTP packet back to where it came from.
      const rtp = Buffer.concat([Buffer.from([0x80, 0x00, 0x00, 0x01, 0, 0, 0, 160, 1, 2, 3, 4]), Buffer.alloc(160, 0xff)]);
      const echoed = new Promise<Buffer>((resolve) => caller.socket.once('message', (m) => resolve(m)));
      caller.socket.send(rtp, mediaPort, '127.0.0.1');
      expect((await echoed).equals(rtp)).toBe(true);

      const ok = await hangUp(caller, psap, dialog, final.header('To') ?? '');
      expect(ok.status).toBe(200);
      const r = await settled(psap, 1);
      expect(r).toMatchObject({ calls: 1, failed: 0, failedChecks: [] });
      expect(r.errors).toEqual([]);
      expect(r.messages.map((m) => m.split(' ')[0])).toEqual(['INVITE', 'ACK', 'BYE']);
      expect(r.pidfLos).toHaveLength(profile.location ? 1 : 0);
      if (profile.location) expect(r.pidfLos[0]).toMatch(/^<\?xml[\s\S]*<ca:RD>Rue de la Paix<\/ca:RD>[\s\S]*<\/presence>$/);
    });
  });
  /** Sends a bad INVITE; expects 488 naming exactly `checks`, and one more failed call. */
  async function expectRejected(psap: SippPsap, shape: InviteShape, checks: string[]): Promise<void> {
    const before = psap.result();
    const { provisional, final } = await call(caller, psap, shape);
    expect(final.status).toBe(488);
    expect(provisional).toEqual([]);
    expect(final.header('Warning')).toBe(`399 127.0.0.1:${psap.port} "PSAP check failed: ${checks.join(' ')}"`);
    const after = await settled(psap, before.calls + 1);
    expect(after.calls).toBe(before.calls + 1);
    expect(after.failed).toBe(before.failed + 1);
    expect(after.failedChecks.slice(before.failedChecks.length)).toEqual(checks);
    expect(after.errors).toEqual([]);
  }

  describe('profile dial-string, broken one check at a time', () => {
    let psap: SippPsap;
    const good = (): InviteShape => ({ requestUri: psap.requestUri });
    beforeAll(async () => {
      psap = await startSippPsap({ profile: 'dial-string', ringMs: 0 });
    });
    afterAll(async () => {
      await psap?.stop();
    });

    it('rejects an INVITE without Priority', async () => {
      await expectRejected(psap, { ...good(), priority: false }, ['priority']);
    });
    it('rejects a Geolocation cid that points at no part', async () => {
      await expectRejected(psap, { ...good(), location: 'dangling' }, ['location-part']);
    });
    it('rejects a PIDF-LO without a civicAddress', async () => {
      await expectRejected(psap, { ...good(), location: 'no-civic' }, ['civic-address']);
    });
    it('rejects a wrong Request-URI', async () => {
      await expectRejected(psap, { requestUri: psap.requestUri.replace('sip:112@', 'sip:911@') }, ['request-uri']);
      await expectRejected(psap, { requestUri: 'urn:service:sos' }, ['request-uri']);
    });
    it('rejects a location the profile does not expect to be missing, and a missing identity', async () => {
      await expectRejected(psap, { ...good(), location: 'none' }, ['content-type', 'geolocation-routing', 'geolocation']);
      await expectRejected(psap, { ...good(), identity: null }, ['identity']);
      await expectRejected(psap, { ...good(), identity: 'sip:mallory@127.0.0.1' }, ['identity']);
    });
    it('rejects a PIDF-LO part of another type, a body without its closing delimiter, an offer without PCMU', async () => {
      await expectRejected(psap, { ...good(), edit: (c) => { c.body = c.body.replace('application/pidf+xml', 'application/xml'); } }, ['location-part']);
      await expectRejected(psap, { ...good(), edit: (c) => { c.body = c.body.replace(/--\r\n$/, '\r\n'); } }, ['multipart']);
      await expectRejected(psap, { ...good(), edit: (c) => { c.body = c.body.replace('RTP/AVP 111 9 0 8 126', 'RTP/AVP 111 9 8 126'); } }, ['sdp-offer']);
      await expectRejected(psap, { ...good(), edit: (c) => { c.headers = c.headers.filter((h) => !h.startsWith('Geolocation-Routing')); } }, ['geolocation-routing']);
    });
    it('names every failed check', async () => {
      await expectRejected(psap, { requestUri: 'sip:112@127.0.0.1', priority: false, location: 'no-civic' }, ['request-uri', 'priority', 'civic-address']);
    });
    it('answers PCMU alone when the offer has no telephone-event', async () => {
      const { dialog, final } = await call(caller, psap, {
        ...good(),
        edit: (c) => { c.body = c.body.replace(' 8 126\r\n', ' 8\r\n').replace('a=rtpmap:126 telephone-event/8000\r\n', ''); },
      });
      expect(final.status, final.header('Warning')).toBe(200);
      expect(final.body).toMatch(/^m=audio \d+ RTP\/AVP 0\r$/m);
      expect(final.body).not.toContain('telephone-event');
      await hangUp(caller, psap, dialog, final.header('To') ?? '');
    });
    it('reads header names in any case (RFC 3261 7.3.1)', async () => {
      const { dialog, final } = await call(caller, psap, {
        ...good(),
        edit: (c) => {
          c.headers = c.headers.map((h) => h.replace(/^Priority: emergency/, 'PRIORITY: Emergency').replace(/^Geolocation:/, 'geolocation:'));
          c.body = c.body.replace(/Content-ID:/g, 'Content-Id:').replace(/Content-Type:/g, 'content-type:');
        },
      });
      expect(final.status, final.header('Warning')).toBe(200);
      await hangUp(caller, psap, dialog, final.header('To') ?? '');
    });
  });

  it('profile additional-data: rejects a Call-Info whose block is missing', async () => {
    const psap = await startSippPsap({ profile: 'additional-data', ringMs: 0 });
    try {
      await expectRejected(psap, { requestUri: psap.requestUri, missingParts: ['DeviceInfo'] }, ['additional-data:DeviceInfo']);
      await expectRejected(psap, { requestUri: psap.requestUri, additionalData: ['ServiceInfo'] }, ['additional-data:DeviceInfo']);
    } finally {
      await psap.stop();
    }
  });

  it('profile no-location and no-identity: rejects a location, and an identity', async () => {
    const noLocation = await startSippPsap({ profile: 'no-location', ringMs: 0 });
    const noIdentity = await startSippPsap({ profile: 'no-identity', ringMs: 0 });
    try {
      await expectRejected(noLocation, { requestUri: noLocation.requestUri }, ['content-type', 'no-location']);
      await expectRejected(noIdentity, { requestUri: noIdentity.requestUri }, ['identity']);
    } finally {
      await Promise.all([noLocation.stop(), noIdentity.stop()]);
    }
  });

  it.each([
    ['while ringing', true],
    ['at once, before any answer', false],
  ])('takes a CANCEL %s: 200, then 487 to the INVITE; not a failed call', async (_, afterRinging) => {
    const psap = await startSippPsap({ profile: 'dial-string', ringMs: 2000 });
    try {
      const dialog: Dialog = { callId: `cancel-${Date.now()}@sipp-psap-test`, fromTag: 'c1', local: caller.local, requestUri: psap.requestUri, cseq: 1 };
      const { headers, contentType, body } = emergencyContent({ requestUri: psap.requestUri });
      const branch = `z9hG4bKcancel${Date.now()}`;
      caller.send(request(dialog, 'INVITE', { branch, headers, contentType, body }), psap.port);
      if (afterRinging) await caller.take(isResponse(dialog, 'INVITE', (st) => st === 180), '180');
      caller.send(request(dialog, 'CANCEL', { branch }), psap.port);
      expect((await caller.take(isResponse(dialog, 'CANCEL'), '200 to the CANCEL')).status).toBe(200);
      const terminated = await caller.take(isResponse(dialog, 'INVITE', (st) => st >= 200), '487');
      expect(terminated.status).toBe(487);
      expect(terminated.header('Via')).toContain(branch);
      expect(terminated.header('CSeq')).toBe('1 INVITE');
      caller.send(request(dialog, 'ACK', { branch, to: terminated.header('To') }), psap.port);
      const r = await settled(psap, 1);
      expect(r).toMatchObject({ calls: 1, failed: 0, failedChecks: [], errors: [] });
    } finally {
      await psap.stop();
    }
  });

  it('takes a CANCEL that crosses the 200: 200 to it, and the call goes on', async () => {
    const psap = await startSippPsap({ profile: 'dial-string', ringMs: 0 });
    try {
      const dialog: Dialog = { callId: `late-cancel-${Date.now()}@sipp-psap-test`, fromTag: 'c2', local: caller.local, requestUri: psap.requestUri, cseq: 1 };
      const { headers, contentType, body } = emergencyContent({ requestUri: psap.requestUri });
      const branch = `z9hG4bKlate${Date.now()}`;
      caller.send(request(dialog, 'INVITE', { branch, headers, contentType, body }), psap.port);
      const ok = await caller.take(isResponse(dialog, 'INVITE', (st) => st >= 200), '200');
      expect(ok.status).toBe(200);
      caller.send(request(dialog, 'CANCEL', { branch }), psap.port);
      expect((await caller.take(isResponse(dialog, 'CANCEL'), '200 to the CANCEL')).status).toBe(200);
      const to = ok.header('To') ?? '';
      caller.send(request(dialog, 'ACK', { to }), psap.port);
      expect((await hangUp(caller, psap, dialog, to)).status).toBe(200);
      const r = await settled(psap, 1);
      expect(r).toMatchObject({ calls: 1, failed: 0, failedChecks: [], errors: [] });
      expect(r.messages.map((m) => m.split(' ')[0])).toEqual(['INVITE', 'CANCEL', 'ACK', 'BYE']);
    } finally {
      await psap.stop();
    }
  });

  it('answers a re-INVITE and UPDATEs with new PIDF-LOs (each recorded), then a BYE with a Reason', async () => {
    const psap = await startSippPsap({ profile: 'dial-string', ringMs: 0 });
    try {
      const { dialog, final } = await call(caller, psap, { requestUri: psap.requestUri });
      expect(final.status, final.header('Warning')).toBe(200);
      const to = final.header('To') ?? '';

      dialog.cseq += 1;
      const moved = emergencyContent({ requestUri: psap.requestUri, road: 'Rue de Rivoli' });
      caller.send(request(dialog, 'INVITE', { to, ...moved }), psap.port);
      const reinvite = await caller.take(isResponse(dialog, 'INVITE', (st) => st >= 200), '200 to the re-INVITE');
      expect(reinvite.status).toBe(200);
      expect(reinvite.body).toBe(final.body);
      caller.send(request(dialog, 'ACK', { to }), psap.port);

      // An UPDATE with only the new location: no offer, so no answer.
      dialog.cseq += 1;
      caller.send(request(dialog, 'UPDATE', { to, ...emergencyContent({ requestUri: psap.requestUri, road: 'Quai Branly', sdp: false }) }), psap.port);
      const update = await caller.take(isResponse(dialog, 'UPDATE'), '200 to the UPDATE');
      expect(update.status).toBe(200);
      expect(update.body).toBe('');

      dialog.cseq += 1;
      caller.send(request(dialog, 'UPDATE', { to, ...emergencyContent({ requestUri: psap.requestUri, road: 'Avenue Foch' }) }), psap.port);
      const update2 = await caller.take(isResponse(dialog, 'UPDATE'), '200 to the second UPDATE');
      expect(update2.body).toBe(final.body);

      // An in-dialog INFO is answered and the call goes on.
      dialog.cseq += 1;
      caller.send(request(dialog, 'INFO', { to, contentType: 'application/dtmf-relay', body: 'Signal=5\r\nDuration=160\r\n' }), psap.port);
      expect((await caller.take(isResponse(dialog, 'INFO'), '200 to the INFO')).status).toBe(200);

      const bye = await hangUp(caller, psap, dialog, to, ['Reason: Q.850;cause=16;text="Normal call clearing"']);
      expect(bye.status).toBe(200);
      const r = await settled(psap, 1);
      expect(r).toMatchObject({ calls: 1, failed: 0, failedChecks: [], errors: [] });
      expect(r.pidfLos.map((p) => /<ca:RD>([^<]*)</.exec(p)?.[1])).toEqual(['Rue de la Paix', 'Rue de Rivoli', 'Quai Branly', 'Avenue Foch']);
      expect(r.messages.map((m) => m.split(' ')[0])).toEqual(['INVITE', 'ACK', 'INVITE', 'ACK', 'UPDATE', 'UPDATE', 'INFO', 'BYE']);
      expect(r.messages.at(-1)).toContain('Reason: Q.850;cause=16;text="Normal call clearing"');
    } finally {
      await psap.stop();
    }
  });
  it('answers a probe out of any call without counting it, and stops at once with a call still open', async () => {
    const psap = await startSippPsap({ profile: 'dial-string', ringMs: 0 });
    const probe: Dialog = { callId: `probe-${Date.now()}@sipp-psap-test`, fromTag: 'p1', local: caller.local, requestUri: psap.uri, cseq: 1 };
    caller.send(request(probe, 'OPTIONS'), psap.port);
    expect((await caller.take(isResponse(probe, 'OPTIONS'), '200 to the OPTIONS')).status).toBe(200);
    const { final } = await call(caller, psap, { requestUri: psap.requestUri });
    expect(final.status).toBe(200);
    const started = Date.now();
    await psap.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    // Read after the stop: SIPp's final statistics are in, and the open call never ended.
    expect(psap.result()).toMatchObject({ calls: 0, failed: 0, failedChecks: [], errors: [] });
    await psap.stop();
  });

  // The headers and body the app's own builders make, per gateway profile (as the e2e places them).
  describe.each<[string, GatewayProfile]>([
    ['dial string, location, identity, additional data', { requestUri: 'dial-string', location: 'by-value', identity: 'p-preferred-identity', additionalData: true }],
    ['service URN', { requestUri: 'service-urn', location: 'by-value', identity: 'p-preferred-identity', additionalData: true }],
    ['nothing but the SDP', { requestUri: 'dial-string', location: 'none', identity: 'none', additionalData: false }],
  ])('what the app builds under the gateway profile "%s"', (_, gateway) => {
    it('is answered, and the PIDF-LO is recorded', async () => {
      const psap = await startSippPsap({ profile: psapProfileFor(gateway, { dialString: '17', urn: 'urn:service:sos.police' }), ringMs: 0 });
      try {
        let n = 0;
        const random = (): string => `r${(n++).toString(36)}x`;
        const callback = 'sip:alice@127.0.0.1';
        const cid = `loc-${random()}@127.0.0.1`;
        const pidf = gateway.location === 'by-value'
          ? buildPidfLo({ entity: callback, address: { country: 'FR', A3: 'Paris', RD: 'Rue de la Paix', HNO: '10', PC: '75002' }, source: 'administrator', deviceId: '8c5d0a4e-1111-2222-3333-444455556666', timestamp: new Date() })
          : null;
        const adr = gateway.additionalData
          ? additionalDataParts({
            random,
            sipUri: callback,
            languages: ['fr'],
            device: { deviceId: '8c5d0a4e-1111-2222-3333-444455556666', appName: 'Secours Softphone', appVersion: '0.1.0', platform: 'Linux' },
            comments: [{ text: 'Adresse enregistrée par l’administrateur.', lang: 'fr' }],
          })
          : [];
        const headers = emergencyHeaders({
          callbackUri: callback,
          urn: gateway.requestUri === 'dial-string' ? 'urn:service:sos.police' : undefined,
          pidfLo: pidf,
          contentId: cid,
          identity: gateway.identity === 'p-preferred-identity',
          callInfo: adr.map((a) => a.callInfo),
        });
        const others = [...(pidf ? [pidfPart(pidf, cid)] : []), ...adr];
        const content: Content = others.length
          ? { headers, ...multipartOffer(SDP, others, random) }
          : { headers, contentType: 'application/sdp', body: SDP };

        const { dialog, final } = await call(caller, psap, { requestUri: psap.requestUri, edit: (c) => Object.assign(c, content) });
        expect(final.status, final.header('Warning')).toBe(200);
        await hangUp(caller, psap, dialog, final.header('To') ?? '');
        const r = await settled(psap, 1);
        expect(r).toMatchObject({ calls: 1, failed: 0, failedChecks: [], errors: [] });
        expect(r.pidfLos).toEqual(pidf ? [pidf] : []);
      } finally {
        await psap.stop();
      }
    });
  });
});
