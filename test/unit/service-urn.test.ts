/**
 * An emergency INVITE to an RFC 5031 service URN (RFC 6881): the URN is the Request-URI and the
 * To, and every message of the call still works through sip.js 0.21.2 with
 * patches/sip.js+0.21.2.patch: the digest answer, the responses whose To is the URN (unpatched,
 * sip.js drops them as unparsable), ACK and BYE to the Contact, CANCEL and the answering point's
 * own BYE (its From is the URN).
 */
import { createHash } from 'node:crypto';
import { SessionState, UserAgent } from 'sip.js';
import { Grammar, Parser, type IncomingRequestMessage, type IncomingResponse } from 'sip.js/lib/core';
import { FAKE_SDP, FakeTransport, fakeSdh, quietLogger } from '../helpers/sip-fakes';
import { describe, expect, it, vi } from 'vitest';
import { EmergencyInviter, SUPERSEDED_REASON } from '../../src/sip/emergency-attempt';
import { DIAL_STRING_HEADER, isServiceUrn, serviceUrnInvite, serviceUrnUri } from '../../src/sip/service-urn';

const URN = 'urn:service:sos.police';

/** The gateway's side of the connection: keeps what the user agent sends, and hands it replies. */
class GatewayTransport extends FakeTransport {
  static last: GatewayTransport | undefined;

  constructor() {
    super();
    GatewayTransport.last = this;
  }
  /** The first message sent that `match` accepts, once it is sent. */
  async next(match: (m: string) => boolean, what: string): Promise<string> {
    return vi.waitFor(
      () => {
        const m = this.sent.find(match);
        if (m === undefined) throw new Error(`not sent: ${what}\n--- sent:\n${this.sent.join('\n---\n')}`);
        return m;
      },
      { timeout: 2000, interval: 2 },
    );
  }
}

const SDP = FAKE_SDP;

const firstLine = (m: string): string => m.slice(0, m.indexOf('\r\n'));
const header = (m: string, name: string): string | undefined => new RegExp(`^${name}: (.*)$`, 'mi').exec(m)?.[1];
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** The gateway's response to `request`; the To gets `toTag` (the dialog's, or a transaction's). */
function reply(request: string, code: number, reason: string, opts: { toTag?: string; headers?: string[]; sdp?: boolean } = {}): string {
  const body = opts.sdp ? SDP : '';
  return [
    `SIP/2.0 ${code} ${reason}`,
    `Via: ${header(request, 'Via')}`,
    `From: ${header(request, 'From')}`,
    `To: ${header(request, 'To')}${opts.toTag ? `;tag=${opts.toTag}` : ''}`,
    `Call-ID: ${header(request, 'Call-ID')}`,
    `CSeq: ${header(request, 'CSeq')}`,
    ...(opts.headers ?? []),
    ...(opts.sdp ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
}

async function startUserAgent(): Promise<{ ua: UserAgent; gw: GatewayTransport }> {
  const ua = new UserAgent({
    uri: UserAgent.makeURI('sip:alice@example.com'),
    authorizationUsername: 'alice',
    authorizationPassword: 'pw',
    transportConstructor: GatewayTransport,
    sessionDescriptionHandlerFactory: fakeSdh as never,
    logBuiltinEnabled: false,
    logLevel: 'error',
  });
  await ua.start();
  const gw = GatewayTransport.last;
  if (!gw) throw new Error('no transport');
  return { ua, gw };
}

/** Calls the URN through the app's EmergencyInviter; `progress` gets each 1xx sip.js accepted. */
function callUrn(ua: UserAgent, progress: number[]): EmergencyInviter {
  const { target, extraHeaders } = serviceUrnInvite(URN, '17');
  const inviter = new EmergencyInviter(ua, target, { extraHeaders: ['Priority: emergency', ...extraHeaders] });
  void inviter.invite({
    requestDelegate: { onProgress: (r: IncomingResponse) => void progress.push(r.message.statusCode ?? 0) },
  });
  return inviter;
}

/** sip.js's own parser takes the request back whole: start line, To and From. */
function parsesBack(raw: string): IncomingRequestMessage {
  const msg = Parser.parseMessage(raw, quietLogger);
  if (!msg || !('method' in msg)) throw new Error(`sip.js cannot parse what it sent:\n${raw}`);
  expect(msg.parseHeader('To'), `To: ${msg.getHeader('To')}`).toBeTruthy();
  expect(msg.parseHeader('From'), `From: ${msg.getHeader('From')}`).toBeTruthy();
  return msg as IncomingRequestMessage;
}

describe('serviceUrnUri', () => {
  it('takes RFC 5031 service URNs, lower-cased, and renders them without slashes', () => {
    for (const [input, out] of [
      ['urn:service:sos', 'urn:service:sos'],
      ['URN:Service:SOS.Police', 'urn:service:sos.police'],
      ['urn:service:counseling.children', 'urn:service:counseling.children'],
      ['urn:service:test.sos.ambulance', 'urn:service:test.sos.ambulance'],
      ['urn:service:sos.a-b', 'urn:service:sos.a-b'],
    ] as const) {
      const uri = serviceUrnUri(input);
      expect(uri.toString()).toBe(out);
      expect(uri.toRaw()).toBe(out);
      expect(uri.clone().toString()).toBe(out);
      expect(uri.scheme).toBe('urn');
      expect(isServiceUrn(input)).toBe(true);
    }
  });

  it('refuses anything else with a clear error', () => {
    for (const bad of [
      '',
      'sos',
      'sip:sos@example.com',
      'urn:service:',
      'urn:service:sos.',
      'urn:service:.sos',
      'urn:service:sos..police',
      'urn:service:-sos',
      'urn:service:sos-',
      'urn:service:sos_police',
      'urn:services:sos',
      'urn:nena:service:sos',
      'urn:service:sos police',
      'urn:service:sos\r\nX: y',
      ' urn:service:sos',
      `urn:service:${'a'.repeat(28)}`,
    ]) {
      expect(() => serviceUrnUri(bad), bad).toThrow(/not an RFC 5031 service URN/);
      expect(isServiceUrn(bad), bad).toBe(false);
    }
    expect(serviceUrnUri(`urn:service:${'a'.repeat(27)}.${'b'.repeat(40)}`).scheme).toBe('urn');
  });

  it('keeps the dial string in its own header, and refuses one that could break the request', () => {
    expect(serviceUrnInvite(URN, '112').extraHeaders).toEqual([`${DIAL_STRING_HEADER}: 112`]);
    expect(serviceUrnInvite(URN, '+4930112').extraHeaders).toEqual([`${DIAL_STRING_HEADER}: +4930112`]);
    expect(serviceUrnInvite(URN).extraHeaders).toEqual([]);
    for (const bad of ['', '11 2', '112\r\nX: y', 'abc', '1+1']) expect(() => serviceUrnInvite(URN, bad), bad).toThrow(/not a dial string/);
  });
});

describe("sip.js's grammar (patched)", () => {
  it('parses a To or From whose URI is a URN, with a display name and parameters', () => {
    for (const rule of ['To', 'From']) {
      const h = Grammar.parse('"PSAP" <urn:service:sos.police>;tag=x;foo=bar', rule);
      expect(h, rule).not.toBe(-1);
      expect(h.uri.toString()).toBe(URN);
      expect(h.displayName).toBe('PSAP');
      expect(h.getParam('tag')).toBe('x');
    }
  });
  it('still refuses a URN where a SIP URI is needed, and a malformed URN anywhere', () => {
    expect(Grammar.parse('<urn:service:sos>', 'Contact')).toBe(-1);
    expect(Grammar.parse('<urn:service:sos;lr>', 'Record_Route')).toBe(-1);
    expect(Grammar.URIParse('urn:service:sos')).toBeUndefined();
    for (const bad of ['<urn:x>', '<urn:service:>', '<urn:service:sos', '<urn:-x:y>', '<urn:service:sos?x>', '<tel:112>']) {
      expect(Grammar.parse(bad, 'To'), bad).toBe(-1);
    }
    expect(Grammar.parse('"A" <sip:alice@example.com>;tag=1', 'To').uri.toString()).toBe('sip:alice@example.com');
  });
});

describe('an emergency INVITE to urn:service:sos.police', () => {
  it('goes out with the URN as Request-URI and To, answers a 407 over the URN, and is answered: ACK and BYE go to the Contact', async () => {
    const { ua, gw } = await startUserAgent();
    const progress: number[] = [];
    const inviter = callUrn(ua, progress);

    const invite = await gw.next((m) => m.startsWith('INVITE '), 'INVITE');
    expect(firstLine(invite)).toBe(`INVITE ${URN} SIP/2.0`);
    expect(header(invite, 'To')).toBe(`<${URN}>`);
    expect(header(invite, DIAL_STRING_HEADER)).toBe('17');
    const parsed = parsesBack(invite);
    expect(parsed.method).toBe('INVITE');
    expect(parsed.to.uri.toString()).toBe(URN);

    // A proxy challenge: the digest is over the Request-URI, which is the URN.
    gw.receive(reply(invite, 407, 'Proxy Authentication Required', { toTag: 'p1', headers: ['Proxy-Authenticate: Digest realm="example.com", nonce="n1", qop="auth", algorithm=MD5'] }));
    const ack407 = await gw.next((m) => m.startsWith('ACK '), 'ACK for the 407');
    expect(firstLine(ack407)).toBe(`ACK ${URN} SIP/2.0`);
    expect(header(ack407, 'To')).toBe(`<${URN}>;tag=p1`);
    const authed = await gw.next((m) => m.startsWith('INVITE ') && /^Proxy-Authorization: /m.test(m), 'INVITE with credentials');
    expect(firstLine(authed)).toBe(`INVITE ${URN} SIP/2.0`);
    parsesBack(authed);
    const auth = header(authed, 'Proxy-Authorization') ?? '';
    expect(auth).toContain(`uri="${URN}"`);
    const p = Object.fromEntries([...auth.matchAll(/(\w+)="?([^",]*)"?/g)].map((x) => [x[1], x[2]]));
    const ha2 = md5(`INVITE:${URN}`);
    expect(p.response).toBe(md5(`${md5('alice:example.com:pw')}:n1:${p.nc}:${p.cnonce}:auth:${ha2}`));

    // The answering side rings and answers: its To is the URN, its Contact a SIP URI.
    const contact = 'Contact: <sip:psap@gw.example.com;transport=ws>';
    gw.receive(reply(authed, 180, 'Ringing', { toTag: 'x', headers: [contact] }));
    await vi.waitFor(() => expect(progress).toContain(180));
    gw.receive(reply(authed, 200, 'OK', { toTag: 'x', headers: [contact], sdp: true }));
    await vi.waitFor(() => expect(inviter.state).toBe(SessionState.Established));

    const ack = await gw.next((m) => m.startsWith('ACK ') && m !== ack407, 'ACK for the 200');
    expect(firstLine(ack)).toBe('ACK sip:psap@gw.example.com;transport=ws SIP/2.0');
    expect(header(ack, 'To')).toBe(`<${URN}>;tag=x`);
    parsesBack(ack);

    void inviter.bye();
    const bye = await gw.next((m) => m.startsWith('BYE '), 'BYE');
    expect(firstLine(bye)).toBe('BYE sip:psap@gw.example.com;transport=ws SIP/2.0');
    expect(header(bye, 'To')).toBe(`<${URN}>;tag=x`);
    parsesBack(bye);
    gw.receive(reply(bye, 200, 'OK'));
    await vi.waitFor(() => expect(inviter.state).toBe(SessionState.Terminated));
    void ua.stop().catch(() => undefined);
  });

  it("ends when the answering point hangs up: its BYE's From is the URN", async () => {
    const { ua, gw } = await startUserAgent();
    const inviter = callUrn(ua, []);
    const invite = await gw.next((m) => m.startsWith('INVITE '), 'INVITE');
    gw.receive(reply(invite, 200, 'OK', { toTag: 'x', headers: ['Contact: <sip:psap@gw.example.com;transport=ws>'], sdp: true }));
    await vi.waitFor(() => expect(inviter.state).toBe(SessionState.Established));

    const ourContact = /<([^>]+)>/.exec(header(invite, 'Contact') ?? '')?.[1];
    const fromTag = /;tag=([^;]+)/.exec(header(invite, 'From') ?? '')?.[1];
    gw.receive(
      [
        `BYE ${ourContact} SIP/2.0`,
        'Via: SIP/2.0/WSS gw.example.com;branch=z9hG4bKgwbye1',
        'Max-Forwards: 70',
        `From: <${URN}>;tag=x`,
        `To: ${header(invite, 'From')?.replace(/;tag=.*/, '')};tag=${fromTag}`,
        `Call-ID: ${header(invite, 'Call-ID')}`,
        'CSeq: 1 BYE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    await vi.waitFor(() => expect(inviter.state).toBe(SessionState.Terminated));
    const ok = await gw.next((m) => m.startsWith('SIP/2.0 200') && /^CSeq: 1 BYE$/m.test(m), '200 to the BYE');
    expect(header(ok, 'From')).toBe(`<${URN}>;tag=x`);
    void ua.stop().catch(() => undefined);
  });

  it('is cancelled before the answer with the URN as the CANCEL Request-URI; the 487 is ACKed there too', async () => {
    const { ua, gw } = await startUserAgent();
    const progress: number[] = [];
    const inviter = callUrn(ua, progress);
    const invite = await gw.next((m) => m.startsWith('INVITE '), 'INVITE');
    gw.receive(reply(invite, 180, 'Ringing', { toTag: 'y', headers: ['Contact: <sip:psap@gw.example.com>'] }));
    await vi.waitFor(() => expect(progress).toContain(180));

    void inviter.release(SUPERSEDED_REASON);
    const cancel = await gw.next((m) => m.startsWith('CANCEL '), 'CANCEL');
    expect(firstLine(cancel)).toBe(`CANCEL ${URN} SIP/2.0`);
    expect(header(cancel, 'To')).toBe(`<${URN}>`);
    expect(header(cancel, 'Via')).toBe(header(invite, 'Via'));
    expect(header(cancel, 'Reason')).toBe(SUPERSEDED_REASON);
    parsesBack(cancel);

    gw.receive(reply(cancel, 200, 'OK'));
    gw.receive(reply(invite, 487, 'Request Terminated', { toTag: 'y' }));
    const ack = await gw.next((m) => m.startsWith('ACK '), 'ACK for the 487');
    expect(firstLine(ack)).toBe(`ACK ${URN} SIP/2.0`);
    expect(header(ack, 'To')).toBe(`<${URN}>;tag=y`);
    await vi.waitFor(() => expect(inviter.state).toBe(SessionState.Terminated));
    void ua.stop().catch(() => undefined);
  });
});
