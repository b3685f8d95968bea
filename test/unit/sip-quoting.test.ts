/**
 * For any account the app accepts, every request it sends parses with sip.js's own parser: the
 * REGISTER and its digest answer, an ordinary INVITE, an emergency INVITE and a MESSAGE. sip.js
 * quotes display names without escaping; a fuzz run found 277 of 1,584 accepted names that broke it.
 */
import fc from 'fast-check';
import { Inviter, Messager, Registerer, UserAgent } from 'sip.js';
import { Parser, type IncomingRequestMessage } from 'sip.js/lib/core';
import { FakeTransport, fakeSdh, quietLogger } from '../helpers/sip-fakes';
import { Grammar } from 'sip.js/lib/grammar';
import { describe, expect, it } from 'vitest';
import { checkAccount, type AccountWithPassword } from '../../src/account';
import { identityOptions } from '../../src/sip/identity';
import { EmergencyInviter } from '../../src/sip/emergency-attempt';
import { emergencyHeaders } from '../../src/sip/emergency-invite';
import { sipDisplayName, unquoteDisplayName } from '../../src/sip/quoting';

/** Keeps what the user agent sends; answers a REGISTER with a digest challenge once. */
class CaptureTransport extends FakeTransport {
  static sent: string[] = [];
  private challenged = false;

  override async send(message: string): Promise<void> {
    CaptureTransport.sent.push(message);
    if (!this.challenged && message.startsWith('REGISTER ')) {
      this.challenged = true;
      const head = (name: string): string => new RegExp(`^${name}: (.*)$`, 'mi').exec(message)?.[1] ?? '';
      const reply = [
        'SIP/2.0 401 Unauthorized',
        `Via: ${head('Via')}`,
        `From: ${head('From')}`,
        `To: ${head('To')};tag=gw1`,
        `Call-ID: ${head('Call-ID')}`,
        `CSeq: ${head('CSeq')}`,
        'WWW-Authenticate: Digest realm="example.com", nonce="abc123", qop="auth", algorithm=MD5',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      setTimeout(() => this.receive(reply), 0);
    }
  }
}

/** Everything the app sends for this account, as it goes on the wire. */
async function sentFor(account: AccountWithPassword): Promise<string[]> {
  CaptureTransport.sent = [];
  const ua = new UserAgent({
    ...identityOptions(account),
    transportConstructor: CaptureTransport,
    sessionDescriptionHandlerFactory: fakeSdh as never,
    logBuiltinEnabled: false,
    logLevel: 'error',
  });
  await ua.start();
  const registerer = new Registerer(ua);
  await registerer.register();
  await new Promise((r) => setTimeout(r, 5)); // the digest answer to the 401
  const target = UserAgent.makeURI('sip:1000@example.com');
  if (!target) throw new Error('target');
  await new Inviter(ua, target).invite();
  const parts = { callbackUri: account.sipUri, urn: 'urn:service:sos', pidfLo: null, contentId: 'loc-1@example.com' };
  await new EmergencyInviter(ua, target, { extraHeaders: emergencyHeaders(parts) }).invite();
  await new Messager(ua, target, 'Emergency call started: 112').message();
  await new Promise((r) => setTimeout(r, 0));
  const sent = [...CaptureTransport.sent];
  // Not awaited: stopping waits for answers this transport never gives.
  void ua.stop().catch(() => undefined);
  return sent;
}

function parses(raw: string): IncomingRequestMessage {
  const msg = Parser.parseMessage(raw, quietLogger);
  if (!msg || !('method' in msg)) throw new Error(`sip.js cannot parse what it sent:\n${raw}`);
  for (const name of ['From', 'To', 'Contact']) {
    if (msg.hasHeader(name) && !msg.parseHeader(name)) throw new Error(`sip.js cannot parse its own ${name}: ${msg.getHeader(name)}`);
  }
  // Not a header sip.js parses itself: a name-addr by its grammar (RFC 3325).
  const ppi = msg.getHeader('P-Preferred-Identity');
  if (ppi !== undefined && !Grammar.nameAddrHeaderParse(ppi)) throw new Error(`P-Preferred-Identity does not parse: ${ppi}`);
  return msg as IncomingRequestMessage;
}

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

const base = { gateways: ['wss://gw.example.com'], sipUri: 'sip:alice@example.com', authUser: 'alice', displayName: 'Alice', password: 'pw', iceServers: [] };

describe('display names', () => {
  it('are escaped as RFC 3261 quoted-pairs', () => {
    expect(sipDisplayName('Bob "The Builder"')).toBe('Bob \\"The Builder\\"');
    expect(sipDisplayName('a\\b')).toBe('a\\\\b');
    expect(unquoteDisplayName(sipDisplayName('Bob "The \\ Builder"'))).toBe('Bob "The \\ Builder"');
  });

  it('Bob "The Builder" registers: the REGISTER and its digest answer parse, and the name comes back whole', async () => {
    const checked = checkAccount({ ...base, displayName: 'Bob "The Builder"' }, true);
    if (!checked.ok) throw new Error('accepted before, accepted now');
    const sent = await sentFor(checked.value);
    const registers = sent.filter((m) => m.startsWith('REGISTER '));
    expect(registers).toHaveLength(2);
    expect(registers[1]).toMatch(/^Authorization: Digest /m);
    for (const m of sent) parses(m);
    const from = parses(sent[0] as string).from;
    expect(unquoteDisplayName(from.displayName)).toBe('Bob "The Builder"');
  });
});

describe('SIP addresses and user names', () => {
  it("are checked with sip.js's grammar: no '>', ',' or '<' slipped into an address of record", () => {
    for (const sipUri of ['sip:a>,<x@example.com', 'sip:a"b@example.com', 'sip:@example.com', 'sip:example.com', 'sip:alice@example.com;transport=ws', 'sip:alice@exa mple.com']) {
      const r = checkAccount({ ...base, sipUri, authUser: '' }, true);
      expect(r.ok, sipUri).toBe(false);
    }
    for (const sipUri of ['sip:alice@example.com', 'sips:bob@[2001:db8::1]:5061', 'sip:a%22b@example.com'.replace('%22b', '.b')]) {
      expect(checkAccount({ ...base, sipUri }, true).ok, sipUri).toBe(true);
    }
  });
  it('a digest user name with a quote or a backslash is refused with a clear error, not sent broken', () => {
    const r = checkAccount({ ...base, authUser: 'al"ice' }, true);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ field: 'authUser', code: 'authUserChars' });
    // The user part decodes to a quote: it would become the digest user name, so it is refused too.
    expect(checkAccount({ ...base, sipUri: 'sip:a%22b@example.com', authUser: '' }, true).ok).toBe(false);
  });
});

describe('every request, for any account the app accepts', () => {
  const nameChars = fc.constantFrom('a', 'Z', ' ', '"', '\\', '<', '>', ',', ';', ':', '@', "'", '%', 'é', '🚑', '\t', 'ש', '=', '?', '&');
  const userChars = fc.constantFrom('a', 'b', '1', '.', '-', '_', '!', '~', '*', "'", '(', ')', '%22', '%5C', '%20', '+', '&', '=', '$', ',', ';', '?', '/', '"', '<', '>', '@');
  it('parses with sip.js, and the display name comes back as typed', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(nameChars, { maxLength: 24 }).map((a) => a.join('')),
        fc.array(userChars, { minLength: 1, maxLength: 8 }).map((a) => a.join('')),
        fc.option(fc.array(nameChars, { minLength: 1, maxLength: 12 }).map((a) => a.join('')), { nil: '' }),
        async (displayName, user, authUser) => {
          const checked = checkAccount({ ...base, displayName, sipUri: `sip:${user}@example.com`, authUser }, true);
          if (!checked.ok) return;
          accepted += 1;
          const sent = await sentFor(checked.value);
          expect(sent.length).toBeGreaterThanOrEqual(5);
          for (const raw of sent) parses(raw);
          const from = parses(sent[0] as string).from;
          if (checked.value.displayName) expect(unquoteDisplayName(from.displayName)).toBe(checked.value.displayName.replace(CONTROL_CHARS, ' '));
        },
      ),
      { numRuns: 300 },
    );
    // The property is about accepted accounts: make sure there were plenty.
    expect(accepted).toBeGreaterThan(20);
  });
});
