/**
 * PIDF-LO (RFC 4119) with an RFC 5139 civic address inside an RFC 5491 `dm:device`, for the
 * emergency INVITE (RFC 6442). Every value is escaped: an address field can never break the XML,
 * the MIME multipart around it, or a SIP header.
 */
import { type CivicAddress, type LocationSource, filledFields, methodFor } from './civic-address';

export const PIDF_CONTENT_TYPE = 'application/pidf+xml';

export interface PidfLoInput {
  /** The presentity: the caller's address of record. */
  entity: string;
  address: CivicAddress;
  source: LocationSource;
  /** A stable id for this device (RFC 5491 dm:device id). */
  deviceId: string;
  timestamp: Date;
  /** `xml:lang` of the address text. */
  lang?: string;
}

/** Characters XML 1.0 does not allow at all; they are dropped, not escaped. */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/\r\n?|\n/g, ' ') // address fields are single lines; keep the body's line structure ours
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** An XML NCName-safe id (letters, digits, dot, dash, underscore; starting with a letter). */
function safeId(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9._-]/g, '');
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `d${cleaned}`;
}

export function buildPidfLo(input: PidfLoInput): string {
  const lang = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(input.lang ?? '') ? (input.lang as string) : 'en';
  const civic = filledFields(input.address)
    .map(([field, value]) => `          <ca:${field}>${escapeXml(field === 'country' ? value.toUpperCase() : value)}</ca:${field}>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<presence xmlns="urn:ietf:params:xml:ns:pidf"',
    '    xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"',
    '    xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"',
    '    xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"',
    `    entity="${escapeXml(input.entity)}">`,
    `  <dm:device id="${safeId(input.deviceId)}">`,
    '    <gp:geopriv>',
    '      <gp:location-info>',
    `        <ca:civicAddress xml:lang="${lang}">`,
    civic,
    '        </ca:civicAddress>',
    '      </gp:location-info>',
    '      <gp:usage-rules/>',
    `      <gp:method>${methodFor(input.source)}</gp:method>`,
    '    </gp:geopriv>',
    `    <dm:deviceID>urn:uuid:${escapeXml(input.deviceId)}</dm:deviceID>`,
    `    <dm:timestamp>${input.timestamp.toISOString()}</dm:timestamp>`,
    '  </dm:device>',
    '</presence>',
  ].join('\r\n');
}
