/**
 * The local address book's data and rules: the contact, its checks, number matching (who is calling)
 * and search as you type. Plain data, no DOM or Node: the host stores the contacts
 * (main/host/contacts.ts), the renderer matches and searches them.
 *
 * Error codes of `checkContact` (FieldError.code; the UI translates by code, the English `message` is
 * the fallback). `field` is `name`, `organization`, `email`, `note`, `numbers`, `numbers[i].number`,
 * `numbers[i].label`, `id`, or `contact` for the whole input.
 *   notContact      contact        This is not a contact.
 *   notText         any            This must be text.
 *   required        name           Enter a name.
 *   tooLong         any            Use at most {max} characters (CONTACT_LIMITS).
 *   controlChars    any            No line breaks (except in the note), tabs or other control characters.
 *   notList         numbers        The numbers must be a list.
 *   tooManyNumbers  numbers        At most 8 numbers.
 *   labelInvalid    numbers[i].label  Choose work, mobile, home or other.
 *   numberInvalid   numbers[i].number A number needs at least one digit or letter.
 *   emailInvalid    email          This is not an email address.
 */
import { getCountryCallingCode, isSupportedCountry, Metadata, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { type Checked, type FieldError, fieldError } from './result';

export type NumberLabel = 'work' | 'mobile' | 'home' | 'other';
export const NUMBER_LABELS: readonly NumberLabel[] = ['work', 'mobile', 'home', 'other'];

export interface ContactNumber {
  label: NumberLabel;
  /** As the user typed it (trimmed): a phone number, a SIP user (`1000`, `alice`) or address (`alice@example.com`). */
  number: string;
}

export interface Contact {
  /** Given by the host when the contact is first saved. */
  id: string;
  name: string;
  organization: string | null;
  numbers: ContactNumber[];
  email: string | null;
  note: string | null;
  /** ISO 8601, set by the host on every save. */
  updatedAt: string;
}

/** What the contact form sends: a contact without its host-given fields; `id` edits that contact. */
export type ContactInput = Omit<Contact, 'id' | 'updatedAt'> & { id?: string };

export const CONTACT_LIMITS = {
  name: 256,
  organization: 256,
  numbers: 8,
  number: 256,
  email: 256,
  note: 4096,
  id: 64,
} as const;

/**
 * C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidi overrides and
 * isolates (which can make a number or a name display as something else).
 */
// eslint-disable-next-line no-control-regex
export const CONTACT_CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;
/** The same for the note, which may have line breaks and tabs. */
// eslint-disable-next-line no-control-regex
const NOTE_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One text field: trimmed, or '' when absent; errors go to `errors`. */
function textField(v: unknown, field: string, max: number, errors: FieldError[], control = CONTACT_CONTROL): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') {
    errors.push(fieldError(field, 'notText', 'must be text'));
    return '';
  }
  const t = v.replace(/\r\n?/g, '\n').trim();
  if (t.length > max) errors.push(fieldError(field, 'tooLong', `must be at most ${max} characters`));
  if (control.test(t)) {
    errors.push(fieldError(field, 'controlChars', control === NOTE_CONTROL ? 'must not contain control characters' : 'must not contain line breaks, tabs or other control characters'));
  }
  return t;
}

/**
 * Checks a contact from the form, an import or the file: returns it trimmed (empty optional fields
 * null, blank number rows and repeated numbers left out), or every problem as a field error.
 */
export function checkContact(raw: unknown): Checked<ContactInput> {
  if (!isRecord(raw)) return { ok: false, errors: [fieldError('contact', 'notContact', 'must be a contact')] };
  const errors: FieldError[] = [];
  const L = CONTACT_LIMITS;
  let id: string | undefined;
  if (raw.id !== undefined) {
    const before = errors.length;
    id = textField(raw.id, 'id', L.id, errors);
    if (errors.length === before && id === '') errors.push(fieldError('id', 'required', 'must not be empty'));
  }
  const name = textField(raw.name, 'name', L.name, errors);
  if (name === '' && (raw.name === undefined || raw.name === null || typeof raw.name === 'string')) {
    errors.push(fieldError('name', 'required', 'enter a name'));
  }
  const organization = textField(raw.organization, 'organization', L.organization, errors);
  const note = textField(raw.note, 'note', L.note, errors, NOTE_CONTROL);
  const before = errors.length;
  const email = textField(raw.email, 'email', L.email, errors);
  if (errors.length === before && email !== '' && !EMAIL.test(email)) errors.push(fieldError('email', 'emailInvalid', 'is not an email address'));

  const numbers: ContactNumber[] = [];
  if (raw.numbers !== undefined && raw.numbers !== null && !Array.isArray(raw.numbers)) {
    errors.push(fieldError('numbers', 'notList', 'must be a list'));
  } else {
    const seen = new Set<string>();
    for (const [i, row] of ((raw.numbers ?? []) as unknown[]).entries()) {
      const f = `numbers[${i}]`;
      if (!isRecord(row)) {
        errors.push(fieldError(f, 'notObject', 'must be a label and a number'));
        continue;
      }
      const label = row.label ?? 'other';
      if (!NUMBER_LABELS.includes(label as NumberLabel)) errors.push(fieldError(`${f}.label`, 'labelInvalid', 'must be work, mobile, home or other'));
      const n = errors.length;
      const number = textField(row.number, `${f}.number`, L.number, errors);
      if (number === '') continue; // A blank row of the form.
      if (errors.length === n && !/[\p{L}\p{N}]/u.test(number)) errors.push(fieldError(`${f}.number`, 'numberInvalid', 'needs at least one digit or letter'));
      const key = normaliseNumber(number);
      if (seen.has(key)) continue;
      seen.add(key);
      numbers.push({ label: label as NumberLabel, number });
    }
    if (numbers.length > L.numbers) errors.push(fieldError('numbers', 'tooManyNumbers', `at most ${L.numbers} numbers`));
  }
  if (errors.length > 0) return { ok: false, errors };
  const value: ContactInput = { name, organization: organization || null, numbers, email: email || null, note: note || null };
  if (id !== undefined) value.id = id;
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------------
// Numbers

/** Visual separators in phone numbers (spaces of every kind, dots, dashes, brackets, slashes). */
const SEPARATORS = /[\s.\-‐-―−()/[\]]/g;
const PHONE_LIKE = /^\+?[\d*#\s.\-‐-―−()/[\]]+$/;
/** A phone number already normalised. */
const PHONE_NORMAL = /^\+?[\d*#]+$/;
/** An extension written after a number: ` x123`, ` ext. 123`, `;ext=123`. */
const EXTENSION = /\s*(?:;ext=|\bext\.?\s*|\bx\s*)\d+$/i;

function decodedUser(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

/** A phone number's dialable characters; anything else (a SIP user name) as it came. */
function normaliseUser(user: string): string {
  const u = user.trim();
  if (PHONE_NORMAL.test(u)) return u;
  const bare = /[a-z;]/i.test(u) ? u.replace(EXTENSION, '') : u;
  if (!PHONE_LIKE.test(bare) || !/\d/.test(bare)) return u;
  // "+33 (0)1 23 45 67 89": the trunk zero in brackets is not dialled from abroad.
  const intl = bare.startsWith('+') ? bare.replace(/\(0\)/g, '') : bare;
  return intl.replace(SEPARATORS, '');
}

/** A host as compared: lower case, without its port. */
function normaliseHost(host: string): string {
  const h = host.trim().toLowerCase();
  return h.startsWith('[') ? h.replace(/(\])(:\d+)$/, '$1') : h.replace(/:\d+$/, '');
}

/**
 * The form of a number that matching compares: visual separators dropped (`+`, digits, `*` and `#`
 * kept), `sip:`/`sips:`/`tel:` and URI parameters dropped, a SIP address as `user@host` with the host
 * in lower case (the user part is case-sensitive, RFC 3261 19.1.4). Not a dial string: for matching only.
 */
export function normaliseNumber(n: string): string {
  let s = n.trim();
  if (PHONE_NORMAL.test(s)) return s;
  if (s.startsWith('<')) s = s.replace(/^<(.*)>$/, '$1');
  const scheme = /^(sips?|tel|callto):/i.exec(s);
  if (scheme) s = s.slice(scheme[0].length);
  const at = s.lastIndexOf('@');
  if (at < 0) {
    // tel:+33…;phone-context=… — the parameters are not the number.
    return normaliseUser(decodedUser(scheme ? (s.split(/[;?]/)[0] ?? '') : s));
  }
  const user = s.slice(0, at);
  const host = s.slice(at + 1).split(/[;?>]/)[0] ?? '';
  return `${normaliseUser(decodedUser(user.split(';')[0] ?? ''))}@${normaliseHost(host)}`;
}

const metadata = new Metadata();
function countryOf(country: string | undefined): CountryCode | undefined {
  const c = country?.toUpperCase();
  return c && isSupportedCountry(c) ? c : undefined;
}

/** The country's international call prefix (`00`, `011`), or null when it has none of plain digits. */
function iddPrefix(country: CountryCode): string | null {
  metadata.selectNumberingPlan(country);
  const plan = metadata.numberingPlan as unknown as { IDDPrefix?: () => string; defaultIDDPrefix?: () => string | undefined } | undefined;
  const p = plan?.defaultIDDPrefix?.() ?? plan?.IDDPrefix?.();
  return p && /^\d+$/.test(p) ? p : null;
}

function nationalPrefix(country: CountryCode): string {
  metadata.selectNumberingPlan(country);
  const plan = metadata.numberingPlan as unknown as { nationalPrefix?: () => string | undefined } | undefined;
  const p = plan?.nationalPrefix?.();
  return p && /^\d+$/.test(p) ? p : '';
}

/**
 * The normalised forms a phone number (already normalised, no host) may be written as in an address
 * book: itself, E.164, national (`01 23 45 67 89` as `0123456789`) and with the international prefix
 * (`0033123456789`), as libphonenumber reads it for `country`. Only for a possible number: `1000` or
 * `112` stays itself.
 */
function phoneForms(user: string, country: CountryCode | undefined): string[] {
  const forms = [user];
  if (!/^\+?\d+$/.test(user) || (!country && !user.startsWith('+'))) return forms;
  const p = parsePhoneNumberFromString(user, country);
  if (!p || !p.isPossible() || p.ext) return forms;
  forms.push(p.number);
  if (country && p.countryCallingCode === getCountryCallingCode(country)) {
    forms.push(p.formatNational().replace(/[^\d]/g, ''));
    const idd = iddPrefix(country);
    if (idd) forms.push(idd + p.number.slice(1));
  }
  return forms;
}

interface NumberIndex {
  /** The first contact (in list order) with each normalised number. */
  byNumber: Map<string, Contact>;
}

/** Reused while the same list (same array, same contact objects) is asked about again. */
const numberIndexes = new WeakMap<readonly Contact[], { snapshot: Contact[]; index: NumberIndex }>();

function sameList(a: readonly Contact[], b: readonly Contact[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function numberIndex(contacts: readonly Contact[]): NumberIndex {
  const cached = numberIndexes.get(contacts);
  if (cached && sameList(cached.snapshot, contacts)) return cached.index;
  const byNumber = new Map<string, Contact>();
  for (const c of contacts) {
    for (const n of c.numbers) {
      const key = normaliseNumber(n.number);
      if (key !== '' && !byNumber.has(key)) byNumber.set(key, c);
      // `+33…@gateway` is the phone number +33…, whichever way the call comes.
      const e164 = /^(\+\d+)@/.exec(key)?.[1];
      if (e164 && !byNumber.has(e164)) byNumber.set(e164, c);
    }
  }
  const index = { byNumber };
  numberIndexes.set(contacts, { snapshot: [...contacts], index });
  return index;
}

/**
 * The contact a number belongs to (an incoming call's, a history entry's), or null. `number` is what
 * the call shows: a phone number, a SIP user of the account's `domain` (`1000`, `alice`) or a SIP
 * address (`sip:alice@example.com`, `bob@elsewhere.org`). Phone numbers match however written, as
 * libphonenumber reads them for `country` (the home country, e.g. HostState.emergency.homeCountry):
 * `0123456789` is `+33 1 23 45 67 89` in France. A SIP user matches `user@domain`; an E.164 user
 * matches at any host. The list is treated as immutable: its index is built once and reused.
 */
export function findByNumber(contacts: readonly Contact[], number: string, domain?: string, country?: string): Contact | null {
  const { byNumber } = numberIndex(contacts);
  const cc = countryOf(country);
  const dom = domain ? normaliseHost(domain.replace(/^sips?:/i, '')) : '';
  const norm = normaliseNumber(number);
  if (norm === '') return null;
  const at = norm.lastIndexOf('@');
  const user = at < 0 ? norm : norm.slice(0, at);
  const host = at < 0 ? '' : norm.slice(at + 1);
  // Exact first, then the same user at our domain, then the other ways of writing a phone number.
  const candidates = [norm];
  const ours = host === '' || (dom !== '' && host === dom);
  if (ours) {
    candidates.push(user);
    if (dom) candidates.push(`${user}@${dom}`);
  }
  if (ours || user.startsWith('+')) {
    // A phone number is the same whichever gateway it comes through.
    for (const form of phoneForms(user, cc)) {
      candidates.push(form);
      if (dom) candidates.push(`${form}@${dom}`);
    }
  }
  for (const key of candidates) {
    const found = byNumber.get(key);
    if (found) return found;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Search

const FOLD_EXTRA: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ŀ: 'l' };

/** Case- and accent-insensitive form of a text (`Zoë Ñúñez` → `zoe nunez`), for comparing only. */
export function foldText(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(s)) return s.toLowerCase();
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþıŀ]/g, (c) => FOLD_EXTRA[c] ?? c);
}

const WORD_SPLIT = /[^\p{L}\p{N}]+/u;
const words = (folded: string): string[] => folded.split(WORD_SPLIT).filter(Boolean);
const compact = (folded: string): string => folded.replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * One contact as search reads it. Each list is one string (items after a `\n`), so a check is one
 * native `includes` however many words or numbers the contact has.
 */
interface SearchEntry {
  contact: Contact;
  folded: string;
  compact: string;
  /** `\n` before each word of the name; `orgWords` the same for the organization. */
  nameWords: string;
  orgWords: string;
  /** `\n` before the digits of each phone number written with `+` (the `+` dropped), or without. */
  intlDigits: string;
  nationalDigits: string;
  /** `\n` before the folded text of each other number (SIP users and addresses). */
  texts: string;
}

const SEP = '\n';
const joined = (items: readonly string[]): string => items.map((i) => SEP + i).join('');

const searchIndexes = new WeakMap<readonly Contact[], { snapshot: Contact[]; entries: SearchEntry[] }>();

function searchIndex(contacts: readonly Contact[]): SearchEntry[] {
  const cached = searchIndexes.get(contacts);
  if (cached && sameList(cached.snapshot, contacts)) return cached.entries;
  const entries = contacts.map((contact): SearchEntry => {
    const folded = foldText(contact.name).trim();
    const intl: string[] = [];
    const national: string[] = [];
    const texts: string[] = [];
    for (const n of contact.numbers) {
      const norm = normaliseNumber(n.number);
      if (!PHONE_NORMAL.test(norm)) texts.push(foldText(norm));
      else if (norm.startsWith('+')) intl.push(norm.slice(1));
      else national.push(norm);
    }
    return {
      contact,
      folded,
      compact: compact(folded),
      nameWords: joined(words(folded)),
      orgWords: contact.organization ? joined(words(foldText(contact.organization))) : '',
      intlDigits: joined(intl),
      nationalDigits: joined(national),
      texts: joined(texts),
    };
  });
  // By name, so each rank's matches come out in order without sorting them.
  entries.sort((a, b) => (a.folded < b.folded ? -1 : a.folded > b.folded ? 1 : a.contact.name < b.contact.name ? -1 : a.contact.name > b.contact.name ? 1 : 0));
  searchIndexes.set(contacts, { snapshot: [...contacts], entries });
  return entries;
}

/** How a typed number may also be written: `06 12` as `+33 6 12…` and back, for `country`. */
function digitVariants(query: string, digits: string, country: CountryCode | undefined): { intl: string[]; national: string[] } {
  const out = { intl: [] as string[], national: [] as string[] };
  if (!country) return out;
  const cc = getCountryCallingCode(country);
  const np = nationalPrefix(country);
  if (query.startsWith('+')) {
    // Some countries (Italy) keep the leading 0 after the country code: try both.
    if (digits.startsWith(cc) && digits.length > cc.length) out.national.push(np + digits.slice(cc.length), digits.slice(cc.length));
  } else if (np && digits.startsWith(np) && digits.length > np.length) {
    out.intl.push(cc + digits.slice(np.length), cc + digits);
  }
  return out;
}

/**
 * Contacts matching what is being typed in the dialer, best first, at most `limit`:
 *   1. the name starts with the query;
 *   2. every word of the query starts a word of the name (`nu` finds `Zoë Ñúñez`);
 *   3. … of the name or the organization;
 *   4. a number starts with the typed digits (separators ignored; `06 12` also finds `+33 6 12…`
 *      with `country` FR, and back), or a SIP user or address with the typed text;
 *   5. a number contains them.
 * Case and accents are ignored. Within a rank, by name. An empty query finds nothing. The list is
 * treated as immutable: its index is built once (on the first search) and reused.
 */
export function searchContacts(contacts: readonly Contact[], query: string, limit = 20, country?: string): Contact[] {
  const q = query.trim();
  if (q === '' || limit <= 0) return [];
  const fq = foldText(q);
  const cq = compact(fq);
  const qWords = words(fq).map((w) => SEP + w);
  const phoneQuery = PHONE_LIKE.test(q) && /\d/.test(q);
  const digits = phoneQuery ? q.replace(/[^\d*#]/g, '') : '';
  const intlOnly = q.startsWith('+');
  const variants = phoneQuery ? digitVariants(q, digits, countryOf(country)) : { intl: [], national: [] };
  // What a number must start with (after a `\n`), in each list, and what it may contain.
  const intlStarts = [...(phoneQuery ? [SEP + digits] : []), ...variants.intl.map((v) => SEP + v)];
  const nationalStarts = [...(phoneQuery && !intlOnly ? [SEP + digits] : []), ...variants.national.map((v) => SEP + v)];
  const contains = phoneQuery && !intlOnly ? digits : '';
  const text = phoneQuery ? digits : fq.length >= 2 ? fq : '';
  const textStart = SEP + text;
  const ranks: Contact[][] = [[], [], [], [], []];
  const first = ranks[0] as Contact[];

  for (const e of searchIndex(contacts)) {
    let rank = -1;
    if (e.folded.startsWith(fq) || (cq !== '' && e.compact.startsWith(cq))) rank = 0;
    else if (qWords.length > 0 && qWords.every((w) => e.nameWords.includes(w))) rank = 1;
    else if (qWords.length > 0 && e.orgWords !== '' && qWords.every((w) => e.nameWords.includes(w) || e.orgWords.includes(w))) rank = 2;
    else if (
      intlStarts.some((s) => e.intlDigits.includes(s)) ||
      nationalStarts.some((s) => e.nationalDigits.includes(s)) ||
      (text !== '' && e.texts.includes(textStart))
    )
      rank = 3;
    else if ((contains !== '' && (e.intlDigits.includes(contains) || e.nationalDigits.includes(contains))) || (text !== '' && e.texts.includes(text))) rank = 4;
    if (rank < 0) continue;
    (ranks[rank] as Contact[]).push(e.contact);
    // The list is in name order: nothing after this can come before these.
    if (first.length >= limit) break;
  }
  const out: Contact[] = [];
  for (const r of ranks) {
    for (const c of r) {
      if (out.length >= limit) return out;
      out.push(c);
    }
  }
  return out;
}

/**
 * What makes two contacts the same for an import: the same name (case and accents aside) and a number
 * in common, or the same name and no numbers at all. One key per number (or one for none).
 */
export function duplicateKeys(contact: Pick<Contact, 'name' | 'numbers'>): string[] {
  const name = foldText(contact.name).trim().replace(/\s+/g, ' ');
  if (contact.numbers.length === 0) return [`${name}\u0000`];
  return contact.numbers.map((n) => `${name}\u0000${normaliseNumber(n.number)}`);
}
