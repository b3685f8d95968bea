/**
 * Call links (sip:, sips:, tel:, callto:) opened with the app: what goes in the dial box.
 * A link never dials by itself; the user presses Call. An emergency number by link (tel:112) is
 * returned like any other: the dialer's classifier flags it once it is in the box.
 *
 * Never throws: anything a web page, a document or another program hands over gives either a target
 * the dial box accepts or `{ ok: false, error }` with a sentence for the user.
 */

export type LinkScheme = 'sip' | 'sips' | 'tel' | 'callto';

/** The schemes the app handles (the Electron build registers all four with the OS). */
export const LINK_SCHEMES: readonly LinkScheme[] = ['sip', 'sips', 'tel', 'callto'];

/**
 * The schemes a web page may claim with `navigator.registerProtocolHandler`: browsers accept only
 * the HTML safelist (which has sip and tel) and `web+` schemes, so not sips or callto.
 */
export const PROTOCOL_HANDLER_SCHEMES: readonly LinkScheme[] = ['sip', 'tel'];

/** Longer than any real call link; refused before any other work. */
export const MAX_LINK_LENGTH = 512;

export type CallLink =
  | {
      ok: true;
      scheme: LinkScheme;
      /** For the dial box: a number (`+33123456789`, `112`, `*21#`) or `user@host[:port]`. */
      target: string;
      /** The target as a person reads it (a SIP user's %-escapes decoded). */
      display: string;
      /** tel: `;ext=`: not dialled (the dial box has no pause); for the user to key in once answered. */
      extension?: string;
      /** tel: a local number's `;phone-context=` (`+33`, `example.com`), in which it was written. */
      context?: string;
    }
  | { ok: false; error: string };

type TelNumber = { ok: true; number: string; extension?: string; context?: string } | { ok: false; error: string };

/** Control, invisible formatting (bidi overrides, zero-width), line separators and lone surrogates. */
const UNSEEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
/** Characters no call link has, which would be trouble in a SIP header or on screen. */
const HOSTILE = /[<>"`\\{}|^]/;
/** RFC 3966 visual separators, plus the spaces people type (`%20` once decoded). */
const SEPARATORS = /[\s\-.()]/g;
/** A SIP user's characters that stand as they are (RFC 3261 unreserved and user-unreserved, less `;` and `?`). */
const USER_SAFE = /^[A-Za-z0-9\-_.!~*'()&=+$,/]$/;
/** RFC 3261 / RFC 3966 host names: the last label starts with a letter (so "112" is no host). */
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const TOPLABEL = '[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = `(?:${LABEL}\\.)*${TOPLABEL}\\.?`;
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const DOMAIN = new RegExp(`^${HOSTNAME}$`);
const HOSTPORT = new RegExp(`^(${HOSTNAME}|${OCTET}(?:\\.${OCTET}){3}|\\[[0-9A-Fa-f:.]+\\])(?::([0-9]{1,5}))?$`);
/** E.164: at most 15 digits after the "+". */
const E164_MAX_DIGITS = 15;

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

const BAD_ESCAPE = 'the link has a broken %-escape';

export function parseCallLink(uri: string): CallLink {
  try {
    return parse(uri);
  } catch {
    // Nothing below should throw; a link must never take the page down if something does.
    return fail('the link could not be read');
  }
}

function parse(uri: unknown): CallLink {
  if (typeof uri !== 'string') return fail('the link is not text');
  if (uri.length > MAX_LINK_LENGTH) return fail(`the link is longer than ${MAX_LINK_LENGTH} characters`);
  // Before trimming: a line break at the end is as suspect as one in the middle.
  if (UNSEEN.test(uri)) return fail('the link contains control characters, line breaks or invisible characters');
  const raw = uri.trim();
  if (raw === '') return fail('the link is empty');
  if (HOSTILE.test(raw)) return fail('the link contains characters a call link cannot have (<, >, quotes, backslashes…)');
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw);
  if (!m) return fail('not a sip:, sips:, tel: or callto: link');
  const scheme = (m[1] as string).toLowerCase();
  if (!(LINK_SCHEMES as readonly string[]).includes(scheme)) {
    return fail(`${scheme.slice(0, 24)}: is not a call link (only sip:, sips:, tel: and callto: are)`);
  }
  // `tel://…` and `callto://…` are common on the web, and harmless to accept for sip too.
  const body = raw.slice(m[0].length).replace(/^\/\//, '');
  if (body === '') return fail('the link has no number or address');
  const linkScheme = scheme as LinkScheme;
  if (linkScheme === 'tel') return telLink(body);
  if (linkScheme === 'callto') return calltoLink(body);
  return sipLink(linkScheme, body);
}

function telLink(body: string): CallLink {
  // A tel: URI has no headers; a stray `?…` is dropped rather than read as digits.
  const n = telNumber(body.split('?')[0] as string);
  if (!n.ok) return n;
  return withNumber('tel', n);
}

function withNumber(scheme: LinkScheme, n: Extract<TelNumber, { ok: true }>): CallLink {
  return {
    ok: true,
    scheme,
    target: n.number,
    display: n.number,
    ...(n.extension !== undefined && { extension: n.extension }),
    ...(n.context !== undefined && { context: n.context }),
  };
}

/**
 * RFC 3966 telephone-subscriber: a global number (`+` and digits) or a local number (digits, `*`,
 * `#`), visual separators removed, then `;` parameters: phone-context and ext are read, the rest
 * (isub, npdi, rn…) are dropped.
 */
function telNumber(text: string): TelNumber {
  const [numberPart = '', ...params] = text.split(';');
  const decoded = decode(numberPart);
  if (decoded === null) return fail(BAD_ESCAPE);
  if (UNSEEN.test(decoded) || HOSTILE.test(decoded)) return fail('the number contains control characters, quotes or < >');
  const number = decoded.replace(SEPARATORS, '');
  if (number === '') return fail('the link has no number');

  let context: string | undefined;
  let extension: string | undefined;
  for (const param of params) {
    if (param === '') continue;
    const eq = param.indexOf('=');
    const name = (eq < 0 ? param : param.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : decode(param.slice(eq + 1));
    if (value === null) return fail(BAD_ESCAPE);
    if (name === 'phone-context') {
      if (context !== undefined) return fail('the link gives two phone-contexts');
      context = value;
    } else if (name === 'ext') {
      extension = value.replace(SEPARATORS, '');
      if (!/^[0-9]+$/.test(extension)) return fail('the extension (;ext=) is not a number');
    }
  }
  const ext = extension === undefined ? {} : { extension };

  if (number.startsWith('+')) {
    // A global number: digits only (RFC 3966 5.1.4); a phone-context on it means nothing and is ignored.
    if (/^\+[0-9]+$/.test(number)) return { ok: true, number, ...ext };
    return fail(digitsError(number.slice(1), 'a number starting with "+" has digits only'));
  }
  if (!/^[0-9*#]+$/.test(number)) return fail(digitsError(number, 'the number contains characters that cannot be dialled'));
  if (context === undefined) {
    // RFC 3966 wants a phone-context on every local number; pages leave it out (tel:112,
    // tel:0123456789). Such a number is dialled as written, as if typed.
    return { ok: true, number, ...ext };
  }
  const global = context.replace(/[-.()]/g, '');
  if (/^\+[0-9]+$/.test(global)) return { ok: true, number: inGlobalContext(number, global), context: global, ...ext };
  if (DOMAIN.test(context)) return { ok: true, number, context: context.toLowerCase(), ...ext };
  return fail('the phone-context is neither a "+" number nor a domain name');
}

function digitsError(digits: string, otherwise: string): string {
  if (/[A-Fa-f]/.test(digits) && /^[0-9*#A-Fa-f]+$/.test(digits)) return 'the tones A to F of the link cannot be dialled here';
  if (/[A-Za-z]/.test(digits)) return 'the number has letters: type its digits instead';
  if (digits.includes('+')) return '"+" may only start a number';
  return otherwise;
}

/**
 * A local number written in a `+` context (`tel:123456789;phone-context=+33`): the context's digits
 * are prefixed only for a plain subscriber number (7 digits or more, no leading 0, a valid E.164
 * length). RFC 3966 writes emergency and service numbers as local numbers with a context
 * (`tel:112;phone-context=+33`, `tel:911;phone-context=+1`), and prefixing those makes a number
 * that is no longer an emergency call (+33112); nor does a national trunk 0 belong after a country
 * code (+330123456789). Those stay as written, and the classifier sees them as typed.
 */
function inGlobalContext(local: string, context: string): string {
  const plain = /^[1-9][0-9]{6,}$/.test(local);
  return plain && context.length - 1 + local.length <= E164_MAX_DIGITS ? `${context}${local}` : local;
}

/** sip:user@host[:port][;params][?headers]: params and headers dropped, the user made canonical. */
function sipLink(scheme: 'sip' | 'sips', body: string): CallLink {
  const address = sipAddress(body);
  if (!address.ok) return address;
  return { ok: true, scheme, target: address.target, display: address.display };
}

type Address = { ok: true; target: string; display: string } | { ok: false; error: string };

function sipAddress(body: string): Address {
  // Headers (?subject=…) go first: their values may hold an "@".
  const address = body.split('?')[0] as string;
  const at = address.indexOf('@');
  if (at < 0) return bareTarget(address.split(';')[0] as string);
  const [hostport = '', ...params] = address.slice(at + 1).split(';');
  const hp = HOSTPORT.exec(hostport);
  if (hostport === '') return fail('the link has no host after "@"');
  if (!hp || Number(hp[2] ?? 0) > 65535 || !validIpv6(hp[1] as string)) return fail('the host of the link is not a domain name or an IP address');
  const host = `${(hp[1] as string).toLowerCase().replace(/\.$/, '')}${hp[2] === undefined ? '' : `:${hp[2]}`}`;
  // A password (user:password@) is never put in the dial box.
  const userinfo = address.slice(0, at);
  if (params.some((p) => p.toLowerCase() === 'user=phone')) {
    // The user is a telephone number (RFC 3261 19.1.1): separators and its own ;params go.
    const n = telNumber(userinfo.split(':')[0] as string);
    if (!n.ok) return n;
    return { ok: true, target: `${n.number}@${host}`, display: `${n.number}@${host}` };
  }
  const user = sipUser(userinfo.split(':')[0] as string);
  if (!user.ok) return user;
  return { ok: true, target: `${user.user}@${host}`, display: `${user.display}@${host}` };
}

/** A bracketed host is an IPv6 address as the URL parser reads one; any other host passes. */
function validIpv6(host: string): boolean {
  if (!host.startsWith('[')) return true;
  try {
    return new URL(`http://${host}/`).hostname !== '';
  } catch {
    return false;
  }
}

/** The user part percent-decoded, then escaped again only where the dial box needs it (`#`, `@`, `é`…). */
function sipUser(text: string): { ok: true; user: string; display: string } | { ok: false; error: string } {
  const decoded = decode(text);
  if (decoded === null) return fail(BAD_ESCAPE);
  if (decoded === '') return fail('the link has no user or number');
  if (UNSEEN.test(decoded) || HOSTILE.test(decoded) || /\s/.test(decoded)) {
    return fail('the user part of the link contains spaces, quotes or control characters');
  }
  const user = Array.from(decoded, (c) => (USER_SAFE.test(c) ? c : encodeURIComponent(c))).join('');
  return { ok: true, user, display: decoded };
}

/** callto: (the Skype era): a number, user@host, or a plain name; `?call`-style suffixes dropped. */
function calltoLink(body: string): CallLink {
  const value = (body.split('?')[0] as string).replace(/\/+$/, '');
  if (value === '') return fail('the link has no number or address');
  if (value.includes('@')) {
    const address = sipAddress(value);
    return address.ok ? { ok: true, scheme: 'callto', target: address.target, display: address.display } : address;
  }
  const bare = bareTarget(value);
  return bare.ok ? { ok: true, scheme: 'callto', target: bare.target, display: bare.display } : bare;
}

/**
 * No host (sip:1000, callto:+33…, callto:echo123): a number, separators removed, or a user name,
 * both dialled at the account's domain as if typed.
 */
function bareTarget(text: string): Address {
  const decoded = decode(text);
  if (decoded === null) return fail(BAD_ESCAPE);
  if (/^[\s(]*[+0-9*#]/.test(decoded)) {
    const n = telNumber(text);
    return n.ok ? { ok: true, target: n.number, display: n.number } : n;
  }
  const user = sipUser(text);
  if (!user.ok) return user;
  // What the dial box takes as a user name at the account's domain.
  if (!/^[A-Za-z0-9._~!$&'*+=%-]+$/.test(user.user) || !/[A-Za-z0-9]/.test(user.user)) {
    return fail('the link has no host, and what it has is not a user name');
  }
  return { ok: true, target: user.user, display: user.display };
}

/**
 * The link a web-mode page was opened for: `?link=` as `navigator.registerProtocolHandler` fills
 * it (`<origin>/?link=%s`), decoded; null when there is none. Not checked: `parseCallLink` does
 * that and says what is wrong.
 *
 * Browsers escape the link (Chromium writes a space as "+" and a "+" as %2B), so "+" reads as a
 * space, except one right after the scheme (`?link=tel:+33…` written by hand), which no browser
 * leaves unescaped.
 */
export function linkFromQuery(search: string): string | null {
  if (typeof search !== 'string') return null;
  const query = search.replace(/^\?/, '').split('#')[0] as string;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if ((eq < 0 ? pair : pair.slice(0, eq)) !== 'link') continue;
    const raw = eq < 0 ? '' : pair.slice(eq + 1);
    const value = decode(raw.replace(/^((?:sips?|tel|callto):(?:\/\/)?)\+/i, '$1%2B').replace(/\+/g, ' '));
    const link = value?.trim() ?? '';
    return link === '' ? null : link;
  }
  return null;
}
