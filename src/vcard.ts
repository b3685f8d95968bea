/**
 * vCard import and export for the address book, on Mozilla's ical.js (the parser Thunderbird's
 * address book uses): vCard 3.0 (RFC 2426) and 4.0 (RFC 6350) as ical.js reads them, and vCard 2.1
 * (old Outlook and phone exports) turned into 3.0 first, as Thunderbird does: bare parameters
 * (`TEL;WORK;VOICE:`) become TYPE, quoted-printable values (soft line breaks, CHARSET) are decoded.
 *
 * Only what a contact keeps is read (FN, N, ORG, TEL, EMAIL, NOTE, IMPP/X-SIP with a SIP address,
 * UID); everything else (PHOTO, ADR, X-…) is dropped before ical.js sees it, so a huge photo or a
 * property ical.js cannot read costs nothing. Each card is read on its own: a bad one is reported
 * by its index (0-based, in file order) and the others go on.
 *
 * Export is vCard 3.0: what Google Contacts and Apple Contacts export themselves, and what Android's
 * importer and Outlook read (neither takes 4.0 everywhere).
 */
import ICAL from 'ical.js';
import { checkContact, CONTACT_CONTROL, CONTACT_LIMITS, normaliseNumber, type Contact, type ContactInput, type NumberLabel } from './contacts';
import { describeErrors } from './result';

export interface VcardError {
  /** The card's place in the file, from 0. */
  index: number;
  message: string;
}

/** One card as read: the contact, plus what the address book does not keep. */
export interface VcardCard {
  contact: ContactInput;
  /** The card's UID, or null. */
  uid: string | null;
  /** Each number's TYPE values, lower case (`['cell', 'pref']`), in the order of `contact.numbers`. */
  numberTypes: string[][];
}

/** Properties read; the rest of each card is dropped unread. */
const KEPT = new Set(['FN', 'N', 'ORG', 'TEL', 'EMAIL', 'NOTE', 'IMPP', 'X-SIP', 'UID']);
const STRUCTURED = new Set(['N', 'ORG']);

/** The property line cut at its first `:` outside double quotes: `[group.]NAME;params` and the value. */
function splitLine(line: string): { name: string; params: string[]; value: string } | null {
  let quoted = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) {
      colon = i;
      break;
    }
  }
  if (colon <= 0) return null;
  const head = line.slice(0, colon);
  const parts: string[] = [];
  let cur = '';
  quoted = false;
  for (const c of head) {
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  const [nameWithGroup = '', ...params] = parts;
  const dot = nameWithGroup.lastIndexOf('.');
  return { name: nameWithGroup.slice(dot + 1).trim().toUpperCase(), params, value: line.slice(colon + 1) };
}

const isQuotedPrintable = (line: string): boolean => {
  const colon = line.indexOf(':');
  return colon > 0 && /QUOTED-PRINTABLE/i.test(line.slice(0, colon));
};

/**
 * The file's cards, each as its unfolded lines from BEGIN:VCARD to END:VCARD (a card cut short has
 * no END line). Text outside cards and cards nested in others (vCard 2.1 AGENT) are left out.
 */
export function splitVcards(text: string): string[][] {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const lines: string[] = [];
  let softBreak = false;
  for (const raw of physical) {
    const last = lines.length - 1;
    if (last >= 0 && softBreak) {
      // Quoted-printable: `=` at the end of a line joins the next one as it is.
      lines[last] = (lines[last] as string).slice(0, -1) + raw;
    } else if (last >= 0 && (raw.startsWith(' ') || raw.startsWith('\t'))) {
      lines[last] += raw.slice(1);
    } else if (raw.trim() === '') {
      softBreak = false;
      continue;
    } else {
      lines.push(raw);
    }
    const current = lines[lines.length - 1] as string;
    softBreak = current.endsWith('=') && isQuotedPrintable(current);
  }
  const cards: string[][] = [];
  let card: string[] | null = null;
  let depth = 0;
  for (const line of lines) {
    const t = line.trim();
    if (/^BEGIN:VCARD$/i.test(t)) {
      if (card === null) {
        card = [t];
        depth = 1;
      } else depth++;
    } else if (/^END:VCARD$/i.test(t)) {
      if (card !== null && --depth === 0) {
        card.push(t);
        cards.push(card);
        card = null;
      }
    } else if (card !== null && depth === 1) {
      card.push(line);
    }
  }
  if (card !== null) cards.push(card);
  return cards;
}

function decodeBytes(bytes: Uint8Array, charset: string | null): string {
  if (charset) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // An unknown charset: UTF-8 below.
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Old Outlook exports without CHARSET are Windows-1252.
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function decodeQuotedPrintable(value: string, charset: string | null): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    const hex = c === '=' ? /^[0-9A-Fa-f]{2}/.exec(value.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else if (c === '=') {
      // A stray `=` (a soft break at the very end): nothing.
    } else {
      bytes.push(...encoder.encode(c));
    }
  }
  return decodeBytes(Uint8Array.from(bytes), charset);
}

function decodeBase64(value: string, charset: string | null): string {
  const binary = atob(value.replace(/\s+/g, ''));
  return decodeBytes(Uint8Array.from(binary, (c) => c.charCodeAt(0)), charset);
}

/** Decoded vCard 2.1 text written back as vCard 3.0 text: escapes added, 2.1's `\;` kept apart. */
function escape21(decoded: string, structured: boolean): string {
  const esc = (s: string, semicolons: boolean): string => {
    const t = s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
    return semicolons ? t.replace(/;/g, '\\;') : t;
  };
  // ical.js reads `;` as it is in a plain text value, and as a separator in N and ORG.
  if (!structured) return esc(decoded, false);
  return decoded
    .split(/(?<!\\);/)
    .map((part) => esc(part.replace(/\\;/g, ';'), true))
    .join(';');
}

/**
 * One property line as ical.js's vCard 3.0 reader takes it: bare parameters (vCard 2.1) as TYPE or
 * ENCODING, TYPE values in one list, quoted-printable or base64 text decoded, CHARSET dropped.
 */
function rewriteLine(name: string, params: string[], value: string): string {
  const types: string[] = [];
  const other: string[] = [];
  let encoding: string | null = null;
  let charset: string | null = null;
  for (const p of params) {
    const eq = p.indexOf('=');
    const key = (eq < 0 ? '' : p.slice(0, eq)).trim().toUpperCase();
    const val = (eq < 0 ? p : p.slice(eq + 1)).trim();
    if (eq < 0 && /^(QUOTED-PRINTABLE|BASE64|B|8BIT|7BIT)$/i.test(val)) encoding = val.toUpperCase();
    else if (eq < 0 || key === 'TYPE') types.push(...val.replace(/"/g, '').split(',').map((t) => t.trim()));
    else if (key === 'ENCODING') encoding = val.toUpperCase();
    else if (key === 'CHARSET') charset = val.replace(/"/g, '');
    else if (key === 'PREF' && /^\d{1,3}$/.test(val)) other.push(`PREF=${val}`);
    // Anything else is not needed and may not parse: LANGUAGE, ALTID, PID, X-…, and VALUE (with which
    // ical.js would read `TEL;VALUE=date-time:1` as a time; `tel:` and `sip:` URIs are read here).
  }
  let v = value;
  if (encoding === 'QUOTED-PRINTABLE') v = escape21(decodeQuotedPrintable(value, charset), STRUCTURED.has(name));
  else if (encoding === 'BASE64' || encoding === 'B') v = escape21(decodeBase64(value, charset), STRUCTURED.has(name));
  const kept = types.filter((t) => /^[\w-]+$/.test(t));
  if (kept.length > 0) other.unshift(`TYPE=${kept.join(',')}`);
  return [name, ...other].join(';') + ':' + v;
}

// ---------------------------------------------------------------------------------------------------
// Reading one card

// eslint-disable-next-line no-control-regex
const NOTE_KEEP = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
const CONTROL_ALL = new RegExp(CONTACT_CONTROL.source, 'g');

/** Control characters made spaces (a note keeps its line breaks and tabs), cut to `max` characters. */
function clean(s: string, max: number, note = false): string {
  let t = note ? s.replace(/\r\n?/g, '\n').replace(NOTE_KEEP, ' ') : s.replace(CONTROL_ALL, ' ');
  t = t.trim();
  if (t.length > max) {
    t = t.slice(0, max);
    // Not half of a surrogate pair.
    if (/[\uD800-\uDBFF]$/.test(t)) t = t.slice(0, -1);
    t = t.trim();
  }
  return t;
}

type Value = unknown;
const flat = (v: Value): string[] => (Array.isArray(v) ? v.flatMap(flat) : v === null || v === undefined ? [] : [String(v)]);

/** A text property's value: ical.js splits vCard 3.0 text on commas, and leaves `\;` escaped. */
function textOf(p: ICAL.Property): string {
  return flat(p.getValues()).join(',').replace(/\\;/g, ';');
}

function typesOf(p: ICAL.Property): string[] {
  return flat(p.getParameter('type')).flatMap((t) => t.split(',')).map((t) => t.trim().toLowerCase()).filter(Boolean);
}

/** PREF=1 (4.0) or TYPE=pref (2.1, 3.0) first; then in file order. */
function prefOf(p: ICAL.Property, types: string[]): number {
  const pref = Number(flat(p.getParameter('pref'))[0]);
  if (Number.isInteger(pref) && pref >= 1 && pref <= 100) return pref;
  return types.includes('pref') ? 1 : 101;
}

function labelOf(types: string[]): NumberLabel {
  if (types.some((t) => t === 'cell' || t === 'mobile' || t === 'iphone')) return 'mobile';
  // A fax line is not one to call, even at work.
  if (types.includes('fax') && !types.includes('voice')) return 'other';
  if (types.includes('work')) return 'work';
  if (types.includes('home')) return 'home';
  return 'other';
}

function decodedUri(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The number a TEL, IMPP or X-SIP value holds, or '' if it holds none we can call. */
function numberOf(name: string, raw: string): string {
  const v = raw.trim();
  if (name === 'IMPP' && !/^sips?:/i.test(v)) return ''; // xmpp:, skype:, … are not for a SIP phone.
  if (/^tel:/i.test(v)) return decodedUri(v.slice(4).split(/[;?]/)[0] ?? '');
  if (/^sip:/i.test(v)) return v.slice(4);
  return v;
}

/** Reads one card's lines (from splitVcards). Throws an Error saying why a card is refused. */
export function readVcard(lines: readonly string[]): VcardCard {
  if (lines.length < 2 || !/^END:VCARD$/i.test(lines[lines.length - 1] ?? '')) throw new Error('the card has no END:VCARD (the file may be cut short)');
  let version = '';
  const kept: string[] = [];
  for (const line of lines.slice(1, -1)) {
    const parts = splitLine(line);
    if (!parts) continue;
    if (parts.name === 'VERSION') version = parts.value.trim();
    else if (KEPT.has(parts.name)) kept.push(rewriteLine(parts.name, parts.params, parts.value));
  }
  const text = ['BEGIN:VCARD', `VERSION:${version === '4.0' ? '4.0' : '3.0'}`, ...kept, 'END:VCARD'].join('\r\n');
  let jcard: unknown;
  try {
    jcard = ICAL.parse(text);
  } catch (err) {
    throw new Error(`the card could not be read (${(err instanceof Error ? err.message : String(err)).slice(0, 200)})`, { cause: err });
  }
  const card = new ICAL.Component(jcard as unknown[]);
  const first = (name: string): string => {
    const p = card.getFirstProperty(name);
    return p ? textOf(p) : '';
  };
  const L = CONTACT_LIMITS;

  let name = clean(first('fn'), L.name);
  if (name === '') {
    const n = card.getFirstProperty('n')?.getFirstValue();
    const parts = Array.isArray(n) ? n.map((x) => flat(x).join(' ')) : [];
    // Prefix, given, additional, family, suffix.
    name = clean([3, 1, 2, 0, 4].map((i) => parts[i] ?? '').join(' '), L.name);
  }
  // The company, then its units (`Example Fruit Inc.;Engineering`).
  const units = flat(card.getFirstProperty('org')?.getValues() ?? []).filter((u) => u.trim() !== '');
  const organization = clean(units.join(', '), L.organization);
  // A company's card often has only ORG.
  if (name === '') name = organization;
  if (name === '') throw new Error('the card has no name (FN, N or ORG)');

  const found: Array<{ number: string; types: string[]; pref: number; order: number }> = [];
  for (const p of card.getAllProperties()) {
    const pname = p.name.toUpperCase();
    if (pname !== 'TEL' && pname !== 'IMPP' && pname !== 'X-SIP') continue;
    const number = clean(numberOf(pname, textOf(p)), Infinity);
    if (number === '' || number.length > L.number || !/[\p{L}\p{N}]/u.test(number)) continue;
    const types = typesOf(p);
    found.push({ number, types, pref: prefOf(p, types), order: found.length });
  }
  found.sort((a, b) => a.pref - b.pref || a.order - b.order);
  const seen = new Set<string>();
  const numbers = found.filter((n) => {
    const key = normaliseNumber(n.number);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  numbers.length = Math.min(numbers.length, L.numbers);

  const emails = card
    .getAllProperties('email')
    .map((p, order) => ({ value: clean(textOf(p), Infinity), pref: prefOf(p, typesOf(p)), order }))
    .filter((e) => e.value.length <= L.email && /^[^\s@]+@[^\s@]+$/.test(e.value))
    .sort((a, b) => a.pref - b.pref || a.order - b.order);

  const input: ContactInput = {
    name,
    organization: organization || null,
    numbers: numbers.map((n) => ({ label: labelOf(n.types), number: n.number })),
    email: emails[0]?.value ?? null,
    note: clean(first('note'), L.note, true) || null,
  };
  const checked = checkContact(input);
  if (!checked.ok) throw new Error(describeErrors(checked.errors));
  const uid = clean(first('uid'), 256);
  return { contact: checked.value, uid: uid || null, numberTypes: numbers.map((n) => n.types) };
}

/**
 * Every card of a vCard file (2.1, 3.0 or 4.0; any number of cards): the contacts read, and why each
 * card that was not read was refused. A file with no card at all gives one error, index 0.
 */
export function parseVcards(text: string): { contacts: ContactInput[]; errors: VcardError[] } {
  const cards = splitVcards(text);
  if (cards.length === 0) return { contacts: [], errors: [{ index: 0, message: 'no vCard (BEGIN:VCARD … END:VCARD) was found' }] };
  const contacts: ContactInput[] = [];
  const errors: VcardError[] = [];
  cards.forEach((lines, index) => {
    try {
      contacts.push(readVcard(lines).contact);
    } catch (err) {
      errors.push({ index, message: err instanceof Error ? err.message : String(err) });
    }
  });
  return { contacts, errors };
}

// ---------------------------------------------------------------------------------------------------
// Writing

const TEL_TYPES: Record<NumberLabel, string[]> = { work: ['WORK', 'VOICE'], mobile: ['CELL', 'VOICE'], home: ['HOME', 'VOICE'], other: ['VOICE'] };

/** A SIP address (not a phone number or a bare user name): written as IMPP, which address books keep as such. */
const isSipAddress = (n: string): boolean => /^sips?:/i.test(n) || n.includes('@');

function vcardOf(contact: Pick<Contact, 'name' | 'organization' | 'numbers' | 'email' | 'note'>): string {
  const card = new ICAL.Component(['vcard', [], []]);
  card.addPropertyWithValue('version', '3.0');
  card.addPropertyWithValue('fn', contact.name);
  // vCard 3.0 requires N. The name is not split (which part is the family name is not known): all given.
  const n = new ICAL.Property('n', card);
  n.setValue(['', contact.name, '', '', ''] as unknown as string);
  card.addProperty(n);
  if (contact.organization) {
    const org = new ICAL.Property('org', card);
    org.setValue([contact.organization] as unknown as string);
    card.addProperty(org);
  }
  for (const { label, number } of contact.numbers) {
    if (isSipAddress(number)) {
      const impp = new ICAL.Property('impp', card);
      if (label !== 'other') impp.setParameter('type', label === 'mobile' ? 'cell' : label);
      impp.setValue(/^sips?:/i.test(number) ? number : `sip:${number}`);
      card.addProperty(impp);
    } else {
      const tel = new ICAL.Property('tel', card);
      tel.setParameter('type', TEL_TYPES[label]);
      tel.setValue(number);
      card.addProperty(tel);
    }
  }
  if (contact.email) {
    const email = new ICAL.Property('email', card);
    email.setParameter('type', 'INTERNET');
    email.setValue(contact.email);
    card.addProperty(email);
  }
  if (contact.note) card.addPropertyWithValue('note', contact.note);
  const lines = card.getAllProperties().map((p) => {
    const line = ICAL.stringify.property(p.toJSON(), ICAL.design.vcard3, true);
    // ical.js leaves `;` bare in plain text (as RFC 6350 allows); RFC 2426's grammar escapes it.
    return p.name === 'fn' || p.name === 'note' ? line.replace(/;/g, '\\;') : line;
  });
  return ['BEGIN:VCARD', ...lines.map((l) => ICAL.helpers.foldline(l)), 'END:VCARD'].join('\r\n');
}

/** The contacts as one vCard 3.0 file (CRLF line ends, lines folded at 75 octets); '' for none. */
export function toVcards(contacts: ReadonlyArray<Pick<Contact, 'name' | 'organization' | 'numbers' | 'email' | 'note'>>): string {
  return contacts.map((c) => `${vcardOf(c)}\r\n`).join('');
}
