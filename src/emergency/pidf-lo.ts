/**
 * PIDF-LO (RFC 4119) with an RFC 5139 civic address inside an RFC 5491 `dm:device`, for the
 * emergency INVITE (RFC 6442). Every value is escaped: an address field can never break the XML,
 * the MIME multipart around it, or a SIP header.
 *
 * The document is valid against the RFC schemas (test/schemas/) whatever the input: a PSAP or
 * ESRP that validates would otherwise drop the whole location over one bad field, and nothing
 * here throws, since the call must go out with or without it.
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

/** The text with every character XML 1.0 forbids removed and line breaks made spaces. */
function xmlText(text: string): string {
  // Address fields are single lines; keep the body's line structure ours.
  return text.replace(XML_INVALID, '').replace(/\r\n?|\n/g, ' ');
}

export function escapeXml(text: string): string {
  return xmlText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * RFC 5139 `iso3166a2` ([A-Z]{2}) from what was stored, or null when it cannot be one. Full-width
 * and lower-case letters are normalised; anything else (e.g. "FRA", "France") is not guessed at.
 */
export function normaliseCountry(value: string): string | null {
  const v = xmlText(value).normalize('NFKC').trim().toUpperCase();
  return /^[A-Z]{2}$/.test(v) ? v : null;
}

/**
 * An `xs:dateTime` for the timestamp: the given time, else now (the document is being made now).
 * Null only if neither is a date XML Schema can write (years 1 to 9999).
 */
export function xsDateTime(time: unknown, now: () => Date = () => new Date()): string | null {
  for (const d of [time, now()]) {
    try {
      if (!(d instanceof Date) || !Number.isFinite(d.getTime())) continue;
      const iso = d.toISOString();
      // toISOString writes years past 9999 as "+0YYYYY": not an xs:dateTime; year 0000 is not one either.
      if (/^\d{4}-/.test(iso) && !iso.startsWith('0000')) return iso;
    } catch {
      // A Date that cannot be written is treated as absent.
    }
  }
  return null;
}

const URI_CHAR = "A-Za-z0-9\\-._~!$&'()*+,;="; // RFC 3986 unreserved and sub-delims
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[${URI_CHAR}:@]|${PCT})`;
const QUERY = `(?:${PCHAR}|[/?])*`;
const AUTHORITY = `//(?:(?:[${URI_CHAR}:]|${PCT})*@)?(?:[${URI_CHAR}]|${PCT})*(?::[0-9]+)?`;
/** An absolute RFC 3986 URI (without IP-literal hosts): what `xs:anyURI` accepts everywhere. */
const SAFE_URI = new RegExp(
  `^[A-Za-z][A-Za-z0-9+.\\-]*:(?:${AUTHORITY}(?:/${PCHAR}*)*|/|(?!//)/?${PCHAR}+(?:/${PCHAR}*)*)?(?:\\?${QUERY})?(?:#${QUERY})?$`,
);

/**
 * An `xs:anyURI` for a URI we were given: unchanged when it is already a clean URI, otherwise
 * everything after the scheme that is not a plain path character is percent-encoded (UTF-8).
 */
export function anyUri(text: string): string {
  // RFC 3986 3.2.3 allows an empty port ("host:"); libxml2's xs:anyURI does not, and it means nothing.
  const t = xmlText(text).trim().replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*):(?=[/?#]|$)/, '$1');
  if (SAFE_URI.test(t)) return t;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(t)?.[0] ?? '';
  // Without a scheme a ':' would read as one, so it is encoded too.
  const keep = new RegExp(`[${URI_CHAR}@${scheme ? ':' : ''}]`);
  return scheme + Array.from(t.slice(scheme.length), (ch) => (keep.test(ch) ? ch : encodeURIComponent(ch))).join('');
}

/** An XML NCName-safe id (letters, digits, dot, dash, underscore; starting with a letter). */
function safeId(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9._-]/g, '');
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `d${cleaned}`;
}

/** The civic elements in RFC 5139 order, each valid for its type; empty and unusable ones left out. */
function civicElements(address: CivicAddress | undefined): string[] {
  const out: string[] = [];
  for (const [field, value] of filledFields(address ?? ({} as CivicAddress))) {
    // RFC 5139 makes country optional: better no country than an invalid document a PSAP may drop.
    const text = field === 'country' ? normaliseCountry(value) : xmlText(value).trim();
    if (text) out.push(`          <ca:${field}>${escapeXml(text)}</ca:${field}>`);
  }
  return out;
}

export function buildPidfLo(input: PidfLoInput): string {
  const lang = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(input.lang ?? '') ? (input.lang as string) : 'en';
  const timestamp = xsDateTime(input.timestamp);
  // Stored settings can hold anything at run time: an unknown source still gets a method token.
  const method = methodFor(input.source) ?? 'Manual';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<presence xmlns="urn:ietf:params:xml:ns:pidf"',
    '    xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"',
    '    xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"',
    '    xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"',
    `    entity="${escapeXml(anyUri(String(input.entity ?? '')))}">`,
    `  <dm:device id="${safeId(String(input.deviceId ?? ''))}">`,
    '    <gp:geopriv>',
    '      <gp:location-info>',
    `        <ca:civicAddress xml:lang="${lang}">`,
    ...civicElements(input.address),
    '        </ca:civicAddress>',
    '      </gp:location-info>',
    '      <gp:usage-rules/>',
    `      <gp:method>${method}</gp:method>`,
    '    </gp:geopriv>',
    `    <dm:deviceID>${escapeXml(anyUri(`urn:uuid:${String(input.deviceId ?? '')}`))}</dm:deviceID>`,
    ...(timestamp ? [`    <dm:timestamp>${timestamp}</dm:timestamp>`] : []),
    '  </dm:device>',
    '</presence>',
  ].join('\r\n');
}
