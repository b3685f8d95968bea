/**
 * The registered emergency address: an RFC 5139 civic address plus where it came from.
 * This is the address emergency services receive, so the same model feeds the UI and the PIDF-LO.
 */

/** RFC 5139 civic address elements, in the schema's order (the PIDF-LO writes them in this order). */
export const CIVIC_FIELDS = [
  'country', // ISO 3166-1 alpha-2
  'A1', // region / state
  'A2', // county / département
  'A3', // city
  'A4', // district / borough
  'A5',
  'A6',
  'PRM',
  'PRD', // leading street direction
  'RD', // street name
  'STS', // street suffix / type
  'POD', // trailing street direction
  'POM',
  'RDSEC',
  'RDBR',
  'RDSUBBR',
  'HNO', // house number
  'HNS', // house number suffix
  'LMK',
  'LOC', // free location note
  'FLR', // floor
  'NAM', // company or occupant name
  'PC', // postal code
  'BLD', // building
  'UNIT', // unit / suite
  'ROOM',
  'SEAT',
  'PLC',
  'PCN',
  'POBOX',
  'ADDCODE',
] as const;

export type CivicField = (typeof CIVIC_FIELDS)[number];

export type CivicAddress = Partial<Record<CivicField, string>> & { country: string };

/** Where a location came from; written to the PIDF-LO `method` (RFC 4119 / IANA method tokens). */
export type LocationSource = 'user' | 'administrator' | 'network-site';

export interface RegisteredAddress {
  address: CivicAddress;
  source: LocationSource;
  /** ISO time the user last confirmed it, if ever. */
  confirmedAt?: string;
  /** An administrator locked it: shown read-only. */
  locked?: boolean;
}

/** RFC 4119 `method` tokens (IANA "Method Tokens" registry). */
export function methodFor(source: LocationSource): string {
  switch (source) {
    case 'user':
      return 'Manual';
    case 'administrator':
      return 'Manual';
    case 'network-site':
      return 'Wiremap';
  }
}

/** The fields that carry text, in schema order, skipping empty ones. */
export function filledFields(a: CivicAddress): Array<[CivicField, string]> {
  const out: Array<[CivicField, string]> = [];
  for (const f of CIVIC_FIELDS) {
    const v = a[f];
    if (typeof v === 'string' && v.trim() !== '') out.push([f, v]);
  }
  return out;
}

