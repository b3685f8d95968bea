/**
 * The emergency catalogue: every emergency number the phone knows, per country, with its service
 * named in French and English and its RFC 5031 service URN where one fits.
 *
 * Baseline: google-libphonenumber's ShortNumberInfo (all regions). It misses numbers that matter
 * here, so `ADDITIONS` below fills the gaps; an administrator can add or override more through the
 * provisioning file. This module is the one place those rules live.
 */
import libphonenumber from 'google-libphonenumber';

// A CommonJS package: its named exports are reachable only through the default import under Node ESM.
const { PhoneNumberUtil, ShortNumberInfo } = libphonenumber;
type PhoneNumberUtil = libphonenumber.PhoneNumberUtil;
type ShortNumberInfo = libphonenumber.ShortNumberInfo;

type Region = Parameters<ShortNumberInfo['isEmergencyNumber']>[1];
/** The typings lack this method, which the library has. */
type PhoneUtilWithRegions = PhoneNumberUtil & { getRegionCodesForCountryCode(code: number): string[] };

export interface ServiceName {
  en: string;
  fr: string;
}

export interface EmergencyNumber {
  /** ISO 3166-1 alpha-2 region. */
  country: string;
  /** Digits to dial, without spaces. */
  number: string;
  /** As people write it ("116 000"). */
  display: string;
  service: ServiceName;
  /** RFC 5031 service URN, e.g. `urn:service:sos.police`. */
  urn?: string;
  /** A line for testing the emergency setup, not a real emergency service (US 933). */
  test?: boolean;
  /** Shown when the number is dialled, e.g. 114 is meant for text, SMS or video. */
  note?: ServiceName;
  source: 'libphonenumber' | 'catalogue' | 'provisioning';
}

export type EmergencyNumberInput = Omit<EmergencyNumber, 'source' | 'display'> & { display?: string };

const GENERIC: ServiceName = { en: 'Emergency services', fr: "Services d'urgence" };
const SOS_112: ServiceName = { en: 'European emergency number', fr: "Numéro d'urgence européen" };

/** The French seed list (15, 17, 18, 112, 114, 115, 116 000, 116 117, 119, 191, 196, 197). */
const FRANCE: Array<Omit<EmergencyNumberInput, 'country'>> = [
  { number: '15', service: { en: 'SAMU (medical emergency)', fr: 'SAMU' }, urn: 'urn:service:sos.ambulance' },
  { number: '17', service: { en: 'Police', fr: 'Police-Secours' }, urn: 'urn:service:sos.police' },
  { number: '18', service: { en: 'Fire brigade', fr: 'Pompiers' }, urn: 'urn:service:sos.fire' },
  { number: '112', service: SOS_112, urn: 'urn:service:sos' },
  {
    number: '114',
    service: { en: 'Emergency number for deaf and hard-of-hearing people', fr: "Numéro d'urgence pour les personnes sourdes et malentendantes" },
    note: {
      en: '114 is meant for SMS, the Urgence 114 app, the website or video. A voice call is placed, but text is the surest way.',
      fr: "Le 114 est prévu pour les SMS, l'application Urgence 114, le site web ou la visio. L'appel vocal part, mais le texte est le plus sûr.",
    },
  },
  { number: '115', service: { en: 'Homeless emergency shelter (Samu social)', fr: 'Samu social / Secours aux sans-abri' } },
  { number: '116000', display: '116 000', service: { en: 'Missing children hotline', fr: 'SOS enfants disparus' } },
  { number: '116117', display: '116 117', service: { en: 'On-call doctors', fr: 'Médecins de garde' } },
  { number: '119', service: { en: 'Child abuse hotline', fr: 'Enfance maltraitée' }, urn: 'urn:service:counseling.children' },
  { number: '191', service: { en: 'Aeronautical emergency', fr: 'Urgence aéronautique' } },
  { number: '196', service: { en: 'Sea rescue', fr: 'Secours en mer' }, urn: 'urn:service:sos.marine' },
  { number: '197', service: { en: 'Terror and child-abduction alert', fr: 'Alerte attentat et alerte enlèvement' } },
];

/** French overseas regions use the French numbers; libphonenumber misses some of them (112 in GP). */
const FRENCH_REGIONS = ['FR', 'GP', 'MQ', 'GF', 'RE', 'YT', 'MF', 'BL', 'PM'];

/** 112 is the emergency number everywhere in the EU (Universal Service Directive). */
const EU_REGIONS = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL',
  'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'GP', 'MQ', 'GF', 'RE', 'YT', 'MF', 'AX', 'IC', 'EA',
];

/** Names for well-known numbers outside France, so the banner says more than "emergency". */
const KNOWN: Array<Omit<EmergencyNumberInput, 'country'> & { countries: string[] }> = [
  { countries: ['US', 'CA', 'MX', 'PR', 'VI', 'GU', 'AS', 'MP', 'PH', 'AR', 'BR', 'CR', 'PA'], number: '911', service: GENERIC, urn: 'urn:service:sos' },
  { countries: ['GB', 'IE', 'HK', 'SG', 'MY', 'PL', 'BW', 'GH', 'KE', 'MU', 'AE', 'QA', 'BH', 'SA', 'MO', 'TT'], number: '999', service: GENERIC, urn: 'urn:service:sos' },
  { countries: ['AU'], number: '000', service: GENERIC, urn: 'urn:service:sos' },
  { countries: ['NZ'], number: '111', service: GENERIC, urn: 'urn:service:sos' },
  { countries: ['DE', 'AT', 'CN', 'JP', 'TW', 'ID'], number: '110', service: { en: 'Police', fr: 'Police' }, urn: 'urn:service:sos.police' },
  { countries: ['JP', 'KR', 'CN', 'TW'], number: '119', service: { en: 'Fire and ambulance', fr: 'Pompiers et ambulance' }, urn: 'urn:service:sos.fire' },
  { countries: ['CH', 'AT'], number: '117', service: { en: 'Police', fr: 'Police' }, urn: 'urn:service:sos.police' },
  { countries: ['CH'], number: '118', service: { en: 'Fire brigade', fr: 'Pompiers' }, urn: 'urn:service:sos.fire' },
  { countries: ['CH'], number: '144', service: { en: 'Ambulance', fr: 'Ambulance' }, urn: 'urn:service:sos.ambulance' },
  { countries: ['BE'], number: '101', service: { en: 'Police', fr: 'Police' }, urn: 'urn:service:sos.police' },
  { countries: ['BE'], number: '100', service: { en: 'Ambulance and fire', fr: 'Ambulance et pompiers' }, urn: 'urn:service:sos.ambulance' },
  { countries: ['IT'], number: '113', service: { en: 'Police', fr: 'Police' }, urn: 'urn:service:sos.police' },
  { countries: ['IT'], number: '115', service: { en: 'Fire brigade', fr: 'Pompiers' }, urn: 'urn:service:sos.fire' },
  { countries: ['IT', 'CH'], number: '118', service: { en: 'Ambulance', fr: 'Ambulance' }, urn: 'urn:service:sos.ambulance' },
  { countries: ['ES'], number: '091', service: { en: 'National police', fr: 'Police nationale' }, urn: 'urn:service:sos.police' },
  { countries: ['IN'], number: '100', service: { en: 'Police', fr: 'Police' }, urn: 'urn:service:sos.police' },
  { countries: ['IN'], number: '101', service: { en: 'Fire brigade', fr: 'Pompiers' }, urn: 'urn:service:sos.fire' },
  { countries: ['IN'], number: '102', service: { en: 'Ambulance', fr: 'Ambulance' }, urn: 'urn:service:sos.ambulance' },
  { countries: ['CN'], number: '120', service: { en: 'Ambulance', fr: 'Ambulance' }, urn: 'urn:service:sos.ambulance' },
  { countries: ['RU', 'KZ', 'BY'], number: '101', service: { en: 'Fire brigade', fr: 'Pompiers' }, urn: 'urn:service:sos.fire' },
  { countries: ['RU', 'KZ', 'BY'], number: '102', service: { en: 'Police', fr: 'Police' }, urn: 'urn:service:sos.police' },
  { countries: ['RU', 'KZ', 'BY'], number: '103', service: { en: 'Ambulance', fr: 'Ambulance' }, urn: 'urn:service:sos.ambulance' },
  { countries: ['ZA'], number: '10111', service: { en: 'Police', fr: 'Police' }, urn: 'urn:service:sos.police' },
  { countries: ['ZA'], number: '10177', service: { en: 'Ambulance', fr: 'Ambulance' }, urn: 'urn:service:sos.ambulance' },
  {
    countries: ['US'],
    number: '933',
    service: { en: 'Emergency address test line', fr: "Ligne de test de l'adresse d'urgence" },
    urn: 'urn:service:test.sos',
    test: true,
  },
];

const shortInfo = ShortNumberInfo.getInstance();
const phoneUtil = PhoneNumberUtil.getInstance() as PhoneUtilWithRegions;

function displayOf(number: string): string {
  return number.length === 6 ? `${number.slice(0, 3)} ${number.slice(3)}` : number;
}

function entry(country: string, e: Omit<EmergencyNumberInput, 'country'>, source: EmergencyNumber['source']): EmergencyNumber {
  return { ...e, country, display: e.display ?? displayOf(e.number), source };
}

/** Catalogue entries that libphonenumber does not have, or names it does not give; built once. */
function buildAdditions(): Map<string, EmergencyNumber> {
  const map = new Map<string, EmergencyNumber>();
  const put = (e: EmergencyNumber): void => void map.set(key(e.country, e.number), e);
  for (const c of EU_REGIONS) put(entry(c, { number: '112', service: SOS_112, urn: 'urn:service:sos' }, 'catalogue'));
  for (const k of KNOWN) for (const c of k.countries) put(entry(c, k, 'catalogue'));
  for (const c of FRENCH_REGIONS) for (const f of FRANCE) put(entry(c, f, 'catalogue'));
  return map;
}

function key(country: string, number: string): string {
  return `${country}:${number}`;
}

/** Lengths worth asking libphonenumber about when listing a region (emergency numbers are short). */
const LISTED_LENGTHS = [2, 3];

export class EmergencyCatalogue {
  private readonly additions = buildAdditions();
  private readonly overrides = new Map<string, EmergencyNumber>();
  private readonly listed = new Map<string, EmergencyNumber[]>();

  constructor(overrides: EmergencyNumberInput[] = []) {
    for (const o of overrides) {
      const country = o.country.toUpperCase();
      this.overrides.set(key(country, o.number), entry(country, { ...o, number: o.number.replace(/\s/g, '') }, 'provisioning'));
    }
  }

  /** The entry for exactly `digits` in `country`, or null. Exact: "1120" is not 112. */
  lookup(country: string, digits: string): EmergencyNumber | null {
    const region = country.toUpperCase();
    const k = key(region, digits);
    const found = this.overrides.get(k) ?? this.additions.get(k);
    if (found) return found;
    if (digits.length > 0 && digits.length <= 6 && shortInfo.isEmergencyNumber(digits, region as Region)) {
      return entry(region, { number: digits, service: GENERIC, urn: digits === '112' ? 'urn:service:sos' : undefined }, 'libphonenumber');
    }
    return null;
  }

  /** Every number known for a country, sorted: for the UI and for documentation. */
  list(country: string): EmergencyNumber[] {
    const region = country.toUpperCase();
    const cached = this.listed.get(region);
    if (cached) return cached;
    const byNumber = new Map<string, EmergencyNumber>();
    for (const len of LISTED_LENGTHS) {
      for (let i = 0; i < 10 ** len; i++) {
        const d = String(i).padStart(len, '0');
        if (shortInfo.isEmergencyNumber(d, region as Region)) byNumber.set(d, this.lookup(region, d) as EmergencyNumber);
      }
    }
    for (const map of [this.additions, this.overrides]) {
      for (const e of map.values()) if (e.country === region) byNumber.set(e.number, this.lookup(region, e.number) as EmergencyNumber);
    }
    const list = [...byNumber.values()].sort((a, b) => a.number.length - b.number.length || a.number.localeCompare(b.number));
    this.listed.set(region, list);
    return list;
  }

  /** Regions sharing a country calling code (+33 → FR; +1 → US, CA, …). */
  regionsForCallingCode(code: number): string[] {
    return phoneUtil.getRegionCodesForCountryCode(code).filter((r: string) => r !== 'ZZ');
  }

  callingCodeOf(country: string): number {
    return phoneUtil.getCountryCodeForRegion(country.toUpperCase() as Region);
  }

  isKnownRegion(country: string): boolean {
    return phoneUtil.getSupportedRegions().includes(country.toUpperCase() as Region);
  }
}
