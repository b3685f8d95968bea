/**
 * Every PIDF-LO the builder makes is valid against the RFC schemas (test/schemas/), whatever the
 * stored address holds; and the validator really rejects broken documents, so these tests would
 * catch a broken builder.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CIVIC_FIELDS, type CivicAddress, type CivicField, type LocationSource } from '../../src/emergency/civic-address';
import { anyUri, buildPidfLo, normaliseCountry, xsDateTime, type PidfLoInput } from '../../src/emergency/pidf-lo';
import { parsePidf } from '../helpers/pidf';
import { expectSchemaValid, invalidXmlChars, validatePidfLo, validatePidfLoMany } from '../helpers/xml-schema';
import { HOSTILE_TEXTS } from '../helpers/hostile-text';

const base: Omit<PidfLoInput, 'address'> = {
  entity: 'sip:alice@example.com',
  source: 'user',
  deviceId: '8c5d0a4e-1111-2222-3333-444455556666',
  timestamp: new Date('2026-11-23T10:00:00Z'),
};
const build = (address: CivicAddress, more: Partial<PidfLoInput> = {}): string => buildPidfLo({ ...base, address, ...more });

/** Fails with every document's errors and the input that made it. */
function expectAllValid(cases: Array<{ name: string; xml: string }>): void {
  const results = validatePidfLoMany(cases.map((c) => c.xml));
  const failures = results.flatMap((r, i) => (r.ok ? [] : [`${cases[i]?.name}: ${r.errors.join(' | ')}`]));
  expect(failures).toEqual([]);
}

// Slow when the machine is busy: one xmllint run per single validation.
const SLOW = 60_000;

describe('PIDF-LO against the RFC schemas', () => {
  const addresses: Array<[string, CivicAddress, string]> = [
    ['FR', { country: 'FR', A1: 'Île-de-France', A2: 'Paris', A3: 'Paris', RD: 'Rue de la Paix', HNO: '10', PC: '75002', FLR: '3', ROOM: '301' }, 'fr'],
    ['US', { country: 'US', A1: 'CA', A2: 'Santa Clara', A3: 'San José', PRD: 'N', RD: 'First', STS: 'Street', HNO: '1600', HNS: 'A', PC: '95112', UNIT: 'Suite 200' }, 'en-US'],
    ['GB', { country: 'GB', A1: 'England', A3: 'London', A5: 'Westminster', RD: 'Downing', STS: 'Street', HNO: '10', PC: 'SW1A 2AA', PCN: 'London' }, 'en-GB'],
    ['DE', { country: 'de', A1: 'Bayern', A3: 'München', RD: 'Maximilianstraße', HNO: '17', PC: '80539', BLD: 'Haus B', FLR: '2. OG' }, 'de'],
    ['JP', { country: 'jp', A1: '東京都', A2: '千代田区', A3: '千代田', RD: '丸の内', HNO: '1-1', PC: '100-0005', BLD: '丸の内ビルディング', FLR: '15' }, 'ja'],
  ];

  it.each(addresses)('a %s address validates', (_name, address, lang) => {
    const xml = build(address, { lang });
    expectSchemaValid(xml);
    expect(parsePidf(xml).civic.country).toBe(address.country.toUpperCase());
  }, SLOW);

  it('every optional field filled, in schema order, validates', () => {
    const address = Object.fromEntries(CIVIC_FIELDS.map((f) => [f, f === 'country' ? 'FR' : `${f} value`])) as CivicAddress;
    const xml = build(address, { lang: 'fr-FR' });
    expectSchemaValid(xml);
    expect(Object.keys(parsePidf(xml).civic)).toEqual([...CIVIC_FIELDS]);
  }, SLOW);

  it.each<[LocationSource, string]>([
    ['user', 'Manual'],
    ['administrator', 'Manual'],
    ['network-site', 'Wiremap'],
  ])('source %s gives method %s and validates', (source, method) => {
    const xml = build({ country: 'FR', A3: 'Paris' }, { source });
    expectSchemaValid(xml);
    expect(parsePidf(xml).method).toBe(method);
  }, SLOW);

  const hostile = HOSTILE_TEXTS;

  it('hostile text in every field still validates', () => {
    const cases = hostile.map(([name, text]) => {
      const address = Object.fromEntries(CIVIC_FIELDS.map((f) => [f, f === 'country' ? 'FR' : text])) as CivicAddress;
      return { name, xml: build(address, { entity: `sip:${text}@example.com`, deviceId: text, lang: text }) };
    });
    expectAllValid(cases);
    // The text survives, less what XML cannot carry.
    const rd = parsePidf(build({ country: 'FR', RD: 'A & <B> "C" ]]> 🚑' })).civic.RD;
    expect(rd).toBe('A & <B> "C" ]]> 🚑');
  }, SLOW);

  const unit = fc.oneof(
    fc.constantFrom('<', '>', '&', '"', "'", ']]>', '\r', '\n', '\t', ' ', '\u0000', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDFFF', '\u200F', '🚑', 'é', '%', '#', ':', '[', '/'),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    fc.string({ unit: 'binary', maxLength: 3 }),
  );
  const text = fc.string({ unit, maxLength: 40 });
  const addressArb = fc.record(
    Object.fromEntries(CIVIC_FIELDS.map((f) => [f, f === 'country' ? fc.oneof(text, fc.constantFrom('fr', 'FR', 'fra', ' de ', 'ＦＲ', '')) : text])) as Record<CivicField, fc.Arbitrary<string>>,
    { requiredKeys: ['country'] },
  ) as fc.Arbitrary<CivicAddress>;
  const inputArb = fc.record({
    address: addressArb,
    entity: fc.oneof(fc.constant('sip:alice@example.com'), text, text.map((t) => `sip:${t}@example.com`)),
    deviceId: fc.oneof(fc.uuid(), text),
    timestamp: fc.date(),
    lang: fc.oneof(fc.constantFrom('fr', 'en-GB', 'ja', 'zh-Hant-TW'), text),
    source: fc.constantFrom<LocationSource>('user', 'administrator', 'network-site'),
  });

  it('property: any stored address, entity, device id, language and date gives a valid PIDF-LO', () => {
    // Many documents through one xmllint run for breadth...
    const seed = Date.now();
    const inputs = fc.sample(inputArb, { numRuns: 400, seed });
    const results = validatePidfLoMany(inputs.map((i) => buildPidfLo(i)));
    const bad = results.findIndex((r) => !r.ok);
    if (bad >= 0) throw new Error(`seed ${seed}: ${JSON.stringify(inputs[bad])}\n${results[bad]?.errors.join('\n')}`);
    // ...and a few through fast-check itself, which shrinks a failure to its smallest case.
    fc.assert(fc.property(inputArb, (i) => validatePidfLo(buildPidfLo(i)).ok), { numRuns: 25 });
  }, SLOW * 2);
});

describe('the validator rejects what the RFC schemas forbid', () => {
  const good = build({ country: 'FR', A3: 'Paris', RD: 'Rue de la Paix', HNO: '10', PC: '75002' }, { lang: 'fr' });
  const broken: Array<[string, string, RegExp]> = [
    ['country "fra"', good.replace('<ca:country>FR<', '<ca:country>fra<'), /pattern '\[A-Z\]\{2\}'/],
    ['lower-case country "fr"', good.replace('<ca:country>FR<', '<ca:country>fr<'), /pattern/],
    ['an hour of 25', good.replace('2026-11-23T10:00:00.000Z', '2026-11-23T25:00:00Z'), /Timestamp_t/],
    ['"Invalid Date"', good.replace('2026-11-23T10:00:00.000Z', 'Invalid Date'), /Timestamp_t/],
    ['a wrong civic namespace', good.replace('pidf:geopriv10:civicAddr"', 'pidf:geopriv10:civicLoc"'), /no schema here/],
    ['a wrong PIDF namespace', good.replace('xmlns="urn:ietf:params:xml:ns:pidf"', 'xmlns="urn:ietf:params:xml:ns:pidf2"'), /No matching global declaration/],
    ['civic elements out of order', good.replace('<ca:A3>Paris</ca:A3>', '').replace('</ca:PC>', '</ca:PC><ca:A3>Paris</ca:A3>'), /A3.*not expected/],
    ['an element RFC 5139 does not define', good.replace('<ca:HNO>', '<ca:STREET>x</ca:STREET><ca:HNO>'), /STREET.*not expected/],
    ['no usage-rules', good.replace('<gp:usage-rules/>', ''), /method.*Expected is.*usage-rules/],
    ['no deviceID', good.replace(/<dm:deviceID>.*<\/dm:deviceID>/, ''), /deviceID/],
    ['an entity that is not a URI', good.replace('entity="sip:alice@example.com"', 'entity="sip:a%zz"'), /anyURI/],
    ['a control character', good.replace('Paris', 'Pa\u0001ris'), /U\+0001/],
    ['a lone surrogate', good.replace('Paris', 'Pa\uD800ris'), /U\+D800/],
    ['U+FFFF', good.replace('Paris', 'Pa\uFFFFris'), /U\+FFFF/],
    ['a GML location, which we hold no schema for', good.replace('<gp:location-info>', '<gp:location-info><gml:Point xmlns:gml="http://www.opengis.net/gml"><gml:pos>1 2</gml:pos></gml:Point>'), /opengis.*no schema here/],
    ['not well-formed XML', good.replace('</ca:RD>', ''), /parser error/],
  ];

  it('accepts the good document', () => {
    expect(validatePidfLo(good)).toEqual({ ok: true, errors: [] });
  }, SLOW);

  it('rejects each broken one, saying why', () => {
    const results = validatePidfLoMany(broken.map(([, xml]) => xml));
    broken.forEach(([name, , why], i) => {
      const r = results[i];
      expect(r?.ok, name).toBe(false);
      expect(r?.errors.join('\n'), name).toMatch(why);
    });
    // The single-document path reports the same.
    expect(validatePidfLo(broken[0]?.[1] ?? '').ok).toBe(false);
  }, SLOW);

  it('expectSchemaValid throws with the errors and the numbered document', () => {
    expect(() => expectSchemaValid(broken[0]?.[1] ?? '', 'edge PIDF-LO')).toThrow(/edge PIDF-LO is not valid[\s\S]*pattern[\s\S]*\|\s+<ca:country>fra/);
  }, SLOW);

  it('invalidXmlChars finds lone surrogates that UTF-8 encoding would hide', () => {
    expect(invalidXmlChars('ok 🚑 \t\n')).toEqual([]);
    expect(invalidXmlChars('a\uDC00')).toEqual(['character U+DC00 at offset 1 is not allowed in XML 1.0']);
    expect(invalidXmlChars('\uD800')).toHaveLength(1);
  });
});

describe('the builder guarantees validity by itself', () => {
  afterEach(() => vi.useRealTimers());

  it('country: upper-cased, full-width folded; omitted (never invalid, never a throw) when not two letters', () => {
    expect(normaliseCountry('fr')).toBe('FR');
    expect(normaliseCountry(' de ')).toBe('DE');
    expect(normaliseCountry('ＦＲ')).toBe('FR');
    expect(normaliseCountry('f\u0000r')).toBe('FR');
    for (const bad of ['fra', 'France', 'F', '', '  ', '12', 'F1', 'é', '🇫🇷']) expect(normaliseCountry(bad), bad).toBeNull();

    const cases = ['fra', 'France', '', '12', '🇫🇷', 'ＦＲ', 'fr'].map((country) => ({ country, xml: build({ country, A3: 'Paris', RD: 'Rue de la Paix' }) }));
    expectAllValid(cases.map((c) => ({ name: `country ${JSON.stringify(c.country)}`, xml: c.xml })));
    for (const { country, xml } of cases) {
      const civic = parsePidf(xml).civic;
      expect(civic.country, country).toBe(normaliseCountry(country) ?? undefined);
      expect(civic.A3, country).toBe('Paris'); // the rest of the address still goes
    }
  }, SLOW);

  it('timestamp: an invalid or unwritable date becomes the current time, never "Invalid Date" or a throw', () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T08:30:00.123Z') });
    const dates: unknown[] = [new Date(NaN), new Date(8.64e15), new Date(-8.64e15), new Date('0000-06-01T00:00:00Z'), '2026-01-01', undefined, null];
    const xmls = dates.map((timestamp) => build({ country: 'FR', A3: 'Paris' }, { timestamp: timestamp as Date }));
    expectAllValid(xmls.map((xml, i) => ({ name: `timestamp ${String(dates[i])}`, xml })));
    for (const xml of xmls) expect(parsePidf(xml).timestamp).toBe('2026-12-01T08:30:00.123Z');
    // A good date is kept as it is.
    expect(parsePidf(build({ country: 'FR' })).timestamp).toBe('2026-11-23T10:00:00.000Z');
    expect(xsDateTime(new Date('9999-12-31T23:59:59.999Z'))).toBe('9999-12-31T23:59:59.999Z');
    expect(xsDateTime(new Date(NaN), () => new Date(NaN))).toBeNull();
    // With no writable time at all the (optional) element is left out rather than made invalid.
    expect(xsDateTime(new Date(NaN), () => new Date(8.64e15))).toBeNull();
  }, SLOW);

  it('characters XML 1.0 forbids are removed; a field left empty is omitted', () => {
    const forbidden = ['\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u000E', '\u001F', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uFFFE', '\uFFFF'];
    const xmls = forbidden.map((ch) => build({ country: 'FR', A3: `Pa${ch}ris`, RD: ch, LOC: `🚑${ch}` }));
    expectAllValid(xmls.map((xml, i) => ({ name: `U+${forbidden[i]?.charCodeAt(0).toString(16)}`, xml })));
    for (const xml of xmls) {
      expect(invalidXmlChars(xml)).toEqual([]);
      const civic = parsePidf(xml).civic;
      expect(civic.A3).toBe('Paris');
      expect(civic.LOC).toBe('🚑');
      expect(civic).not.toHaveProperty('RD');
    }
  }, SLOW);

  it('entity and device id: kept when already clean URIs, percent-encoded into valid ones otherwise', () => {
    expect(anyUri('sip:alice@example.com')).toBe('sip:alice@example.com');
    expect(anyUri('sips:+33123456789@example.com;user=phone')).toBe('sips:+33123456789@example.com;user=phone');
    expect(anyUri('tel:+33-1-23-45-67-89')).toBe('tel:+33-1-23-45-67-89');
    expect(anyUri('urn:uuid:8c5d0a4e-1111-2222-3333-444455556666')).toBe('urn:uuid:8c5d0a4e-1111-2222-3333-444455556666');
    expect(anyUri('sip:a%zz b')).toBe('sip:a%25zz%20b');
    expect(anyUri(':::')).toBe('%3A%3A%3A');
    const odd = ['sip:a%zz@x', 'sip:a#b#c', 'sip:alice@[2001:db8::1]', ':::', '%', '', 'http://[::1]/', 'sip:"a"<b>@x', 'é'];
    expectAllValid(odd.map((s) => ({ name: `entity/deviceId ${JSON.stringify(s)}`, xml: build({ country: 'FR' }, { entity: s, deviceId: s }) })));
    // URI-looking junk, where a half-right URI is most likely.
    const uriish = fc.string({ unit: fc.constantFrom(...'ab1:/?#[]@%!$&\'()*+,;=-._~ é"<>{}|\\^`', '%2F', '%zz', 'sip:', 'http://', '//', '::'), maxLength: 20 });
    const samples = fc.sample(uriish, { numRuns: 300 });
    expectAllValid(samples.map((s) => ({ name: `entity/deviceId ${JSON.stringify(s)}`, xml: build({ country: 'FR' }, { entity: s, deviceId: s }) })));
  }, SLOW);

  it('never throws, even on input the types forbid', () => {
    const junk = [
      { ...base, address: undefined },
      { ...base, address: { country: 42, A3: null, RD: {} } },
      { ...base, entity: undefined, deviceId: null, lang: 7, source: 'gps', timestamp: 'yesterday' },
    ] as unknown as PidfLoInput[];
    const xmls = junk.map((input) => buildPidfLo(input));
    expectAllValid(xmls.map((xml, i) => ({ name: `junk ${i}`, xml })));
  }, SLOW);
});
