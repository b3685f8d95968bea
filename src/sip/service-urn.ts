/**
 * An emergency INVITE addressed to an RFC 5031 service URN, as RFC 6881 asks: the URN is the
 * Request-URI and the To (`INVITE urn:service:sos.police SIP/2.0`).
 *
 * sip.js 0.21.2 knows only sip:/sips: URIs; patches/sip.js+0.21.2.patch lets it render a `urn:`
 * URI (no `//`) and parse one in the To and From of what comes back (the answer's To, and the
 * From of the answering point's BYE). `UserAgent.makeURI` still refuses a URN: account addresses
 * are checked with it and must stay sip:/sips:.
 */
import { URI } from 'sip.js';

/**
 * The header that keeps what the caller dialled (`112`) once the Request-URI is the URN. No
 * IETF header carries a dial string (RFC 4967 puts one in a sip: URI, which the Request-URI and
 * the To no longer are); gateways read X- headers in their dial plans, and the URN-in-a-header
 * mode already uses one (X-Emergency-Service-URN).
 */
export const DIAL_STRING_HEADER = 'X-Dial-String';

/** RFC 5031 `let-dig [ *let-dig-hyp let-dig ]`. */
const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
/** `urn:service:` top-level *("." sub-service); a top-level label has at most 27 characters. */
const SERVICE_URN = new RegExp(`^urn:service:(?=[a-z0-9-]{1,27}(?:\\.|$))${LABEL}(?:\\.${LABEL})*$`);
/** What a keypad dials: digits, `*`, `#`, a leading `+`; nothing that could end the header. */
const DIAL_STRING = /^\+?[0-9*#]{1,32}$/;

/** True for an RFC 5031 service URN, in any case. */
export function isServiceUrn(urn: string): boolean {
  return SERVICE_URN.test(urn.toLowerCase());
}

/**
 * The service URN as a sip.js URI, lower-cased (RFC 5031 labels are case-insensitive and sent in
 * lower case). Throws on anything else, so a bad URN fails before any INVITE is built.
 */
export function serviceUrnUri(urn: string): URI {
  const lower = urn.toLowerCase();
  if (!SERVICE_URN.test(lower)) throw new Error(`not an RFC 5031 service URN (urn:service:label[.label]…): ${JSON.stringify(urn)}`);
  // sip.js keeps an opaque URI's text after the scheme in `host`; the user part stays empty.
  return new URI('urn', '', lower.slice('urn:'.length));
}

/** What an Inviter needs to call a service URN: the target, and the dial string header if any. */
export interface ServiceUrnInvite {
  /** Pass as the Inviter's target: it becomes the Request-URI and the To. */
  target: URI;
  /** Add to the Inviter's extraHeaders. */
  extraHeaders: string[];
}

export function serviceUrnInvite(urn: string, dialString?: string): ServiceUrnInvite {
  const target = serviceUrnUri(urn);
  if (dialString === undefined) return { target, extraHeaders: [] };
  if (!DIAL_STRING.test(dialString)) throw new Error(`not a dial string: ${JSON.stringify(dialString)}`);
  return { target, extraHeaders: [`${DIAL_STRING_HEADER}: ${dialString}`] };
}
