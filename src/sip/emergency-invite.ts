/**
 * The emergency INVITE (RFC 6881 / RFC 6442): headers, and the multipart/mixed body that carries
 * the SDP offer with the PIDF-LO. Pure functions; the Phone puts them on the wire through sip.js.
 */
import { PIDF_CONTENT_TYPE } from '../emergency/pidf-lo';

/**
 * The header a gateway may map to the RFC 5031 service URN: sip.js 0.21 cannot put a `urn:` in the
 * Request-URI, so the Request-URI carries the dial string and this carries the URN.
 */
export const SERVICE_URN_HEADER = 'X-Emergency-Service-URN';

export interface EmergencyInviteParts {
  /** The caller's address of record: where emergency services call back. */
  callbackUri: string;
  urn?: string;
  /** PIDF-LO document, or null when the location is unknown (the call still goes out). */
  pidfLo: string | null;
  /** Content-ID of the PIDF-LO part, without angle brackets: `loc-…@host`. */
  contentId: string;
}

export function emergencyHeaders(parts: EmergencyInviteParts): string[] {
  const headers = ['Priority: emergency', `P-Preferred-Identity: <${parts.callbackUri}>`];
  if (parts.pidfLo) headers.push(`Geolocation: <cid:${parts.contentId}>`, 'Geolocation-Routing: yes');
  if (parts.urn) headers.push(`${SERVICE_URN_HEADER}: ${parts.urn}`);
  return headers;
}

export interface MultipartBody {
  contentType: string;
  body: string;
}

/**
 * SDP offer + PIDF-LO as multipart/mixed (RFC 5621). The boundary is random and checked against
 * both parts, so no address text can end a part early.
 */
export function multipartOffer(sdp: string, pidfLo: string, contentId: string, random: () => string): MultipartBody {
  let boundary = `boundary-${random()}`;
  while (sdp.includes(boundary) || pidfLo.includes(boundary)) boundary = `boundary-${random()}`;
  const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n').replace(/(\r\n)*$/, '');
  const body = [
    `--${boundary}`,
    // An application/sdp part is of disposition `session` by default (RFC 3261 13.2.1, RFC 5621).
    'Content-Type: application/sdp',
    '',
    // Every SDP line ends in CRLF (RFC 4566); the CRLF before the next `--boundary` belongs to the
    // delimiter (RFC 2046 5.1.1), so the SDP's own last one must stay, or its last line runs on.
    `${crlf(sdp)}\r\n`,
    `--${boundary}`,
    `Content-Type: ${PIDF_CONTENT_TYPE}`,
    `Content-ID: <${contentId}>`,
    'Content-Disposition: by-reference;handling=optional',
    '',
    crlf(pidfLo),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { contentType: `multipart/mixed;boundary=${boundary}`, body };
}
