/**
 * RFC 7852 additional-data blocks: each is valid against the RFC's schemas (test/schemas/rfc7852/)
 * whatever the caller's name or comments hold, the text survives, the Call-Info values and
 * content types are the RFC's, and the validator really rejects broken blocks, so these tests
 * would catch a broken builder.
 */
import { HOSTILE_TEXTS } from '../helpers/hostile-text';
import fc from 'fast-check';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import {
  ADDITIONAL_DATA_DISPOSITION,
  ADDITIONAL_DATA_NS,
  DEVICE_CLASSIFICATIONS,
  VCARD_NS,
  additionalDataParts,
  buildComment,
  buildDeviceInfo,
  buildProviderInfo,
  buildSubscriberInfo,
  describeCallContext,
  languageTag,
  type AdditionalDataInput,
  type AdditionalDataPart,
  type AdditionalDataType,
  type CallContext,
} from '../../src/emergency/additional-data';
import { buildPidfLo } from '../../src/emergency/pidf-lo';
import {
  ADDITIONAL_DATA_SCHEMA,
  PIDF_LO_SCHEMA,
  expectAdditionalDataValid,
  invalidXmlChars,
  validateAdditionalData,
  validateAdditionalDataMany,
  validateAgainst,
  type AdditionalDataBlock,
} from '../helpers/xml-schema';

// Slow when the machine is busy: one xmllint run per single validation.
const SLOW = 60_000;
const UUID = '8c5d0a4e-1111-2222-3333-444455556666';
const REF = 'mwt3h340.k2j4h5@example.com';

const base: AdditionalDataInput = {
  random: (() => {
    let n = 0;
    return () => `tok${n++}`;
  })(),
  sipUri: 'sip:alice@example.com',
  languages: ['fr', 'en'],
  now: () => new Date('2026-11-23T10:00:00Z'),
  device: { deviceId: UUID, appName: 'Secours Softphone', appVersion: '0.1.0', platform: 'Windows 11 x64' },
  subscriber: { name: 'Alice Dupont', givenName: 'Alice', familyName: 'Dupont' },
  comments: [
    { text: 'Adresse saisie par l’appelant.', lang: 'fr' },
    { text: 'Address entered by the caller.', lang: 'en' },
  ],
};
const parts = (more: Partial<AdditionalDataInput> = {}): AdditionalDataPart[] => additionalDataParts({ ...base, ...more });
const part = (ps: AdditionalDataPart[], type: AdditionalDataType): AdditionalDataPart => {
  const p = ps.find((x) => x.type === type);
  if (!p) throw new Error(`no ${type} part`);
  return p;
};

/** Strict, namespace-aware parse (any XML error throws). */
function parse(xml: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(msg)) }).parseFromString(xml, 'text/xml');
  if (errors.length) throw new Error(`not well-formed: ${errors.join('; ')}`);
  return doc as unknown as Document;
}
const texts = (xml: string, ns: string, name: string): string[] => Array.from(parse(xml).getElementsByTagNameNS(ns, name), (e) => e.textContent ?? '');
const attr = (xml: string, ns: string, name: string, attribute: string): string | null => parse(xml).getElementsByTagNameNS(ns, name)[0]?.getAttribute(attribute) ?? null;

/** What must survive of a text: all but what XML 1.0 cannot carry, line breaks as spaces, trimmed. */
function expected(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += text.slice(i, i + 2);
        i++;
        continue;
      }
    }
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd);
    if (ok) out += text.charAt(i);
  }
  return out.replace(/\r\n?|\n/g, ' ').trim();
}

/** Fails with every block's errors and the input that made it. */
function expectAllValid(cases: Array<{ name: string; type: AdditionalDataBlock; xml: string }>): void {
  const results = validateAdditionalDataMany(cases);
  const failures = results.flatMap((r, i) => (r.ok ? [] : [`${cases[i]?.name}: ${r.errors.join(' | ')}`]));
  expect(failures).toEqual([]);
}

describe('every block is valid against the RFC 7852 schemas', () => {
  it('the parts for a full call: ProviderInfo, DeviceInfo, SubscriberInfo, Comment', () => {
    const ps = parts();
    expect(ps.map((p) => p.type)).toEqual(['ProviderInfo', 'DeviceInfo', 'SubscriberInfo', 'Comment']);
    expectAllValid(ps.map((p) => ({ name: p.type, type: p.type, xml: p.body })));
    // One at a time too, the way the e2e tests will.
    for (const p of ps) expectAdditionalDataValid(p.type, p.body);
  }, SLOW);

  it('each builder on its own, with the least it can be given', () => {
    expectAllValid([
      { name: 'ProviderInfo', type: 'ProviderInfo', xml: buildProviderInfo({ dataProviderReference: REF, dataProviderString: '', contactUri: '', languages: [] }) },
      { name: 'DeviceInfo', type: 'DeviceInfo', xml: buildDeviceInfo({ dataProviderReference: REF, deviceId: '', appName: '', appVersion: '' }) },
      { name: 'SubscriberInfo', type: 'SubscriberInfo', xml: buildSubscriberInfo({ dataProviderReference: REF, name: '', languages: [] }) },
      { name: 'Comment', type: 'Comment', xml: buildComment({ dataProviderReference: REF, lines: [] }) },
    ]);
  }, SLOW);

  it('the schemas as transcribed accept the RFC\'s own examples (Figures 7, 11, 13 and 16)', () => {
    const fig11 = `<?xml version="1.0" encoding="UTF-8"?>
<dev:EmergencyCallData.DeviceInfo
    xmlns:dev="urn:ietf:params:xml:ns:EmergencyCallData:DeviceInfo">
    <dev:DataProviderReference>d4b3072df.201409182208075@example.org
    </dev:DataProviderReference>
    <dev:DeviceClassification>fixed</dev:DeviceClassification>
    <dev:DeviceMfgr>Nokia</dev:DeviceMfgr>
    <dev:DeviceModelNr>Lumia 800</dev:DeviceModelNr>
    <dev:UniqueDeviceID TypeOfDeviceID="IMEI">35788104
    </dev:UniqueDeviceID>
</dev:EmergencyCallData.DeviceInfo>`;
    const fig13 = `<?xml version="1.0" encoding="UTF-8"?>
<com:EmergencyCallData.Comment
     xmlns:com="urn:ietf:params:xml:ns:EmergencyCallData:Comment">
   <com:DataProviderReference>string0987654321@example.org
   </com:DataProviderReference>
   <com:Comment xml:lang="en">This is an example text.</com:Comment>
</com:EmergencyCallData.Comment>`;
    // Figure 16's device ProviderInfo, without its xCard (see the next test).
    const fig16 = `<?xml version="1.0" encoding="UTF-8"?>
<pi:EmergencyCallData.ProviderInfo
   xmlns:pi=
      "urn:ietf:params:xml:ns:EmergencyCallData:ProviderInfo">
<pi:DataProviderReference>d4b3072df09876543@[93.184.216.119]
   </pi:DataProviderReference>
<pi:DataProviderString>Hannes Tschofenig</pi:DataProviderString>
<pi:TypeOfProvider>Client</pi:TypeOfProvider>
<pi:ContactURI>tel:+1-555-555-0123</pi:ContactURI>
<pi:Language>en</pi:Language>
</pi:EmergencyCallData.ProviderInfo>`;
    const fig7 = `<?xml version="1.0" encoding="UTF-8"?>
<svc:EmergencyCallData.ServiceInfo
    xmlns:svc="urn:ietf:params:xml:ns:EmergencyCallData:ServiceInfo">
    <svc:DataProviderReference>2468.IBOC.MLTS.1359@example.org
    </svc:DataProviderReference>
    <svc:ServiceEnvironment>Business</svc:ServiceEnvironment>
    <svc:ServiceType>MLTS-hosted</svc:ServiceType>
    <svc:ServiceMobility>Fixed</svc:ServiceMobility>
</svc:EmergencyCallData.ServiceInfo>`;
    expectAllValid([
      { name: 'Figure 11', type: 'DeviceInfo', xml: fig11 },
      { name: 'Figure 13', type: 'Comment', xml: fig13 },
      { name: 'Figure 16', type: 'ProviderInfo', xml: fig16 },
      { name: 'Figure 7', type: 'ServiceInfo', xml: fig7 },
    ]);
  }, SLOW);

  it('the Appendix A xCard schema takes properties in its own order only (why we write fn, lang, n, tel)', () => {
    const sub = (vcard: string): string =>
      `<sub:EmergencyCallData.SubscriberInfo xmlns:sub="${ADDITIONAL_DATA_NS.SubscriberInfo}" privacyRequested="false"><sub:DataProviderReference>${REF}</sub:DataProviderReference><sub:SubscriberData xmlns="${VCARD_NS}"><vcard>${vcard}</vcard></sub:SubscriberData></sub:EmergencyCallData.SubscriberInfo>`;
    const fn = '<fn><text>Simon Perreault</text></fn>';
    const n = '<n><surname>Perreault</surname><given>Simon</given><additional/><prefix/><suffix>ing. jr</suffix></n>';
    const bday = '<bday><date>--0203</date></bday>';
    // Figure 12's order (fn, n, bday) is RFC 6351-valid but not Appendix A-valid.
    expect(validateAdditionalData('SubscriberInfo', sub(fn + n + bday)).errors.join('\n')).toMatch(/bday.*not expected/);
    expect(validateAdditionalData('SubscriberInfo', sub(bday + fn + n))).toEqual({ ok: true, errors: [] });
  }, SLOW);
});

describe('parts, Call-Info values and content types are as RFC 7852 says', () => {
  it('content types (§4.1–4.5, §11.4) and Call-Info purposes (§6.1)', () => {
    const ps = parts();
    expect(Object.fromEntries(ps.map((p) => [p.type, p.contentType]))).toEqual({
      ProviderInfo: 'application/EmergencyCallData.ProviderInfo+xml',
      DeviceInfo: 'application/EmergencyCallData.DeviceInfo+xml',
      SubscriberInfo: 'application/EmergencyCallData.SubscriberInfo+xml',
      Comment: 'application/EmergencyCallData.Comment+xml',
    });
    for (const p of ps) {
      expect(p.callInfo).toBe(`<cid:${p.contentId}>;purpose=EmergencyCallData.${p.type}`);
      // RFC 3261 Call-Info: "<" absoluteURI ">" *( SEMI info-param ); the purpose a token.
      expect(p.callInfo).toMatch(/^<cid:[A-Za-z0-9._-]+@[a-z0-9.-]+>;purpose=EmergencyCallData\.(ProviderInfo|DeviceInfo|SubscriberInfo|Comment)$/);
    }
    expect(ADDITIONAL_DATA_DISPOSITION).toBe('by-reference;handling=optional');
  });

  it('Content-IDs: from the injected random source at the domain, distinct, safe unencoded in a cid: URL (RFC 2392)', () => {
    let n = 0;
    const ps = parts({ random: () => `tok${n++}` });
    // tok0 went to the DataProviderReference.
    expect(ps.map((p) => p.contentId)).toEqual(['pi-tok1@example.com', 'dev-tok2@example.com', 'sub-tok3@example.com', 'com-tok4@example.com']);
    // A source that repeats, fails or gives junk still makes distinct, valid ids.
    for (const random of [() => 'same', () => '', () => { throw new Error('no entropy'); }, () => '<>"@; \u0000']) {
      const ids = parts({ random, domain: 'example.net' }).map((p) => p.contentId);
      expect(new Set(ids).size, String(random)).toBe(4);
      for (const id of ids) expect(id).toMatch(/^(pi|dev|sub|com)-[A-Za-z0-9]+@example\.net$/);
    }
    // Domain: given, else the SIP URI's host; an IPv6 literal made a dot-atom.
    expect(parts({ domain: undefined, sipUri: 'sips:bob@voip.example.org:5061;transport=tls' })[0]?.contentId).toMatch(/@voip\.example\.org$/);
    expect(parts({ domain: undefined, sipUri: 'sip:bob@[2001:db8::1]' })[0]?.contentId).toMatch(/@2001-db8--1$/);
    expect(parts({ domain: undefined, sipUri: '' })[0]?.contentId).toMatch(/@secours\.invalid$/);
  });

  it('one DataProviderReference, an RFC 5322 msg-id, in every block; ProviderInfo always there, as the device', () => {
    const ps = parts();
    const refs = ps.map((p) => texts(p.body, ADDITIONAL_DATA_NS[p.type], 'DataProviderReference')[0]);
    expect(new Set(refs).size).toBe(1);
    expect(refs[0]).toMatch(/^[a-z0-9]+\.tok\d+@example\.com$/);
    const pi = part(ps, 'ProviderInfo').body;
    expect(texts(pi, ADDITIONAL_DATA_NS.ProviderInfo, 'TypeOfProvider')).toEqual(['Client']);
    // §4.1.5: the user's contact, a tel: URI when known, else the SIP AoR; §4.1.6: lower-cased tags.
    expect(texts(pi, ADDITIONAL_DATA_NS.ProviderInfo, 'ContactURI')).toEqual(['sip:alice@example.com']);
    expect(texts(part(parts({ contactUri: 'tel:+33123456789' }), 'ProviderInfo').body, ADDITIONAL_DATA_NS.ProviderInfo, 'ContactURI')).toEqual(['tel:+33123456789']);
    expect(texts(part(parts({ languages: ['fr-FR', 'en_GB', 'FR-fr', 'klingon!'] }), 'ProviderInfo').body, ADDITIONAL_DATA_NS.ProviderInfo, 'Language')).toEqual(['fr-fr', 'en-gb']);
    expect(texts(part(parts({ languages: [] }), 'ProviderInfo').body, ADDITIONAL_DATA_NS.ProviderInfo, 'Language')).toEqual(['und']);
  });

  it('SubscriberInfo only when given (the administrator decides); Comment only with lines', () => {
    expect(parts({ subscriber: null }).map((p) => p.type)).toEqual(['ProviderInfo', 'DeviceInfo', 'SubscriberInfo', 'Comment'].filter((t) => t !== 'SubscriberInfo'));
    expect(parts({ subscriber: { name: ' \u0000 ' } }).map((p) => p.type)).not.toContain('SubscriberInfo');
    expect(parts({ comments: [] }).map((p) => p.type)).toEqual(['ProviderInfo', 'DeviceInfo', 'SubscriberInfo']);
    expect(parts({ comments: [{ text: '\uD800 ', lang: 'en' }] }).map((p) => p.type)).not.toContain('Comment');
  });
});

describe('DeviceInfo, SubscriberInfo and Comment content', () => {
  it('DeviceInfo: a soft client on an unknown device unless told; the app as model; the PIDF-LO\'s device id', () => {
    const xml = part(parts(), 'DeviceInfo').body;
    const dev = ADDITIONAL_DATA_NS.DeviceInfo;
    expect(texts(xml, dev, 'DeviceClassification')).toEqual(['unknown-device']);
    expect(texts(xml, dev, 'DeviceModelNr')).toEqual(['Secours Softphone 0.1.0 (Windows 11 x64)']);
    expect(texts(xml, dev, 'DeviceMfgr')).toEqual([]);
    expect(attr(xml, dev, 'UniqueDeviceID', 'TypeOfDeviceID')).toBe('UDI');
    const pidf = buildPidfLo({ entity: 'sip:alice@example.com', address: { country: 'FR' }, source: 'user', deviceId: UUID, timestamp: new Date() });
    const pidfDeviceId = /<dm:deviceID>(.*)<\/dm:deviceID>/.exec(pidf)?.[1];
    expect(texts(xml, dev, 'UniqueDeviceID')).toEqual([pidfDeviceId]);
    expect(pidfDeviceId).toBe(`urn:uuid:${UUID}`);

    const laptop = buildDeviceInfo({ dataProviderReference: REF, deviceId: UUID, appName: 'A', appVersion: '1', deviceClass: 'laptop', manufacturer: 'Secours project' });
    expect(texts(laptop, dev, 'DeviceClassification')).toEqual(['laptop']);
    expect(texts(laptop, dev, 'DeviceMfgr')).toEqual(['Secours project']);
    expect(DEVICE_CLASSIFICATIONS).toContain('unknown-device');
    const junk = buildDeviceInfo({ dataProviderReference: REF, deviceId: UUID, appName: 'A', appVersion: '1', deviceClass: 'pc' as never });
    expect(texts(junk, dev, 'DeviceClassification')).toEqual(['unknown-device']);
  });

  it('SubscriberInfo: fn, languages by preference, n only from structured parts, the SIP URI, privacyRequested', () => {
    const sub = ADDITIONAL_DATA_NS.SubscriberInfo;
    const xml = buildSubscriberInfo({ dataProviderReference: REF, name: 'Alice Dupont', givenName: 'Alice', familyName: 'Dupont', languages: ['fr-CA', 'en', 'fr-ca'], sipUri: 'sip:alice@example.com' });
    expect(attr(xml, sub, 'EmergencyCallData.SubscriberInfo', 'privacyRequested')).toBe('false');
    expect(texts(xml, VCARD_NS, 'fn')).toEqual(['Alice Dupont']);
    expect(texts(xml, VCARD_NS, 'language-tag')).toEqual(['fr-ca', 'en']);
    expect(texts(xml, VCARD_NS, 'integer')).toEqual(['1', '2']);
    expect(texts(xml, VCARD_NS, 'surname')).toEqual(['Dupont']);
    expect(texts(xml, VCARD_NS, 'given')).toEqual(['Alice']);
    expect(texts(xml, VCARD_NS, 'uri')).toEqual(['sip:alice@example.com']);
    const privateOne = buildSubscriberInfo({ dataProviderReference: REF, name: 'Jean de La Fontaine', languages: ['fr'], privacyRequested: true });
    expect(attr(privateOne, sub, 'EmergencyCallData.SubscriberInfo', 'privacyRequested')).toBe('true');
    // A full name is never split into surname/given by guesswork.
    expect(texts(privateOne, VCARD_NS, 'n')).toEqual([]);
    // More than 100 languages: pref stops at 100, the schema's maximum.
    const many = buildSubscriberInfo({ dataProviderReference: REF, name: 'x', languages: Array.from({ length: 150 }, (_, i) => `x-l${i}`) });
    expect(texts(many, VCARD_NS, 'lang')).toHaveLength(100);
    expectAllValid([
      { name: 'structured', type: 'SubscriberInfo', xml },
      { name: 'private', type: 'SubscriberInfo', xml: privateOne },
      { name: 'many languages', type: 'SubscriberInfo', xml: many },
    ]);
  }, SLOW);

  it('language tags: lower-cased for the RFC 7852 patterns, rejected when not tags', () => {
    expect(languageTag('fr-FR')).toBe('fr-fr');
    expect(languageTag('zh-Hant-TW')).toBe('zh-hant-tw');
    expect(languageTag('en_US')).toBe('en-us');
    for (const bad of ['', 'français', 'en US', '1234', 'e', '<en>', 'en-']) expect(languageTag(bad), bad).toBeNull();
  });

  it('Comment: one element per line, each with its xml:lang (left out when not a language tag)', () => {
    const com = ADDITIONAL_DATA_NS.Comment;
    const xml = buildComment({ dataProviderReference: REF, lines: [{ text: 'Bonjour', lang: 'fr' }, { text: 'Hello', lang: 'en-GB' }, { text: 'x', lang: 'not a tag' }, { text: '', lang: 'en' }] });
    expect(texts(xml, com, 'Comment')).toEqual(['Bonjour', 'Hello', 'x']);
    const langs = Array.from(parse(xml).getElementsByTagNameNS(com, 'Comment'), (e) => e.getAttribute('xml:lang'));
    expect(langs.map((l) => l || null)).toEqual(['fr', 'en-GB', null]);
  });
});

describe('describeCallContext', () => {
  const ctx: CallContext = { addressSource: 'user', confirmedAt: '2026-11-01T09:00:00Z', networkCountry: 'ES', homeCountry: 'FR', textNeeded: true, lang: 'fr-FR' };

  it('French first for a French UI, and always English', () => {
    const lines = describeCallContext(ctx);
    expect(lines.map((l) => l.lang)).toEqual(['fr', 'fr', 'fr', 'fr', 'en', 'en', 'en', 'en']);
    expect(describeCallContext({ ...ctx, lang: 'en' }).map((l) => l.lang)).toEqual(['en', 'en', 'en', 'en']);
    expect(describeCallContext({ ...ctx, lang: 'de' }).every((l) => l.lang === 'en')).toBe(true);
  });

  it('says how the address was obtained, when it was confirmed (a valid xs:dateTime), the network country and the need for text', () => {
    const en = describeCallContext({ ...ctx, lang: 'en' }).map((l) => l.text);
    expect(en[0]).toMatch(/entered by the caller/);
    expect(en[1]).toContain('2026-11-01T09:00:00.000Z');
    expect(en[2]).toMatch(/\(ES\).*not in .*\(FR\).*abroad/);
    expect(en[3]).toMatch(/text.*114/);
    const fr = describeCallContext(ctx).map((l) => l.text);
    expect(fr[1]).toContain('2026-11-01T09:00:00.000Z');
    expect(fr[2]).toMatch(/\(ES\).*\(FR\).*étranger/);
    expect(fr[3]).toMatch(/écrit.*114/);
    // The date is an xs:dateTime (UTC, the form toISOString writes), not a local rendering.
    const when = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)/.exec(en[1] ?? '')?.[1];
    expect(when && new Date(when).toISOString()).toBe(when);

    const admin = describeCallContext({ addressSource: 'administrator', networkCountry: 'fr', homeCountry: 'FR', lang: 'en' }).map((l) => l.text);
    expect(admin).toEqual([expect.stringMatching(/administrator/), 'The caller has not confirmed this address.', expect.stringMatching(/\(FR\), the country its emergency settings are for\.$/)]);
    const site = describeCallContext({ addressSource: 'network-site', lang: 'en' }).map((l) => l.text);
    expect(site).toEqual([expect.stringMatching(/site/), "Network: the country of the device's network is unknown."]);
    const none = describeCallContext({ addressSource: null, networkCountry: 'DE', lang: 'en' }).map((l) => l.text);
    expect(none).toEqual(['Location: no civic address was available on the device.', expect.stringMatching(/\(DE\)\.$/)]);
  });

  it('an unreadable confirmation time is "not confirmed", never "now"', () => {
    for (const confirmedAt of ['yesterday', '', new Date(NaN), new Date(8.64e15), null, undefined]) {
      const en = describeCallContext({ ...ctx, confirmedAt, lang: 'en' }).map((l) => l.text);
      expect(en[1], String(confirmedAt)).toBe('The caller has not confirmed this address.');
    }
  });

  it('never throws, and its lines make a valid Comment', () => {
    const junk = [null, undefined, {}, { addressSource: 'gps', lang: 7, networkCountry: {}, homeCountry: 'France', confirmedAt: 42 }] as unknown as CallContext[];
    for (const c of junk) expect(() => describeCallContext(c)).not.toThrow();
    expectAllValid([{ name: 'context', type: 'Comment', xml: buildComment({ dataProviderReference: REF, lines: describeCallContext(ctx) }) }]);
  }, SLOW);
});

const hostile = HOSTILE_TEXTS;

/** Every text field of every block, filled with `t`. */
function hostileParts(t: string): AdditionalDataPart[] {
  return additionalDataParts({
    ...base,
    sipUri: `sip:${t}@example.com`,
    dataProviderString: t,
    languages: [t, 'fr'],
    device: { deviceId: t, appName: t, appVersion: t, manufacturer: t, platform: t },
    subscriber: { name: t, givenName: t, familyName: t },
    comments: [{ text: t, lang: t }, { text: t, lang: 'fr' }],
  });
}

describe('hostile text stays valid and round-trips', () => {
  it('in every field of every block', () => {
    const cases = hostile.flatMap(([name, t]) => hostileParts(t).map((p) => ({ name: `${name} in ${p.type}`, type: p.type, xml: p.body })));
    expectAllValid(cases);
    for (const { xml } of cases) expect(invalidXmlChars(xml)).toEqual([]);
  }, SLOW * 2);

  it('names and comments come back as they were, less what XML 1.0 cannot carry', () => {
    for (const [name, t] of hostile) {
      const ps = hostileParts(t);
      const want = expected(t);
      const sub = ps.find((p) => p.type === 'SubscriberInfo');
      const com = ps.find((p) => p.type === 'Comment');
      if (want === '') {
        // Nothing left to say: no block rather than an empty one.
        expect(sub, name).toBeUndefined();
        expect(com, name).toBeUndefined();
        continue;
      }
      expect(texts(sub?.body ?? '', VCARD_NS, 'fn'), name).toEqual([want]);
      expect(texts(sub?.body ?? '', VCARD_NS, 'surname'), name).toEqual([want]);
      expect(texts(com?.body ?? '', ADDITIONAL_DATA_NS.Comment, 'Comment'), name).toEqual([want, want]);
      expect(texts(part(ps, 'ProviderInfo').body, ADDITIONAL_DATA_NS.ProviderInfo, 'DataProviderString'), name).toEqual([want]);
      expect(texts(part(ps, 'DeviceInfo').body, ADDITIONAL_DATA_NS.DeviceInfo, 'DeviceMfgr'), name).toEqual([want]);
    }
    // Spot check on the raw text: ]]> and quotes are escaped, not dropped.
    const fn = texts(hostileParts('A & <B> "C" ]]> 🚑')[2]?.body ?? '', VCARD_NS, 'fn');
    expect(fn).toEqual(['A & <B> "C" ]]> 🚑']);
  });

  const unit = fc.oneof(
    fc.constantFrom('<', '>', '&', '"', "'", ']]>', '\r', '\n', '\t', ' ', '\u0000', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDFFF', '\u200F', '\u202E', '🚑', 'é', '@', ':', ';'),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    fc.string({ unit: 'binary', maxLength: 3 }),
  );
  const text = fc.string({ unit, maxLength: 40 });
  interface Input {
    name: string;
    givenName: string | undefined;
    familyName: string | undefined;
    privacyRequested: boolean;
    comments: Array<{ text: string; lang: string }>;
    languages: string[];
    sipUri: string;
    deviceId: string;
    appName: string;
    random: string;
  }
  const inputArb: fc.Arbitrary<Input> = fc.record({
    name: text,
    givenName: fc.option(text, { nil: undefined }),
    familyName: fc.option(text, { nil: undefined }),
    privacyRequested: fc.boolean(),
    comments: fc.array(fc.record({ text, lang: fc.oneof(fc.constantFrom('fr', 'en', 'en-GB'), text) }), { maxLength: 4 }),
    languages: fc.array(fc.oneof(fc.constantFrom('fr', 'FR-ca', 'en', 'zh-Hant-TW', 'x-klingon'), text), { maxLength: 4 }),
    sipUri: fc.oneof(fc.constant('sip:alice@example.com'), text, text.map((t) => `sip:${t}@example.com`)),
    deviceId: fc.oneof(fc.uuid(), text),
    appName: text,
    random: text,
  });
  const build = (i: Input): AdditionalDataPart[] =>
    additionalDataParts({
      random: () => i.random,
      sipUri: i.sipUri,
      languages: i.languages,
      device: { deviceId: i.deviceId, appName: i.appName, appVersion: '0.1.0' },
      subscriber: { name: i.name, givenName: i.givenName, familyName: i.familyName, privacyRequested: i.privacyRequested },
      comments: i.comments,
    });
  /** The round-trip half of the property, in-process. */
  const roundTrips = (i: Input, ps: AdditionalDataPart[]): boolean => {
    if (ps[0]?.type !== 'ProviderInfo' || ps[1]?.type !== 'DeviceInfo') return false;
    const sub = ps.find((p) => p.type === 'SubscriberInfo');
    if (Boolean(sub) !== Boolean(expected(i.name) || expected(i.givenName ?? '') || expected(i.familyName ?? ''))) return false;
    const name = expected(i.name) || [i.givenName ?? '', i.familyName ?? ''].filter((p) => p.trim()).join(' ');
    if (sub && texts(sub.body, VCARD_NS, 'fn')[0] !== expected(name)) return false;
    const com = ps.find((p) => p.type === 'Comment');
    const lines = i.comments.map((c) => expected(c.text)).filter(Boolean);
    return com ? JSON.stringify(texts(com.body, ADDITIONAL_DATA_NS.Comment, 'Comment')) === JSON.stringify(lines) : lines.length === 0;
  };

  it('property: any name, comments, languages, SIP URI, device id and random source give valid blocks that round-trip', () => {
    // Many blocks through one xmllint run per type for breadth...
    // A fixed seed: CI must not turn red by chance. A random one (seed 1795789700824) once found a
    // comment whose text did not round-trip exactly; see the closing note of issue 14.
    const seed = 20261127;
    const inputs = fc.sample(inputArb, { numRuns: 250, seed });
    const built = inputs.map(build);
    const blocks = built.flatMap((ps, n) => ps.map((p) => ({ n, type: p.type, xml: p.body })));
    const results = validateAdditionalDataMany(blocks);
    const bad = results.findIndex((r) => !r.ok);
    if (bad >= 0) throw new Error(`seed ${seed}: ${JSON.stringify(inputs[blocks[bad]?.n ?? 0])}\n${results[bad]?.errors.join('\n')}`);
    const lost = inputs.findIndex((i, n) => !roundTrips(i, built[n] ?? []));
    if (lost >= 0) throw new Error(`seed ${seed}: text lost for ${JSON.stringify(inputs[lost])}`);
    // ...and a few through fast-check itself, which shrinks a failure to its smallest case.
    fc.assert(
      fc.property(inputArb, (i) => {
        const ps = build(i);
        return roundTrips(i, ps) && ps.every((p) => validateAdditionalData(p.type, p.body).ok);
      }),
      { numRuns: 10 },
    );
  }, SLOW * 3);

  it('URIs: ContactURI and the xCard tel are valid xs:anyURI whatever is stored; an empty port is dropped', () => {
    const pi = ADDITIONAL_DATA_NS.ProviderInfo;
    const contact = (contactUri: string): string => texts(buildProviderInfo({ dataProviderReference: REF, dataProviderString: 'x', contactUri, languages: ['en'] }), pi, 'ContactURI')[0] ?? '';
    expect(contact('sip:alice@example.com')).toBe('sip:alice@example.com');
    expect(contact('tel:+33-1-23-45-67-89')).toBe('tel:+33-1-23-45-67-89');
    // RFC 3986 allows "host:" but libxml2's xs:anyURI does not; §3.2.3 says to omit it.
    expect(contact('http://sip:')).toBe('http://sip');
    expect(contact('x://u:p@h:/p?q')).toBe('x://u:p@h/p?q');
    const uriish = fc.string({ unit: fc.constantFrom(...'ab1:/?#[]@%!$&\'()*+,;=-._~ é"<>{}|\\^`', '%2F', '%zz', 'sip:', 'http://', '//', '::', 'tel:'), maxLength: 20 });
    const samples = [...fc.sample(uriish, { numRuns: 400 }), 'http://sip:', 'tel://sip:', 'x://@:', 'http://a:#f', 'x://%41:'];
    expectAllValid(
      samples.flatMap((s) => [
        { name: `ContactURI ${JSON.stringify(s)}`, type: 'ProviderInfo' as const, xml: buildProviderInfo({ dataProviderReference: REF, dataProviderString: 'x', contactUri: s, languages: ['en'] }) },
        { name: `tel ${JSON.stringify(s)}`, type: 'SubscriberInfo' as const, xml: buildSubscriberInfo({ dataProviderReference: REF, name: 'x', languages: [], sipUri: s }) },
      ]),
    );
  }, SLOW);

  it('never throws, even on input the types forbid', () => {
    const junk = [
      undefined,
      {},
      { random: 'not a function', sipUri: 42, languages: 'fr', device: null, subscriber: { name: {} }, comments: [null, { text: 7 }] },
      { ...base, device: { deviceId: Symbol('x'), appName: { toString: () => { throw new Error('boom'); } } } },
      { ...base, now: () => { throw new Error('clock'); }, comments: 'hello' },
    ] as unknown as AdditionalDataInput[];
    const built = junk.map((input) => additionalDataParts(input));
    for (const ps of built) expect(ps[0]?.type).toBe('ProviderInfo');
    expectAllValid(built.flatMap((ps, n) => ps.map((p) => ({ name: `junk ${n} ${p.type}`, type: p.type, xml: p.body }))));
    const builders = [buildProviderInfo, buildDeviceInfo, buildSubscriberInfo, buildComment] as Array<(x: unknown) => string>;
    const types: AdditionalDataBlock[] = ['ProviderInfo', 'DeviceInfo', 'SubscriberInfo', 'Comment'];
    expectAllValid(builders.flatMap((b, k) => [undefined, {}, { dataProviderReference: '<bad ref>' }].map((x, n) => ({ name: `${types[k]} junk ${n}`, type: types[k] as AdditionalDataBlock, xml: b(x) }))));
  }, SLOW);
});

describe('the validator rejects what RFC 7852 forbids', () => {
  const ps = parts();
  // '' for a missing block, so a broken builder fails the tests below rather than their collection.
  const good = Object.fromEntries((['ProviderInfo', 'DeviceInfo', 'SubscriberInfo', 'Comment'] as const).map((t) => [t, ps.find((p) => p.type === t)?.body ?? ''])) as Record<AdditionalDataType, string>;
  const ref = texts(good.DeviceInfo, ADDITIONAL_DATA_NS.DeviceInfo, 'DataProviderReference')[0] ?? '';
  const broken: Array<[string, AdditionalDataBlock, string, RegExp]> = [
    ['a wrong block namespace', 'DeviceInfo', good.DeviceInfo.replace('EmergencyCallData:DeviceInfo"', 'EmergencyCallData:DevInfo"'), /No matching global declaration/],
    ['a block of another type', 'DeviceInfo', good.Comment, /No matching global declaration/],
    ['elements out of order', 'DeviceInfo', good.DeviceInfo.replace(/(<dev:DeviceClassification>.*<\/dev:DeviceClassification>)\r\n(.*<\/dev:DeviceModelNr>)/, '$2\r\n$1'), /DeviceClassification.*not expected/],
    ['no DataProviderReference', 'DeviceInfo', good.DeviceInfo.replace(/<dev:DataProviderReference>.*<\/dev:DataProviderReference>/, ''), /DataProviderReference/],
    ['a DataProviderReference that is no msg-id', 'DeviceInfo', good.DeviceInfo.replace(ref, 'no at sign'), /msg-id/],
    ['no TypeOfDeviceID', 'DeviceInfo', good.DeviceInfo.replace(' TypeOfDeviceID="UDI"', ''), /TypeOfDeviceID.*required/],
    ['a TypeOfDeviceID outside the registry', 'DeviceInfo', good.DeviceInfo.replace('TypeOfDeviceID="UDI"', 'TypeOfDeviceID="other"'), /"other" is not in the registry/],
    ['a device class outside the registry', 'DeviceInfo', good.DeviceInfo.replace('>unknown-device<', '>pc<'), /"pc" is not in the registry/],
    ['an element the schemas hold nothing for', 'DeviceInfo', good.DeviceInfo.replace('</dev:EmergencyCallData.DeviceInfo>', '<x:y xmlns:x="urn:example">1</x:y></dev:EmergencyCallData.DeviceInfo>'), /urn:example.*no schema here/],
    ['an upper-case Language', 'ProviderInfo', good.ProviderInfo.replace('<pi:Language>fr<', '<pi:Language>fr-FR<'), /Language.*pattern/],
    ['no TypeOfProvider', 'ProviderInfo', good.ProviderInfo.replace(/<pi:TypeOfProvider>.*<\/pi:TypeOfProvider>/, ''), /ContactURI.*Expected is.*TypeOfProvider/],
    ['Figure 17\'s "Service Provider", not in the registry', 'ProviderInfo', good.ProviderInfo.replace('>Client<', '>Service Provider<'), /"Service Provider" is not in the registry/],
    ['a ContactURI that is not a URI', 'ProviderInfo', good.ProviderInfo.replace('>sip:alice@example.com</pi:ContactURI>', '>sip:a%zz</pi:ContactURI>'), /anyURI/],
    ['no privacyRequested', 'SubscriberInfo', good.SubscriberInfo.replace(' privacyRequested="false"', ''), /privacyRequested.*required/],
    ['privacyRequested "yes"', 'SubscriberInfo', good.SubscriberInfo.replace('privacyRequested="false"', 'privacyRequested="yes"'), /boolean/],
    ['no fn', 'SubscriberInfo', good.SubscriberInfo.replace(/<fn>.*<\/fn>/, ''), /fn/],
    ['fn after lang', 'SubscriberInfo', good.SubscriberInfo.replace(/(<fn>.*<\/fn>)\r\n((?:.*<\/lang>\r\n)+)/, '$2$1\r\n'), /lang.*not expected.*fn/],
    ['an n without its empty components', 'SubscriberInfo', good.SubscriberInfo.replace('<additional/><prefix/><suffix/>', ''), /RFC 6351 6\.2\.2/],
    ['a pref of 0', 'SubscriberInfo', good.SubscriberInfo.replace('<integer>1</integer>', '<integer>0</integer>'), /minInclusive/],
    ['an upper-case language-tag', 'SubscriberInfo', good.SubscriberInfo.replace('<language-tag>fr<', '<language-tag>FR<'), /language-tag.*pattern/],
    ['a tel type no RFC defines', 'SubscriberInfo', good.SubscriberInfo.replace('<text>voice</text>', '<text>mobile</text>'), /"mobile" is not one of/],
    ['a comment in a wrong xml:lang', 'Comment', good.Comment.replace('xml:lang="fr"', 'xml:lang="français"'), /lang/],
    ['a control character', 'Comment', good.Comment.replace('Address', 'Add\u0001ress'), /U\+0001/],
    ['a lone surrogate', 'Comment', good.Comment.replace('Address', 'Add\uD800ress'), /U\+D800/],
    ['not well-formed XML', 'Comment', good.Comment.replace('</com:Comment>', ''), /parser error/],
  ];

  it('accepts the good blocks', () => {
    for (const p of ps) expect(validateAdditionalData(p.type, p.body), p.type).toEqual({ ok: true, errors: [] });
  }, SLOW);

  it('rejects each broken one, saying why', () => {
    const results = validateAdditionalDataMany(broken.map(([, type, xml]) => ({ type, xml })));
    broken.forEach(([name, , , why], i) => {
      const r = results[i];
      expect(r?.ok, name).toBe(false);
      expect(r?.errors.join('\n'), name).toMatch(why);
    });
    // The single-document path reports the same.
    expect(validateAdditionalData('DeviceInfo', broken[0]?.[2] ?? '').ok).toBe(false);
  }, SLOW);

  it('expectAdditionalDataValid throws with the errors and the numbered document', () => {
    const bad = good.DeviceInfo.replace('TypeOfDeviceID="UDI"', 'TypeOfDeviceID="other"');
    expect(() => expectAdditionalDataValid('DeviceInfo', bad, 'edge DeviceInfo')).toThrow(/edge DeviceInfo is not valid[\s\S]*registry[\s\S]*\|\s+<dev:UniqueDeviceID TypeOfDeviceID="other">/);
  }, SLOW);

  it('validateAgainst takes any schema: the PIDF-LO one too', () => {
    const pidf = buildPidfLo({ entity: 'sip:alice@example.com', address: { country: 'FR', A3: 'Paris' }, source: 'user', deviceId: UUID, timestamp: new Date('2026-11-23T10:00:00Z') });
    expect(validateAgainst(pidf, PIDF_LO_SCHEMA)).toEqual({ ok: true, errors: [] });
    expect(validateAgainst(good.DeviceInfo, ADDITIONAL_DATA_SCHEMA.DeviceInfo)).toEqual({ ok: true, errors: [] });
    expect(validateAgainst(good.DeviceInfo, PIDF_LO_SCHEMA).ok).toBe(false);
  }, SLOW);
});
