import { readFileSync } from 'node:fs';
import libphonenumber from 'google-libphonenumber';
import { describe, expect, it } from 'vitest';
import { generateEmergencyNumbers } from '../../scripts/gen-emergency-numbers';
import { generateLibphonenumberData } from '../../scripts/gen-libphonenumber-data';
import { EmergencyCatalogue, type EmergencyNumber } from '../../src/emergency/catalogue';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const SOURCE_TEXT = read('data/aosp-eccdata/eccdata.txt');
const catalogue = new EmergencyCatalogue();
const REGIONS = libphonenumber.PhoneNumberUtil.getInstance().getSupportedRegions();

// A parser of our own, deliberately not the generator's, so the two check each other.
interface SourceNumber {
  country: string;
  number: string;
  types: string[];
  routing?: string;
}
function parseSource(text: string): { numbers: SourceNumber[]; fallbacks: Array<[string, string]> } {
  const numbers: SourceNumber[] = [];
  const fallbacks: Array<[string, string]> = [];
  for (const block of text.split(/^countries \{$/m).slice(1)) {
    const country = /iso_code: "([A-Z]{2})"/.exec(block)?.[1] as string;
    for (const ecc of block.split(/^\s*eccs \{$/m).slice(1)) {
      numbers.push({
        country,
        number: /phone_number: "([0-9]+)"/.exec(ecc)?.[1] as string,
        types: [...ecc.matchAll(/types: ([A-Z_]+)/g)].map((m) => m[1] as string),
        routing: /routing: ([A-Z_]+)/.exec(ecc)?.[1],
      });
    }
    const fallback = /ecc_fallback: "([0-9]+)"/.exec(block)?.[1];
    if (fallback) fallbacks.push([country, fallback]);
  }
  return { numbers, fallbacks };
}
const source = parseSource(SOURCE_TEXT);

const URN: Record<string, string> = {
  POLICE: 'urn:service:sos.police',
  AMBULANCE: 'urn:service:sos.ambulance',
  FIRE: 'urn:service:sos.fire',
  MARINE_GUARD: 'urn:service:sos.marine',
  MOUNTAIN_RESCUE: 'urn:service:sos.mountain',
};
const CATEGORIES = Object.keys(URN);
/** How a name, in either language, says it is that service. */
const WORDS: Record<string, RegExp> = {
  POLICE: /police/i,
  AMBULANCE: /ambulance|samu|medical|médical/i,
  FIRE: /fire|pompiers/i,
  MARINE_GUARD: /coast|sea rescue|marine|garde-côtes|en mer/i,
  MOUNTAIN_RESCUE: /mountain|montagne/i,
};
const named = (e: EmergencyNumber): string[] => CATEGORIES.filter((c) => WORDS[c]?.test(e.service.en) || WORDS[c]?.test(e.service.fr));

/** Where the catalogue knowingly departs from the source's category, and what it says instead. */
const DEPARTURES: Record<string, { en: string; urn: string | undefined; why: string }> = {
  'FR:191': { en: 'Aeronautical emergency', urn: undefined, why: 'French seed list: 191 is the aeronautical emergency number' },
  'AT:128': { en: 'Gas emergency', urn: 'urn:service:sos', why: 'RTR (Austrian regulator): 128 is the gas line; AOSP says mountain rescue' },
};

const categorised = source.numbers.filter((n) => n.types.some((t) => CATEGORIES.includes(t)));
const coverage = CATEGORIES.map((c) => {
  const all = categorised.filter((n) => n.types.includes(c));
  const found = all.filter((n) => catalogue.lookup(n.country, n.number) !== null);
  return { category: c, found: found.length, total: all.length, missing: all.filter((n) => !found.includes(n)) };
});
const percent = (found: number, all: number): string => ((100 * found) / all).toFixed(1);
const overall = percent(categorised.filter((n) => catalogue.lookup(n.country, n.number)).length, categorised.length);
console.log(
  `AOSP eccdata coverage: ${overall}% of ${categorised.length} police/ambulance/fire/marine/mountain numbers; ` +
    coverage.map((c) => `${c.category} ${c.found}/${c.total} (${percent(c.found, c.total)}%)`).join(', '),
);

describe('the source file, read by this test', () => {
  it('parses every country and number', () => {
    expect(source.numbers.length).toBe(SOURCE_TEXT.match(/phone_number:/g)?.length);
    expect(source.fallbacks.length).toBe(SOURCE_TEXT.match(/iso_code:/g)?.length);
    expect(source.numbers.every((n) => /^[A-Z]{2}$/.test(n.country) && /^[0-9]+$/.test(n.number) && n.types.length > 0)).toBe(true);
  });
});

describe('coverage of the AOSP emergency number database', () => {
  it(`recognises ${overall}% of its police, ambulance, fire, marine and mountain numbers (at least 99%)`, () => {
    expect(Number(overall)).toBeGreaterThanOrEqual(99);
  });
  it.each(coverage.map((c) => [c.category, percent(c.found, c.total), c] as const))('%s: %s%%', (_name, _pct, c) => {
    expect(c.missing.map((n) => `${n.country} ${n.number}`)).toEqual([]);
  });
  it('recognises its other numbers and every country fallback too, but not the help lines it dials as ordinary calls', () => {
    const helpLine = (n: { types: string[]; routing?: string }): boolean => n.routing === 'NORMAL' && n.types.every((t) => t === 'TYPE_UNSPECIFIED');
    const unknown = [...source.numbers.filter((n) => !helpLine(n)).map((n) => [n.country, n.number] as const), ...source.fallbacks].filter(([c, n]) => !catalogue.lookup(c, n));
    expect(unknown).toEqual([]);
    // Untyped, routed NORMAL: a youth help line must not send the caller's location as an emergency call.
    for (const [c, n] of [['CH', '147'], ['ES', '016'], ['FR', '116111']] as const) expect(catalogue.lookup(c, n)?.source ?? null).not.toBe('aosp');
    expect(catalogue.lookup('CH', '147')).toBeNull();
  });
});

describe('service names agree with the source', () => {
  it(`for all ${categorised.length} of its police, ambulance, fire, marine and mountain numbers`, () => {
    const wrong: string[] = [];
    for (const n of categorised) {
      const e = catalogue.lookup(n.country, n.number);
      if (!e) continue; // counted by the coverage tests
      const at = `${n.country} ${n.number} (${n.types.join('+')}): ${e.urn} "${e.service.en}" / "${e.service.fr}"`;
      const departure = DEPARTURES[`${n.country}:${n.number}`];
      if (departure) {
        if (e.service.en !== departure.en || e.urn !== departure.urn) wrong.push(at);
        continue;
      }
      const cats = n.types.filter((t) => CATEGORIES.includes(t));
      // Never a service the number is not: a FIRE-only number is never called Ambulance.
      if (named(e).some((c) => !cats.includes(c))) wrong.push(at);
      else if (cats.length === 1 && (e.urn !== URN[cats[0] as string] || named(e).length !== 1)) wrong.push(at);
      else if (cats.length > 1 && e.urn !== 'urn:service:sos') wrong.push(at);
    }
    expect(wrong).toEqual([]);
  });
  it('names a number with several services after all of them', () => {
    expect(catalogue.lookup('SD', '999')?.service).toEqual({ en: 'Police and fire brigade', fr: 'Police et pompiers' });
    expect(catalogue.lookup('MA', '150')?.service).toEqual({ en: 'Ambulance and fire brigade', fr: 'Ambulance et pompiers' });
    expect(catalogue.lookup('GB', '999')?.service).toEqual({ en: 'Police, ambulance and fire brigade', fr: 'Police, ambulance et pompiers' });
  });
  it('gives every listed entry with a service URN a name for that service and no other', () => {
    const wrong: string[] = [];
    for (const region of REGIONS) {
      for (const e of catalogue.list(region)) {
        const cat = CATEGORIES.find((c) => URN[c] === e.urn);
        if (cat && (named(e).length !== 1 || named(e)[0] !== cat)) wrong.push(`${region} ${e.number} ${e.urn} "${e.service.en}"`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('regressions from the review', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['JP', '118', 'urn:service:sos.marine', /Coast guard/],
    ['KR', '122', 'urn:service:sos.marine', /Coast guard/],
    ['SA', '998', 'urn:service:sos.fire', /^Fire brigade$/],
    ['MA', '190', 'urn:service:sos.police', /^Police$/],
    ['MA', '150', 'urn:service:sos', /^Ambulance and fire brigade$/],
    ['PE', '110', 'urn:service:sos.ambulance', /^Ambulance$/],
    ['MM', '191', 'urn:service:sos.fire', /^Fire brigade$/],
    ['MM', '192', 'urn:service:sos.ambulance', /^Ambulance$/],
    ['SD', '333', 'urn:service:sos.ambulance', /^Ambulance$/],
    ['NZ', '111', 'urn:service:sos', /police, ambulance and fire/i],
    ['NZ', '112', 'urn:service:sos', /police, ambulance and fire/i],
    ['NZ', '911', 'urn:service:sos', /police, ambulance and fire/i],
    ['AT', '133', 'urn:service:sos.police', /^Police$/],
    ['CH', '118', 'urn:service:sos.fire', /^Fire brigade$/],
    ['CH', '144', 'urn:service:sos.ambulance', /^Ambulance$/],
    ['IT', '118', 'urn:service:sos.ambulance', /^Ambulance$/],
  ];
  it.each(cases)('%s %s is %s', (country, number, urn, name) => {
    const e = catalogue.lookup(country, number);
    expect(e).toMatchObject({ country, number, urn, source: 'aosp' });
    expect(e?.service.en).toMatch(name);
  });
  it('CH 118 is the fire brigade in French too', () => {
    expect(catalogue.lookup('CH', '118')?.service.fr).toBe('Pompiers');
  });
  it.each(['110', '117'])('AT %s is not the police', (number) => {
    const e = catalogue.lookup('AT', number);
    expect(e?.urn).not.toBe('urn:service:sos.police');
    expect(e?.service.en ?? '').not.toMatch(/police/i);
  });
  it('corrects the AOSP error on Austria 128 and 140', () => {
    expect(catalogue.lookup('AT', '128')?.service.en).toBe('Gas emergency');
    expect(catalogue.lookup('AT', '140')).toMatchObject({ urn: 'urn:service:sos.mountain', service: { en: 'Mountain rescue' } });
  });
});

describe('kept from the hand-made catalogue', () => {
  const french: Array<[string, string, string, string | undefined]> = [
    ['15', 'SAMU (medical emergency)', 'SAMU', 'urn:service:sos.ambulance'],
    ['17', 'Police', 'Police-Secours', 'urn:service:sos.police'],
    ['18', 'Fire brigade', 'Pompiers', 'urn:service:sos.fire'],
    ['112', 'European emergency number', "Numéro d'urgence européen", 'urn:service:sos'],
    ['114', 'Emergency number for deaf and hard-of-hearing people', "Numéro d'urgence pour les personnes sourdes et malentendantes", undefined],
    ['115', 'Homeless emergency shelter (Samu social)', 'Samu social / Secours aux sans-abri', undefined],
    ['116000', 'Missing children hotline', 'SOS enfants disparus', undefined],
    ['116117', 'On-call doctors', 'Médecins de garde', undefined],
    ['119', 'Child abuse hotline', 'Enfance maltraitée', 'urn:service:counseling.children'],
    ['191', 'Aeronautical emergency', 'Urgence aéronautique', undefined],
    ['196', 'Sea rescue', 'Secours en mer', 'urn:service:sos.marine'],
    ['197', 'Terror and child-abduction alert', 'Alerte attentat et alerte enlèvement', undefined],
  ];
  it.each(['FR', 'GP', 'MQ', 'GF', 'RE', 'YT', 'MF', 'BL', 'PM'].flatMap((region) => french.map((f) => [region, ...f] as const)))(
    '%s %s keeps its name and URN',
    (region, number, en, fr, urn) => {
      const e = catalogue.lookup(region, number);
      expect(e).toMatchObject({ number, service: { en, fr }, source: 'catalogue' });
      expect(e?.urn).toBe(urn);
    },
  );
  it('112 in the EU is the European emergency number', () => {
    for (const region of ['DE', 'AT', 'ES', 'SE', 'AX', 'GP']) expect(catalogue.lookup(region, '112')?.service.en).toBe('European emergency number');
  });
  it('933 is the US test line, and only there', () => {
    expect(catalogue.lookup('US', '933')).toMatchObject({ test: true, urn: 'urn:service:test.sos' });
    expect(catalogue.list('US').filter((e) => e.test).map((e) => e.number)).toEqual(['933']);
    expect(catalogue.lookup('SZ', '933')).toMatchObject({ urn: 'urn:service:sos.fire', service: { en: 'Fire brigade' } });
    expect(catalogue.lookup('SZ', '933')?.test).toBeUndefined();
  });
  it('names the national police, fire and ambulance numbers AOSP lacks or leaves untyped', () => {
    expect(catalogue.lookup('DE', '110')).toMatchObject({ urn: 'urn:service:sos.police', service: { en: 'Police' } });
    expect(catalogue.lookup('BE', '101')).toMatchObject({ urn: 'urn:service:sos.police' });
    expect(catalogue.lookup('ZA', '10111')).toMatchObject({ urn: 'urn:service:sos.police' });
    expect(catalogue.lookup('ZA', '10177')).toMatchObject({ urn: 'urn:service:sos.ambulance' });
    expect(catalogue.lookup('IN', '101')).toMatchObject({ urn: 'urn:service:sos.fire' });
    expect(catalogue.lookup('IN', '102')).toMatchObject({ urn: 'urn:service:sos.ambulance' });
  });
  it('falls back to libphonenumber for numbers no source here names, and lists them', () => {
    expect(catalogue.list('ZA').map((e) => e.number)).toEqual(expect.arrayContaining(['112', '10111', '10177']));
  });
});

describe('administrator overrides', () => {
  const custom = new EmergencyCatalogue([
    { country: 'ch', number: '118', service: { en: 'Site fire desk', fr: 'Pompiers du site' }, urn: 'urn:service:sos.fire' },
    { country: 'FR', number: '17', service: { en: 'Police (custom)', fr: 'Police (perso)' }, urn: 'urn:service:sos.police' },
    { country: 'FR', number: '116 000', service: { en: 'Custom hotline', fr: 'Ligne perso' } },
    { country: 'US', number: '933', service: { en: 'Not a test', fr: 'Pas un test' }, urn: 'urn:service:sos' },
    { country: 'ZA', number: '10111', service: { en: 'Police', fr: 'Police' }, urn: 'urn:service:sos.police' },
    { country: 'DE', number: '3333', service: { en: 'Site security', fr: 'Sécurité du site' } },
  ]);
  it.each([
    ['CH', '118', 'Site fire desk'],
    ['FR', '17', 'Police (custom)'],
    ['FR', '116000', 'Custom hotline'],
    ['US', '933', 'Not a test'],
    ['ZA', '10111', 'Police'],
    ['DE', '3333', 'Site security'],
  ])('win in %s for %s', (country, number, en) => {
    expect(custom.lookup(country, number)).toMatchObject({ country, number, service: { en }, source: 'provisioning' });
    expect(custom.list(country).find((e) => e.number === number)?.service.en).toBe(en);
  });
  it('leave other catalogues alone', () => {
    expect(catalogue.lookup('CH', '118')?.service.en).toBe('Fire brigade');
    expect(catalogue.lookup('DE', '3333')).toBeNull();
  });
});

describe('list()', () => {
  const shortInfo = libphonenumber.ShortNumberInfo.getInstance();
  it("agrees with lookup(), and holds every short number libphonenumber knows", () => {
    for (const region of REGIONS) {
      const list = catalogue.list(region);
      for (const e of list) expect(catalogue.lookup(region, e.number)).toEqual(e);
      const listed = new Set(list.map((e) => e.number));
      for (const len of [2, 3]) {
        for (let i = 0; i < 10 ** len; i++) {
          const d = String(i).padStart(len, '0');
          if (shortInfo.isEmergencyNumber(d, region)) expect(listed.has(d), `${region} ${d}`).toBe(true);
        }
      }
    }
  });
  it('is cached', () => {
    expect(catalogue.list('FR')).toBe(catalogue.list('fr'));
  });
});

describe('the generated data', () => {
  it('libphonenumber.json is up to date with the installed google-libphonenumber', () => {
    expect(read('src/emergency/data/libphonenumber.json')).toBe(generateLibphonenumberData());
  });
  it('answers as google-libphonenumber itself does, in every region: emergency or not, calling codes, regions', () => {
    const short = libphonenumber.ShortNumberInfo.getInstance();
    const util = libphonenumber.PhoneNumberUtil.getInstance() as libphonenumber.PhoneNumberUtil & { getRegionCodesForCountryCode(c: number): string[] };
    // Every string of 1 to 3 digits, plus each region's longer numbers and their neighbours.
    const short3 = [1, 2, 3].flatMap((len) => Array.from({ length: 10 ** len }, (_, n) => String(n).padStart(len, '0')));
    let checked = 0;
    for (const region of REGIONS) {
      const longer = catalogue.list(region).map((e) => e.number).filter((n) => n.length > 3).flatMap((n) => [n, `${n}0`, n.slice(0, -1) + '9']);
      for (const digits of [...short3, ...longer]) {
        const theirs = short.isEmergencyNumber(digits, region);
        const ours = catalogue.lookup(region, digits);
        // Ours may know more (AOSP, the French list); never less than libphonenumber.
        if (theirs && ours === null) throw new Error(`${region} ${digits}: libphonenumber says emergency, the catalogue does not`);
        if (!theirs && ours?.source === 'libphonenumber') throw new Error(`${region} ${digits}: the catalogue credits libphonenumber wrongly`);
        checked += 1;
      }
      expect(catalogue.callingCodeOf(region)).toBe(util.getCountryCodeForRegion(region));
      expect(catalogue.regionsForCallingCode(util.getCountryCodeForRegion(region))).toEqual(util.getRegionCodesForCountryCode(util.getCountryCodeForRegion(region)));
      expect(catalogue.isKnownRegion(region.toLowerCase())).toBe(true);
    }
    expect(checked).toBeGreaterThan(245 * 1110);
    expect(catalogue.isKnownRegion('XX')).toBe(false);
    expect(catalogue.callingCodeOf('XX')).toBe(util.getCountryCodeForRegion('XX'));
  });
  it('is up to date with data/aosp-eccdata/eccdata.txt', () => {
    expect(read('src/emergency/data/emergency-numbers.json')).toBe(generateEmergencyNumbers(SOURCE_TEXT));
  });
  it('names its source, commit and licence, as the provenance file does', () => {
    const { header } = JSON.parse(read('src/emergency/data/emergency-numbers.json')) as { header: Record<string, unknown> };
    expect(header).toMatchObject({ licence: 'Apache-2.0', path: 'ecc/input/eccdata.txt', generator: 'node --import tsx scripts/gen-emergency-numbers.ts' });
    expect(read('data/aosp-eccdata/PROVENANCE.md')).toContain(header.commit as string);
  });
});
