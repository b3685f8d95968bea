/**
 * The emergency INVITE (RFC 6881 / RFC 6442): headers, and the multipart/mixed body that carries
 * the SDP offer with the PIDF-LO. Pure functions; the Phone puts them on the wire through sip.js.
 */
import { PIDF_CONTENT_TYPE } from '../emergency/pidf-lo';

/**
 * The header a gateway may map to the RFC 5031 service URN when the Request-URI carries the dial
 * string (the `dial-string` gateway profile).
 */
export const SERVICE_URN_HEADER = 'X-Emergency-Service-URN';

/** A body part besides the SDP: the PIDF-LO, or an RFC 7852 additional-data block. */
export interface BodyPart {
  contentType: string;
  /** Without angle brackets: `loc-…@host`. */
  contentId: string;
  body: string;
}

export interface EmergencyInviteParts {
  /** The caller's address of record: where emergency services call back. */
  callbackUri: string;
  /** Sent in `X-Emergency-Service-URN` (dial-string profile); undefined when the URN is the Request-URI. */
  urn?: string;
  /** PIDF-LO document, or null when no location goes with the call. */
  pidfLo: string | null;
  /** Content-ID of the PIDF-LO part, without angle brackets: `loc-…@host`. */
  contentId: string;
  /** P-Preferred-Identity (RFC 3325), unless the gateway profile leaves identity to the gateway. */
  identity?: boolean;
  /** `Call-Info` values of RFC 7852 blocks sent by value: `<cid:…>;purpose=EmergencyCallData.<Type>`. */
  callInfo?: readonly string[];
}

export function emergencyHeaders(parts: EmergencyInviteParts): string[] {
  const headers = ['Priority: emergency'];
  if (parts.identity !== false) headers.push(`P-Preferred-Identity: <${parts.callbackUri}>`);
  if (parts.pidfLo) headers.push(`Geolocation: <cid:${parts.contentId}>`, 'Geolocation-Routing: yes');
  if (parts.urn) headers.push(`${SERVICE_URN_HEADER}: ${parts.urn}`);
  for (const info of parts.callInfo ?? []) headers.push(`Call-Info: ${info}`);
  return headers;
}

export interface MultipartBody {
  contentType: string;
  body: string;
}

/**
 * SDP offer + other parts as multipart/mixed (RFC 5621): the PIDF-LO, RFC 7852 blocks. Each is
 * referenced by its Content-ID, so it is `by-reference`, optional to handle. The boundary is random
 * and checked against every part, so no address text can end a part early.
 */
export function multipartOffer(sdp: string, parts: readonly BodyPart[], random: () => string): MultipartBody {
  let boundary = `boundary-${random()}`;
  while (sdp.includes(boundary) || parts.some((p) => p.body.includes(boundary))) boundary = `boundary-${random()}`;
  const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n').replace(/(\r\n)*$/, '');
  const lines = [
    `--${boundary}`,
    // An application/sdp part is of disposition `session` by default (RFC 3261 13.2.1, RFC 5621).
    'Content-Type: application/sdp',
    '',
    // Every SDP line ends in CRLF (RFC 4566); the CRLF before the next `--boundary` belongs to the
    // delimiter (RFC 2046 5.1.1), so the SDP's own last one must stay, or its last line runs on.
    `${crlf(sdp)}\r\n`,
  ];
  for (const part of parts) {
    lines.push(`--${boundary}`, `Content-Type: ${part.contentType}`, `Content-ID: <${part.contentId}>`, 'Content-Disposition: by-reference;handling=optional', '', crlf(part.body));
  }
  lines.push(`--${boundary}--`, '');
  return { contentType: `multipart/mixed;boundary=${boundary}`, body: lines.join('\r\n') };
}

/** The PIDF-LO as a body part (RFC 6442). */
export function pidfPart(pidfLo: string, contentId: string): BodyPart {
  return { contentType: PIDF_CONTENT_TYPE, contentId, body: pidfLo };
}
