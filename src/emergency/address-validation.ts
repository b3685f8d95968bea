/**
 * Checks the registered emergency address before it is saved: this is what emergency services
 * receive, so a missing street or a mistyped postal code has to be caught here, with a clear message.
 *
 * Error codes (FieldError.code; the UI translates by code, the English `message` is the fallback).
 * `field` is the bare RFC 5139 element name (`RD`, `PC`, `country`…), or `address` for the whole input.
 *   notObject             address   The address must be an object of civic address fields.
 *   notText               any       This must be text.
 *   controlChars          any       This must not contain line breaks, tabs or other control characters.
 *   tooLong               any       Use at most {max} characters.                (max: maxLength(field))
 *   required              any       Enter the street. / Enter the city. / Choose the country. / …
 *   houseNumberOrBuilding HNO       Enter the house number or the building name. (GB only)
 *   countryInvalid        country   "{code}" is not a country code. Choose the country from the list.
 *   postcodeInvalid       PC        This is not a valid postal code for {country}. Example: {example}.
 *                                   (example: postcodeExample(country); without one the sentence stops
 *                                   after the country name)
 */
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import { CIVIC_FIELDS, type CivicAddress, type CivicField } from './civic-address';
import { type Checked, type FieldError, fieldError } from '../result';

/** Free-text fields get more room; everything else is one short line. */
const LONG_FIELDS: ReadonlySet<CivicField> = new Set<CivicField>(['LOC', 'NAM']);
const MAX_SHORT = 100;
const MAX_LONG = 200;

export function maxLength(field: CivicField): number {
  return LONG_FIELDS.has(field) ? MAX_LONG : MAX_SHORT;
}

/**
 * C0 controls (tab and line breaks included), DEL and C1 controls. Printable text that merely looks
 * hostile (`<`, `&`, quotes, right-to-left scripts, emoji) is fine: it is escaped where written out.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * Region codes that Intl names but that are not ISO 3166-1 countries: groupings (EU, EZ, UN, QO),
 * unknown (ZZ), pseudo-locales (XA, XB) and exceptionally reserved codes that belong to a country
 * (AC, TA → SH; CP → FR; DG → IO; EA, IC → ES; CQ → GB). XK (Kosovo) is user-assigned but kept.
 */
const NOT_COUNTRIES: ReadonlySet<string> = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB', 'AC', 'TA', 'CP', 'DG', 'EA', 'IC', 'CQ']);

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/**
 * True for a current ISO 3166-1 alpha-2 code, upper case (plus XK). Deprecated codes that Intl still
 * names (UK, FX, AN, CS, YU, SU, DD, ZR, TP, BU, NT) are refused: Intl canonicalises them to another code.
 */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  if (!regionNames.of(code)) return false;
  try {
    return new Intl.Locale(`und-${code}`).region === code;
  } catch {
    return false;
  }
}

/** Where every street address has a house number (GB: a building name may stand in for it). */
const HOUSE_NUMBER_COUNTRIES: ReadonlySet<string> = new Set(['FR', 'DE', 'BE', 'CH', 'ES', 'IT', 'NL', 'AT', 'US', 'CA', 'GB']);
/** Where the state or province is part of every address. */
const REGION_COUNTRIES: ReadonlySet<string> = new Set(['US', 'CA']);
/**
 * Where the postal code is not required although it may be checked if given: HK and AE have no
 * postal codes; in IE the Eircode is optional in practice.
 */
const POSTCODE_OPTIONAL: ReadonlySet<string> = new Set(['HK', 'AE', 'IE']);

/** One example per country, shown when a postal code is refused. */
const POSTCODE_EXAMPLES: Readonly<Record<string, string>> = {
  FR: '75002',
  US: '94043 or 94043-1351',
  GB: 'SW1A 1AA',
  DE: '10115',
  CH: '8001',
  BE: '1000',
  CA: 'K1A 0B1',
  IT: '00184',
  ES: '28013',
  NL: '1012 AB',
  AT: '1010',
  IE: 'D02 AF30',
  LU: 'L-1855',
  PT: '1000-001',
};

/** An example postal code for the country (English wording), if the table has one. */
export function postcodeExample(country: string): string | undefined {
  return POSTCODE_EXAMPLES[country.toUpperCase()];
}

function hasPostcodeRule(country: string): boolean {
  return postcodeValidatorExistsForCountry(country);
}

/** The fields that must be filled in for this country, in schema order. GB also needs HNO or BLD. */
export function requiredFields(country: string): CivicField[] {
  const cc = country.trim().toUpperCase();
  const known = isCountryCode(cc);
  const needs = new Set<CivicField>(['country', 'A3', 'RD']);
  if (known) {
    if (REGION_COUNTRIES.has(cc)) needs.add('A1');
    if (HOUSE_NUMBER_COUNTRIES.has(cc) && cc !== 'GB') needs.add('HNO');
    if (hasPostcodeRule(cc) && !POSTCODE_OPTIONAL.has(cc)) needs.add('PC');
  }
  return CIVIC_FIELDS.filter((f) => needs.has(f));
}

function countryLabel(cc: string): string {
  return regionNames.of(cc) ?? cc;
}

function requiredMessage(field: CivicField, cc: string): string {
  switch (field) {
    case 'country':
      return 'Choose the country.';
    case 'RD':
      return 'Enter the street.';
    case 'A3':
      return 'Enter the city or town.';
    case 'HNO':
      return 'Enter the house number.';
    case 'PC':
      return 'Enter the postal code.';
    case 'A1':
      return cc === 'CA' ? 'Enter the province or territory.' : cc === 'US' ? 'Enter the state.' : 'Enter the state or region.';
    default:
      return 'This field is required.';
  }
}

function postcodeMatches(pc: string, cc: string): boolean {
  // Letters typed in lower case are still the right postal code (NL "1012 ab").
  return postcodeValidator(pc, cc) || postcodeValidator(pc.toUpperCase(), cc);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates and normalises an address typed by a person or provisioned by an administrator.
 * Keeps only RFC 5139 fields, trims them, drops empty ones and upper-cases the country; the text
 * itself is kept exactly as typed.
 */
export function validateCivicAddress(input: unknown): Checked<CivicAddress> {
  if (!isRecord(input)) {
    return { ok: false, errors: [fieldError('address', 'notObject', 'The address must be an object of civic address fields.')] };
  }
  const errors: FieldError[] = [];
  const values: Partial<Record<CivicField, string>> = {};

  for (const field of CIVIC_FIELDS) {
    if (!Object.hasOwn(input, field)) continue;
    const raw = input[field];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'string') {
      errors.push(fieldError(field, 'notText', 'This must be text.'));
      continue;
    }
    const value = raw.trim();
    if (value === '') continue;
    if (CONTROL.test(value)) {
      errors.push(fieldError(field, 'controlChars', 'This must not contain line breaks, tabs or other control characters.'));
      continue;
    }
    const max = maxLength(field);
    if ([...value].length > max) {
      errors.push(fieldError(field, 'tooLong', `Use at most ${max} characters.`));
      continue;
    }
    values[field] = value;
  }

  const bad = new Set(errors.map((e) => e.field));
  const missing = (f: CivicField): boolean => values[f] === undefined && !bad.has(f);

  // Country first: the other rules depend on it.
  let cc = '';
  if (values.country !== undefined) {
    const upper = values.country.toUpperCase();
    if (isCountryCode(upper)) {
      cc = upper;
      values.country = upper;
    } else {
      errors.push(fieldError('country', 'countryInvalid', `"${values.country}" is not a country code. Choose the country from the list.`));
    }
  }

  for (const f of requiredFields(cc)) {
    if (missing(f)) errors.push(fieldError(f, 'required', requiredMessage(f, cc)));
  }
  if (cc === 'GB' && missing('HNO') && missing('BLD')) {
    errors.push(fieldError('HNO', 'houseNumberOrBuilding', 'Enter the house number or the building name.'));
  }

  const pc = values.PC;
  if (cc !== '' && pc !== undefined && hasPostcodeRule(cc) && !postcodeMatches(pc, cc)) {
    const example = postcodeExample(cc);
    const name = countryLabel(cc);
    errors.push(
      fieldError(
        'PC',
        'postcodeInvalid',
        example ? `This is not a valid postal code for ${name}. Example: ${example}.` : `This is not a valid postal code for ${name}.`,
      ),
    );
  }

  if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };
  return { ok: true, value: { ...values, country: cc } };
}

/** Errors in schema order, so the first one matches the first field a reader meets in the PIDF-LO. */
function sortErrors(errors: FieldError[]): FieldError[] {
  const rank = (f: string): number => {
    const i = (CIVIC_FIELDS as readonly string[]).indexOf(f);
    return i === -1 ? -1 : i;
  };
  return [...errors].sort((a, b) => rank(a.field) - rank(b.field));
}

const filled = (v: string | undefined): boolean => typeof v === 'string' && v.trim() !== '';

/**
 * Enough for a responder to find the door: a street, a house number or building, and a city.
 * Floor, unit and room are welcome but not needed.
 */
export function isDispatchable(a: CivicAddress): boolean {
  return filled(a.RD) && filled(a.A3) && (filled(a.HNO) || filled(a.BLD));
}
