/** Turns what the user typed (or a tel:/sip: link) into the SIP URI to call. */
import { parseSipUri } from './account';

export type DialTarget = { ok: true; uri: string; display: string } | { ok: false; code: 'empty' | 'invalid'; message: string };

const DIAL_CHARS = /^[0-9+*#]+$/;
/** Visual separators people type or paste in phone numbers. */
const SEPARATORS = /[\s.\-()/]/g;

export function normaliseDigits(input: string): string {
  return input.replace(SEPARATORS, '');
}

export function parseDialString(input: string, domain: string): DialTarget {
  const raw = input.trim();
  if (raw === '') return { ok: false, code: 'empty', message: 'Type a number or a SIP address.' };
  if (raw.length > 256) return { ok: false, code: 'invalid', message: 'That is too long to be a number or a SIP address.' };
  const lower = raw.toLowerCase();
  if (lower.startsWith('tel:')) {
    const digits = normaliseDigits(decodeURIComponent(raw.slice(4).split(';')[0] ?? ''));
    return digitsTarget(digits, domain, raw);
  }
  if (lower.startsWith('sip:') || lower.startsWith('sips:') || raw.includes('@')) {
    const uri = lower.startsWith('sip') ? raw : `sip:${raw}`;
    const parsed = parseSipUri(uri.split(/[?;]/)[0] ?? '');
    if (!parsed) return { ok: false, code: 'invalid', message: `"${raw}" is not a valid SIP address.` };
    return { ok: true, uri: `sip:${parsed.user}@${parsed.host}`, display: `${parsed.user}@${parsed.host}` };
  }
  return digitsTarget(normaliseDigits(raw), domain, raw);
}

function digitsTarget(digits: string, domain: string, raw: string): DialTarget {
  if (digits === '') return { ok: false, code: 'empty', message: 'Type a number or a SIP address.' };
  // A plain user name (letters) is a valid SIP user at the account's domain.
  if (!DIAL_CHARS.test(digits)) {
    if (/^[A-Za-z0-9._~!$&'*+=%-]+$/.test(digits)) return { ok: true, uri: `sip:${digits}@${domain}`, display: digits };
    return { ok: false, code: 'invalid', message: `"${raw}" contains characters that cannot be dialled.` };
  }
  if (digits.indexOf('+') > 0) return { ok: false, code: 'invalid', message: '"+" may only start a number.' };
  return { ok: true, uri: `sip:${encodeURIComponent(digits).replace(/%2B/g, '+').replace(/%23/g, '%23')}@${domain}`, display: digits };
}
