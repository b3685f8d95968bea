import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LINK_SCHEMES, linkFromQuery, MAX_LINK_LENGTH, parseCallLink, PROTOCOL_HANDLER_SCHEMES, type CallLink } from '../../src/links';
import { parseDialString } from '../../src/dial';

function target(uri: string): string {
  const link = parseCallLink(uri);
  if (!link.ok) throw new Error(`${uri}: ${link.error}`);
  return link.target;
}

function error(uri: string): string {
  const link = parseCallLink(uri);
  if (link.ok) throw new Error(`${uri} was accepted as ${link.target}`);
  return link.error;
}

describe('parseCallLink: tel: (RFC 3966)', () => {
  it('reads a global number, visual separators removed', () => {
    expect(parseCallLink('tel:+33-1-23-45-67-89')).toEqual({ ok: true, scheme: 'tel', target: '+33123456789', display: '+33123456789' });
    expect(target('tel:+1.(212).555.1212')).toBe('+12125551212');
    expect(target('tel:+33%201%2023%2045%2067%2089')).toBe('+33123456789');
    expect(target('tel:+33 1 23 45 67 89')).toBe('+33123456789');
    expect(target('TEL:+33123456789')).toBe('+33123456789');
    expect(target('tel://+33123456789')).toBe('+33123456789');
    expect(target('tel:%2B33123456789')).toBe('+33123456789');
  });

  it('keeps a local number without a phone-context as written (dialled as if typed)', () => {
    expect(target('tel:01 23 45 67 89')).toBe('0123456789');
    expect(target('tel:1000')).toBe('1000');
  });

  it('prefixes a "+" phone-context to a plain subscriber number', () => {
    expect(parseCallLink('tel:123456789;phone-context=+33')).toEqual({
      ok: true,
      scheme: 'tel',
      target: '+33123456789',
      display: '+33123456789',
      context: '+33',
    });
    expect(target('tel:5678-1234;phone-context=+81-3')).toBe('+81356781234');
    expect(target('tel:5678-1234;Phone-Context=+81-3')).toBe('+81356781234');
  });

  it('does not prefix a context where that would change the number (service codes, trunk 0, too long)', () => {
    // RFC 3966 writes emergency and service numbers as local numbers in a context: +33112 is not 112.
    expect(parseCallLink('tel:112;phone-context=+33')).toMatchObject({ ok: true, target: '112', context: '+33' });
    expect(target('tel:911;phone-context=+1')).toBe('911');
    expect(target('tel:116117;phone-context=+49')).toBe('116117');
    expect(target('tel:*21#;phone-context=+33')).toBe('*21#');
    expect(target('tel:01-23-45-67-89;phone-context=+33')).toBe('0123456789');
    expect(target('tel:1234567890123;phone-context=+339')).toBe('1234567890123');
  });

  it('keeps a local number alone in a domain context', () => {
    expect(parseCallLink('tel:7042;phone-context=Example.COM')).toEqual({
      ok: true,
      scheme: 'tel',
      target: '7042',
      display: '7042',
      context: 'example.com',
    });
  });

  it('ignores a phone-context on a global number', () => {
    expect(target('tel:+33123456789;phone-context=+44')).toBe('+33123456789');
  });

  it('drops ;isub= and unknown parameters, and returns ;ext= apart (never dialled)', () => {
    expect(parseCallLink('tel:+1-201-555-0123;ext=1234')).toEqual({
      ok: true,
      scheme: 'tel',
      target: '+12015550123',
      display: '+12015550123',
      extension: '1234',
    });
    expect(parseCallLink('tel:+1-201-555-0123;isub=1411;npdi;rn=+1-201-555-0000')).toEqual({
      ok: true,
      scheme: 'tel',
      target: '+12015550123',
      display: '+12015550123',
    });
    expect(target('tel:+33123456789;')).toBe('+33123456789');
    expect(target('tel:+33123456789?body=x')).toBe('+33123456789');
  });

  it('keeps * and # of a local number (service codes)', () => {
    expect(target('tel:*21#')).toBe('*21#');
    expect(target('tel:%2A21%23')).toBe('*21#');
    expect(target('tel:#31#0123456789')).toBe('#31#0123456789');
  });

  it('returns an emergency number like any other: the dialer classifies it, the user presses Call', () => {
    expect(parseCallLink('tel:112')).toEqual({ ok: true, scheme: 'tel', target: '112', display: '112' });
    expect(target('tel:15')).toBe('15');
    expect(target('tel:9-1-1')).toBe('911');
  });

  it('refuses letters, tones A-F, a misplaced "+", and * or # in a global number, clearly', () => {
    expect(error('tel:1-800-FLOWERS')).toMatch(/letters/);
    expect(error('tel:+1-800-FLOWERS')).toMatch(/letters/);
    expect(error('tel:12A4')).toMatch(/tones A to F/);
    expect(error('tel:12+34')).toMatch(/"\+" may only start/);
    expect(error('tel:+33*12')).toMatch(/digits only/);
    expect(error('tel:+')).toMatch(/digits only/);
    expect(error('tel:12_34')).toMatch(/cannot be dialled/);
  });

  it('refuses an empty number, a bad extension or context, and two contexts', () => {
    expect(error('tel:')).toMatch(/no number/);
    expect(error('tel:---')).toMatch(/no number/);
    expect(error('tel:;ext=1')).toMatch(/no number/);
    expect(error('tel:+33123456789;ext=12a')).toMatch(/extension/);
    expect(error('tel:+33123456789;ext=')).toMatch(/extension/);
    expect(error('tel:1234;phone-context=')).toMatch(/phone-context/);
    expect(error('tel:1234;phone-context=ex_ample!')).toMatch(/phone-context/);
    expect(error('tel:1234;phone-context=+33;phone-context=+44')).toMatch(/two phone-contexts/);
  });
});

describe('parseCallLink: sip: and sips:', () => {
  it('reads user@host, parameters and headers dropped', () => {
    expect(parseCallLink('sip:alice@example.com')).toEqual({ ok: true, scheme: 'sip', target: 'alice@example.com', display: 'alice@example.com' });
    expect(target('sip:alice@example.com;transport=tcp')).toBe('alice@example.com');
    expect(target('sip:alice@example.com?subject=project%20x&priority=urgent')).toBe('alice@example.com');
    expect(target('sip:alice@example.com;transport=tcp?subject=a@b')).toBe('alice@example.com');
    expect(parseCallLink('sips:alice@example.com')).toMatchObject({ ok: true, scheme: 'sips', target: 'alice@example.com' });
    expect(target('SIP:Alice@Example.COM')).toBe('Alice@example.com');
    expect(target('sip://alice@example.com')).toBe('alice@example.com');
  });

  it('keeps a port and IP hosts, and drops a password', () => {
    expect(target('sip:alice@example.com:5061;transport=tls')).toBe('alice@example.com:5061');
    expect(target('sip:alice@192.0.2.10')).toBe('alice@192.0.2.10');
    expect(target('sip:alice@[2001:DB8::1]:5060')).toBe('alice@[2001:db8::1]:5060');
    expect(target('sip:alice:secret@example.com')).toBe('alice@example.com');
  });

  it('percent-decodes the user, escaping again only what the dial box needs', () => {
    expect(target('sip:alice%2Esmith@example.com')).toBe('alice.smith@example.com');
    expect(parseCallLink('sip:*21%23@pbx.example.com')).toMatchObject({ target: '*21%23@pbx.example.com', display: '*21#@pbx.example.com' });
    expect(parseCallLink('sip:%C3%A9lise@example.com')).toMatchObject({ target: '%C3%A9lise@example.com', display: 'élise@example.com' });
    expect(parseCallLink('sip:élise@example.com')).toMatchObject({ target: '%C3%A9lise@example.com', display: 'élise@example.com' });
    expect(target("sip:o'brien@example.com")).toBe("o'brien@example.com");
  });

  it('targets the whole user@host of a telephone number (user=phone), separators removed', () => {
    expect(target('sip:+33123456789@gw.example.com;user=phone')).toBe('+33123456789@gw.example.com');
    expect(target('sip:+1-212-555-1212;isub=12@gateway.example.com;user=phone')).toBe('+12125551212@gateway.example.com');
    expect(error('sip:+1-800-FLOWERS@gw.example.com;user=phone')).toMatch(/letters/);
  });

  it('reads a bare user or number (no host) as if typed', () => {
    expect(parseCallLink('sip:1000')).toEqual({ ok: true, scheme: 'sip', target: '1000', display: '1000' });
    expect(target('sip:alice;transport=udp')).toBe('alice');
  });

  it('refuses a missing user or host, a bad host, and spaces or quotes in the user', () => {
    expect(error('sip:')).toMatch(/no number or address/);
    expect(error('sip:@example.com')).toMatch(/no user/);
    expect(error('sip:alice@')).toMatch(/no host/);
    expect(error('sip:alice@exa_mple.com')).toMatch(/host/);
    expect(error('sip:alice@example.com:99999')).toMatch(/host/);
    expect(error('sip:alice@-example.com')).toMatch(/host/);
    expect(error('sip:alice%20smith@example.com')).toMatch(/spaces/);
    expect(error('sip:al%22ice@example.com')).toMatch(/quotes/);
    expect(error('sip:al%3Cice@example.com')).toMatch(/quotes/);
  });
});

describe('parseCallLink: callto:', () => {
  it('reads a number, with or without //, separators and Skype-style suffixes removed', () => {
    expect(parseCallLink('callto:+33123456789')).toEqual({ ok: true, scheme: 'callto', target: '+33123456789', display: '+33123456789' });
    expect(target('callto://+33123456789')).toBe('+33123456789');
    expect(target('callto://+33%201%2023%2045%2067%2089/')).toBe('+33123456789');
    expect(target('callto:+33123456789?call')).toBe('+33123456789');
    expect(target('callto:0123456789')).toBe('0123456789');
  });

  it('reads user@host and a plain name', () => {
    expect(parseCallLink('callto:alice@example.com')).toEqual({ ok: true, scheme: 'callto', target: 'alice@example.com', display: 'alice@example.com' });
    expect(target('callto://alice@example.com/')).toBe('alice@example.com');
    expect(target('callto:echo123')).toBe('echo123');
  });

  it('refuses letters in a number and an empty link', () => {
    expect(error('callto:+1-800-FLOWERS')).toMatch(/letters/);
    expect(error('callto://')).toMatch(/no number or address/);
    expect(error('callto:/')).toMatch(/no number or address/);
  });
});

describe('parseCallLink: hostile input', () => {
  it('refuses other schemes and non-links', () => {
    expect(error('javascript:alert(1)')).toMatch(/javascript: is not a call link/);
    expect(error('JavaScript:alert(1)')).toMatch(/not a call link/);
    expect(error('data:text/html,hi')).toMatch(/not a call link/);
    expect(error('https://example.com/')).toMatch(/not a call link/);
    expect(error('mailto:alice@example.com')).toMatch(/not a call link/);
    expect(error('+33123456789')).toMatch(/not a sip:, sips:, tel: or callto: link/);
    expect(error('alice@example.com')).toMatch(/not a sip:/);
  });

  it('refuses empty input', () => {
    expect(error('')).toMatch(/empty/);
    expect(error('   ')).toMatch(/empty/);
  });

  it(`refuses a link over ${MAX_LINK_LENGTH} characters`, () => {
    expect(error(`tel:${'1'.repeat(MAX_LINK_LENGTH)}`)).toMatch(/longer than 512/);
    expect(target(`tel:${'1'.repeat(MAX_LINK_LENGTH - 4)}`)).toHaveLength(MAX_LINK_LENGTH - 4);
  });

  it('refuses control characters, CRLF (raw or escaped) and invisible characters', () => {
    expect(error('sip:alice@example.com\r\nVia: x')).toMatch(/control/);
    expect(error('tel:112\n')).toMatch(/line breaks/);
    expect(error('tel:1\n12')).toMatch(/line breaks/);
    expect(error('tel:1\u000012')).toMatch(/control/);
    expect(error('sip:alice%0D%0AVia:%20x@example.com')).toMatch(/control/);
    expect(error('tel:112%0A')).toMatch(/control/);
    expect(error('tel:+33%00123')).toMatch(/control/);
    expect(error('sip:alice\u202E@example.com')).toMatch(/invisible/);
    expect(error('sip:al%E2%80%AEice@example.com')).toMatch(/control/);
    expect(error('tel:1\u200B12')).toMatch(/invisible/);
  });

  it('refuses <, >, quotes and backslashes', () => {
    expect(error('sip:<script>@example.com')).toMatch(/cannot have/);
    expect(error('sip:alice@example.com>')).toMatch(/cannot have/);
    expect(error('sip:"alice"@example.com')).toMatch(/cannot have/);
    expect(error('tel:112"')).toMatch(/cannot have/);
    expect(error('sip:alice\\@example.com')).toMatch(/cannot have/);
    expect(error('tel:%3C112%3E')).toMatch(/quotes or < >/);
  });

  it('refuses malformed %-escapes without throwing', () => {
    expect(error('tel:%')).toMatch(/%-escape/);
    expect(error('tel:11%2')).toMatch(/%-escape/);
    expect(error('tel:%ZZ')).toMatch(/%-escape/);
    expect(error('sip:%E9@example.com')).toMatch(/%-escape/);
    expect(error('sip:%C3@example.com')).toMatch(/%-escape/);
    expect(error('tel:+33123;ext=%G1')).toMatch(/%-escape/);
    expect(error('callto:%FF')).toMatch(/%-escape/);
  });

  it('refuses a lone surrogate', () => {
    expect(error('sip:a\uD800b@example.com')).toMatch(/invisible/);
  });

  it('refuses what is not a string, without throwing', () => {
    for (const v of [undefined, null, 42, {}, ['tel:112']]) {
      expect(parseCallLink(v as unknown as string)).toEqual({ ok: false, error: 'the link is not text' });
    }
  });

  it('never throws, and every target is one the dial box accepts, on any input', () => {
    const schemes = fc.constantFrom('sip:', 'sips:', 'tel:', 'callto:', 'callto://', 'SIP:', 'tel://', '');
    const pieces = fc.constantFrom(
      ...['+', '@', ';', '?', '%', '%2', '%23', '%40', '%3A', '%0D%0A', '%C3%A9', '%E9', '#', '*', '-', ' ', '.', ':', '/', '//', ',', '&'],
      ...['[', ']', '=', 'phone-context=', 'ext=', 'user=phone', 'transport=tcp', 'example.com', '[::1]', '[2001:db8::1]', ':5060', '192.0.2.1'],
      ...['112', '33', '0', 'a', 'Z', 'F', 'alice', '\r\n', '"', "'", '<', '\u202E', '\uD800', 'é'],
    );
    const link = fc.tuple(schemes, fc.array(fc.oneof(pieces, fc.string({ maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 12 })).map(([s, p]) => s + p.join(''));
    fc.assert(
      fc.property(link, (uri) => {
        const result: CallLink = parseCallLink(uri);
        if (!result.ok) return typeof result.error === 'string' && result.error.length > 0;
        // What a link puts in the dial box dials as typed, and never carries a line break.
        return !/[\r\n]/.test(result.target) && parseDialString(result.target, 'example.org').ok;
      }),
      { numRuns: 5000 },
    );
  });
});

describe('the scheme lists', () => {
  it('handles sip, sips, tel and callto; a web page can register sip and tel only', () => {
    expect([...LINK_SCHEMES]).toEqual(['sip', 'sips', 'tel', 'callto']);
    // The HTML safelist for navigator.registerProtocolHandler has sip and tel, not sips or callto.
    expect([...PROTOCOL_HANDLER_SCHEMES]).toEqual(['sip', 'tel']);
  });
});

describe('linkFromQuery', () => {
  it('reads ?link= as browsers fill it (Chromium: space as "+", "+" as %2B)', () => {
    expect(linkFromQuery('?link=tel%3A%2B33123456789')).toBe('tel:+33123456789');
    expect(linkFromQuery('?link=tel%3A%2B33+1+23+45+67+89')).toBe('tel:+33 1 23 45 67 89');
    expect(linkFromQuery('?link=sip%3Aalice%40example.com')).toBe('sip:alice@example.com');
    expect(linkFromQuery('?lang=fr&link=sip%3Aalice%40example.com&x=1')).toBe('sip:alice@example.com');
    expect(linkFromQuery('link=tel%3A112')).toBe('tel:112');
  });

  it('keeps a hand-written "+" right after the scheme', () => {
    expect(linkFromQuery('?link=tel:+33123456789')).toBe('tel:+33123456789');
    expect(linkFromQuery('?link=callto://+33123456789')).toBe('callto://+33123456789');
  });

  it('gives what it read to parseCallLink, which judges it', () => {
    expect(parseCallLink(linkFromQuery('?link=tel%3A%2B33+1+23+45+67+89') as string)).toMatchObject({ ok: true, target: '+33123456789' });
    expect(linkFromQuery('?link=javascript%3Aalert(1)')).toBe('javascript:alert(1)');
  });

  it('is null without a link, with an empty one, or with a broken escape', () => {
    expect(linkFromQuery('')).toBeNull();
    expect(linkFromQuery('?')).toBeNull();
    expect(linkFromQuery('?lang=fr')).toBeNull();
    expect(linkFromQuery('?link=')).toBeNull();
    expect(linkFromQuery('?link')).toBeNull();
    expect(linkFromQuery('?link=+')).toBeNull();
    expect(linkFromQuery('?links=tel%3A112')).toBeNull();
    expect(linkFromQuery('?link=%E9')).toBeNull();
    expect(linkFromQuery(undefined as unknown as string)).toBeNull();
  });

  it('reads the first ?link= only, and not the fragment', () => {
    expect(linkFromQuery('?link=tel%3A112&link=tel%3A999')).toBe('tel:112');
    expect(linkFromQuery('?link=tel%3A112#link=tel%3A999')).toBe('tel:112');
  });
});
