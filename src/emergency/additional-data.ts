/**
 * RFC 7852 "Additional Data Related to an Emergency Call", sent by value with the emergency
 * INVITE. Each block is a body part of its own with a Content-ID, announced by
 * `Call-Info: <cid:ID>;purpose=EmergencyCallData.<Type>` (RFC 7852 §6.1, RFC 2392 `cid:` URLs) and
 * carried with `Content-Disposition: by-reference;handling=optional` (§6.4, RFC 5621).
 *
 * - §4: every block carries a DataProviderReference, an RFC 5322 msg-id without its brackets, the
 *   same in every block one entity adds at one time; and whoever adds any block MUST add a
 *   ProviderInfo block about itself (§4, §4.1, §6), which that reference points to. So
 *   `additionalDataParts` always sends ProviderInfo, as the device ("Client", §4.1.4, Figure 2).
 * - §4.3 DeviceInfo: the device class from the Device Classification registry (§4.3.1 Figure 8,
 *   §11.1.6), the app and version as the model (§4.3.3; the block has no software-version field),
 *   and this install's UUID as a UniqueDeviceID (§4.3.4 Figure 9, §11.1.7).
 * - §4.4 SubscriberInfo: an xCard (RFC 6351, as the RFC 7852 Appendix A schema has it) with the
 *   mandatory privacyRequested attribute (§4.4.1). Personal data: the caller sends it only where
 *   the administrator allows.
 * - §4.5 Comment: free text, one element per line, each with its xml:lang.
 * - §8 and Appendix A: the schemas every block is valid against (test/schemas/rfc7852/).
 *
 * Nothing here throws, and every value is escaped and stripped of what XML 1.0 forbids (the
 * PIDF-LO's helpers): the call must go out whatever is stored (§6: it is more important for the
 * call to go through than for everything to be correct), and a PSAP drops a block it cannot parse.
 */
import type { LocationSource } from './civic-address';
import { anyUri, escapeXml, normaliseCountry, xsDateTime } from './pidf-lo';

export type AdditionalDataType = 'ProviderInfo' | 'DeviceInfo' | 'SubscriberInfo' | 'Comment';

/** The block namespaces (§11.5.2–11.5.6) and the xCard one (RFC 6351). */
export const ADDITIONAL_DATA_NS = {
  ProviderInfo: 'urn:ietf:params:xml:ns:EmergencyCallData:ProviderInfo',
  DeviceInfo: 'urn:ietf:params:xml:ns:EmergencyCallData:DeviceInfo',
  SubscriberInfo: 'urn:ietf:params:xml:ns:EmergencyCallData:SubscriberInfo',
  Comment: 'urn:ietf:params:xml:ns:EmergencyCallData:Comment',
} as const satisfies Record<AdditionalDataType, string>;
export const VCARD_NS = 'urn:ietf:params:xml:ns:vcard-4.0';

/** §6.4: the part is reached through its Call-Info reference, and may be ignored by the UAS. */
export const ADDITIONAL_DATA_DISPOSITION = 'by-reference;handling=optional';

/** §11.4: `application/EmergencyCallData.<Type>+xml`. */
export function additionalDataContentType(type: AdditionalDataType): string {
  return `application/EmergencyCallData.${type}+xml`;
}

/** §6.1: the Call-Info `purpose`: the media subtype's root, without the `+xml` suffix. */
export function additionalDataPurpose(type: AdditionalDataType): string {
  return `EmergencyCallData.${type}`;
}

/** §4.3.1 Figure 8, the Device Classification registry's initial values. */
export const DEVICE_CLASSIFICATIONS = [
  'cordless', 'fixed', 'satellite', 'sensor-fixed', 'desktop', 'laptop', 'tablet', 'alarm-monitored', 'sensor-mobile', 'aircraft',
  'automobile', 'truck', 'farm', 'marine', 'personal', 'feature-phone', 'smart-phone', 'smart-phone-app', 'unknown-device', 'game',
  'text-only', 'NA',
] as const;
export type DeviceClassification = (typeof DEVICE_CLASSIFICATIONS)[number];

/**
 * "Soft client on unknown device type": what an Electron or browser client can truthfully say;
 * a caller that knows better (e.g. a battery means a laptop) passes `desktop`, `laptop` or `tablet`.
 */
export const DEFAULT_DEVICE_CLASS: DeviceClassification = 'unknown-device';

/**
 * §4.3.4 Figure 9 has no token for an app-generated UUID (and no "other"; new tokens need Expert
 * Review, §11.1.7). "UDI", "Unique Device Identifier", is the closest: the value is the same
 * `urn:uuid:…` as the PIDF-LO's dm:deviceID, so a PSAP can tie the two together.
 */
export const DEVICE_ID_TYPE = 'UDI';

export interface CommentLine {
  text: string;
  /** `xml:lang` of the text, e.g. `fr`; left out when it is not a language tag. */
  lang: string;
}

export interface ProviderInfoInput {
  dataProviderReference: string;
  /** §4.1.1: who supplied the data, as shown to the call taker; for a device, its contact. */
  dataProviderString: string;
  /** §4.1.5: how to reach the user: a `tel:` URI in E.164 when known, else the SIP address of record. */
  contactUri: string;
  /** §4.1.6: languages spoken at `contactUri`, preferred first. */
  languages: readonly string[];
}

export interface DeviceInfoInput {
  dataProviderReference: string;
  /** This install's UUID, the one the PIDF-LO carries. */
  deviceId: string;
  appName: string;
  appVersion: string;
  /** §4.3.2: the software's publisher; the PC's maker is unknown to the app. Left out when empty. */
  manufacturer?: string;
  /** Operating system, e.g. `Windows 11 x64`; appended to the model in parentheses. */
  platform?: string;
  deviceClass?: DeviceClassification;
}

export interface SubscriberInfoInput {
  dataProviderReference: string;
  /** The caller's name as displayed (xCard `fn`). */
  name: string;
  /** Structured name parts (xCard `n`), only when known as such: a full name is never split. */
  givenName?: string;
  familyName?: string;
  /** Preferred languages, the UI language first (xCard `lang` with `pref`). */
  languages: readonly string[];
  /** The caller's SIP address of record (xCard `tel` with a URI value, as in RFC 7852 Figure 17). */
  sipUri?: string;
  /** §4.4.1: the subscriber asked for privacy; its meaning is left to the PSAP's jurisdiction. */
  privacyRequested?: boolean;
}

export interface CommentInput {
  dataProviderReference: string;
  lines: readonly CommentLine[];
}

export interface AdditionalDataPart {
  type: AdditionalDataType;
  contentType: string;
  /** Without angle brackets, as the PIDF-LO's: `dev-…@host`. The part's header is `Content-ID: <…>`. */
  contentId: string;
  body: string;
  /** A full Call-Info header value: `<cid:ID>;purpose=EmergencyCallData.Type`. */
  callInfo: string;
}

export interface AdditionalDataInput {
  /** Random token source, as for the PIDF-LO's Content-ID and the multipart boundary. */
  random: () => string;
  /** Right-hand side of the Content-IDs and the DataProviderReference; defaults to the SIP URI's host. */
  domain?: string;
  now?: () => Date;
  /** The caller's SIP address of record. */
  sipUri: string;
  /** §4.1.5: the caller's `tel:` URI in E.164 when known; otherwise `sipUri` is the contact. */
  contactUri?: string;
  /** §4.1.1: defaults to `sipUri` (a device SHOULD use its Contact; the AoR is the stable form of it). */
  dataProviderString?: string;
  /** The caller's languages, the UI language first. */
  languages: readonly string[];
  device: Omit<DeviceInfoInput, 'dataProviderReference'>;
  /** Only where the administrator allows it; absent or null: no SubscriberInfo block. */
  subscriber?: Omit<SubscriberInfoInput, 'dataProviderReference' | 'languages' | 'sipUri'> | null;
  /** E.g. from `describeCallContext`; none: no Comment block. */
  comments?: readonly CommentLine[];
}

const FALLBACK_DOMAIN = 'secours.invalid';
const PREFIX: Record<AdditionalDataType, string> = { ProviderInfo: 'pi', DeviceInfo: 'dev', SubscriberInfo: 'sub', Comment: 'com' };

/** A string from anything stored settings may hold at run time; never throws. */
function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  try {
    return String(value);
  } catch {
    return '';
  }
}

/** Escaped element text, trimmed; '' when nothing XML can carry is left. */
function text(value: unknown): string {
  return escapeXml(str(value)).trim();
}

/**
 * An xs:anyURI for a URI we were given (the PIDF-LO's anyUri), less an empty port: RFC 3986 allows
 * `//host:` but libxml2 rejects it as xs:anyURI, and §3.2.3 says to omit an empty port and its ':'.
 */
function uri(value: unknown): string {
  return anyUri(str(value)).replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*):(?=[/?#]|$)/, '$1');
}

/** An RFC 5322 dot-atom from the characters that are also safe in a `cid:` URL (RFC 2392). */
function dotAtom(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '').replace(/\.{2,}/g, '.').replace(/^\.+|\.+$/g, '');
}

/** A host usable as a msg-id's right-hand side: `[2001:db8::1]` becomes `2001-db8--1`. */
function domainOf(value: unknown): string {
  return dotAtom(str(value).toLowerCase().replace(/[:]/g, '-')) || FALLBACK_DOMAIN;
}

/** The host of a `sip:`/`sips:` URI, if any. */
function sipHost(aor: string): string {
  const m = /^sips?:(?:[^@;?]*@)?(\[[^\]]*\]|[^:;?>]*)/i.exec(aor.trim());
  return m?.[1] ?? '';
}

/** §4: a DataProviderReference is a msg-id without brackets; made into one if it is not. */
function msgId(value: unknown): string {
  const s = str(value);
  const at = s.lastIndexOf('@');
  const left = dotAtom(at >= 0 ? s.slice(0, at) : s) || 'ref';
  return `${left}@${domainOf(at >= 0 ? s.slice(at + 1) : '')}`;
}

let fallbackCounter = 0;
/** A token from the injected source; a failing or empty one must not stop the call. */
function token(random: () => string): string {
  let t = '';
  try {
    t = str(random()).replace(/[^A-Za-z0-9]/g, '').slice(0, 64);
  } catch {
    // Fallback below.
  }
  return t || `${Date.now().toString(36)}${(fallbackCounter++).toString(36)}`;
}

// RFC 5646 tags as the §8.1 Language / Appendix A language-tag patterns accept them: lower case only.
const LANGUAGE_TAG =
  /^(?:([a-z]{2,3}((-[a-z]{3}){0,3})?|[a-z]{4,8})(-[a-z]{4})?(-([a-z]{2}|\d{3}))?(-([0-9a-z]{5,8}|\d[0-9a-z]{3}))*(-[0-9a-wyz](-[0-9a-z]{2,8})+)*(-x(-[0-9a-z]{1,8})+)?|x(-[0-9a-z]{1,8})+|[a-z]{1,3}(-[0-9a-z]{2,8}){1,2})$/;

/**
 * A language tag the RFC 7852 patterns accept, or null. Tags are case-insensitive (RFC 5646 §2.1.1)
 * but the patterns take lower case only, so `fr-CA` is sent as `fr-ca`; `en_US` as `en-us`.
 */
export function languageTag(value: unknown): string | null {
  const tag = str(value).trim().toLowerCase().replace(/_/g, '-');
  return LANGUAGE_TAG.test(tag) ? tag : null;
}

/** Distinct usable tags, in order; at most 100 (xCard `pref` is 1 to 100). */
function languageTags(values: unknown): string[] {
  const list = Array.isArray(values) ? values : [];
  return [...new Set(list.map(languageTag).filter((t): t is string => t !== null))].slice(0, 100);
}

/** `xml:lang` (xs:language) for a comment line, or null to leave the attribute out. */
function xmlLang(value: unknown): string | null {
  const tag = str(value).trim().replace(/_/g, '-');
  return /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : null;
}

function doc(lines: string[]): string {
  return ['<?xml version="1.0" encoding="UTF-8"?>', ...lines].join('\r\n');
}

/** §4.1: the data provider block; for us, the device itself ("Client"). */
export function buildProviderInfo(input: ProviderInfoInput): string {
  const i = input ?? ({} as ProviderInfoInput);
  // §4.1.6 requires one; "und" (undetermined) rather than a guess.
  const languages = languageTags(i.languages);
  return doc([
    `<pi:EmergencyCallData.ProviderInfo xmlns:pi="${ADDITIONAL_DATA_NS.ProviderInfo}">`,
    `  <pi:DataProviderReference>${msgId(i.dataProviderReference)}</pi:DataProviderReference>`,
    `  <pi:DataProviderString>${text(i.dataProviderString)}</pi:DataProviderString>`,
    '  <pi:TypeOfProvider>Client</pi:TypeOfProvider>',
    `  <pi:ContactURI>${escapeXml(uri(i.contactUri))}</pi:ContactURI>`,
    ...(languages.length ? languages : ['und']).map((l) => `  <pi:Language>${l}</pi:Language>`),
    '</pi:EmergencyCallData.ProviderInfo>',
  ]);
}

/** §4.3: the device placing the call. */
export function buildDeviceInfo(input: DeviceInfoInput): string {
  const i = input ?? ({} as DeviceInfoInput);
  const deviceClass = (DEVICE_CLASSIFICATIONS as readonly string[]).includes(str(i.deviceClass)) ? str(i.deviceClass) : DEFAULT_DEVICE_CLASS;
  const manufacturer = text(i.manufacturer);
  const platform = text(i.platform);
  const model = [text(i.appName), text(i.appVersion)].filter(Boolean).join(' ') + (platform ? ` (${platform})` : '');
  const deviceId = str(i.deviceId).trim();
  return doc([
    `<dev:EmergencyCallData.DeviceInfo xmlns:dev="${ADDITIONAL_DATA_NS.DeviceInfo}">`,
    `  <dev:DataProviderReference>${msgId(i.dataProviderReference)}</dev:DataProviderReference>`,
    `  <dev:DeviceClassification>${deviceClass}</dev:DeviceClassification>`,
    ...(manufacturer ? [`  <dev:DeviceMfgr>${manufacturer}</dev:DeviceMfgr>`] : []),
    ...(model.trim() ? [`  <dev:DeviceModelNr>${model.trim()}</dev:DeviceModelNr>`] : []),
    // Written exactly as the PIDF-LO's dm:deviceID.
    ...(deviceId ? [`  <dev:UniqueDeviceID TypeOfDeviceID="${DEVICE_ID_TYPE}">${escapeXml(anyUri(`urn:uuid:${deviceId}`))}</dev:UniqueDeviceID>`] : []),
    '</dev:EmergencyCallData.DeviceInfo>',
  ]);
}

/**
 * §4.4: the subscriber's xCard. Properties come in the order the RFC 7852 Appendix A schema
 * requires (fn, lang, n, tel), which RFC 6351, taking any order, accepts too.
 */
export function buildSubscriberInfo(input: SubscriberInfoInput): string {
  const i = input ?? ({} as SubscriberInfoInput);
  const given = text(i.givenName);
  const family = text(i.familyName);
  const sip = escapeXml(uri(i.sipUri));
  return doc([
    `<sub:EmergencyCallData.SubscriberInfo xmlns:sub="${ADDITIONAL_DATA_NS.SubscriberInfo}" privacyRequested="${i.privacyRequested === true}">`,
    `  <sub:DataProviderReference>${msgId(i.dataProviderReference)}</sub:DataProviderReference>`,
    `  <sub:SubscriberData xmlns="${VCARD_NS}">`,
    '    <vcard>',
    // fn is mandatory in a vCard; an empty one is still schema-valid.
    `      <fn><text>${text(i.name)}</text></fn>`,
    ...languageTags(i.languages).map(
      (tag, n) => `      <lang><parameters><pref><integer>${n + 1}</integer></pref></parameters><language-tag>${tag}</language-tag></lang>`,
    ),
    // RFC 6351 wants all five components, empty ones included.
    ...(given || family ? [`      <n><surname>${family}</surname><given>${given}</given><additional/><prefix/><suffix/></n>`] : []),
    ...(sip ? [`      <tel><parameters><type><text>voice</text></type></parameters><uri>${sip}</uri></tel>`] : []),
    '    </vcard>',
    '  </sub:SubscriberData>',
    '</sub:EmergencyCallData.SubscriberInfo>',
  ]);
}

/** §4.5: free-text comments for the call taker, one element per line. */
export function buildComment(input: CommentInput): string {
  const i = input ?? ({} as CommentInput);
  const lines = (Array.isArray(i.lines) ? i.lines : []).flatMap((line: unknown) => {
    const l = (line ?? {}) as Partial<CommentLine>;
    const body = text(l.text);
    const lang = xmlLang(l.lang);
    return body ? [`  <com:Comment${lang ? ` xml:lang="${lang}"` : ''}>${body}</com:Comment>`] : [];
  });
  return doc([
    `<com:EmergencyCallData.Comment xmlns:com="${ADDITIONAL_DATA_NS.Comment}">`,
    `  <com:DataProviderReference>${msgId(i.dataProviderReference)}</com:DataProviderReference>`,
    ...lines,
    '</com:EmergencyCallData.Comment>',
  ]);
}

export interface CallContext {
  /** Where the civic address came from; null when there was none. */
  addressSource: LocationSource | null;
  /** When the caller last confirmed the address (ISO string or Date), if ever. */
  confirmedAt?: string | Date | null;
  /** ISO 3166 country of the network the device is on, when known. */
  networkCountry?: string | null;
  /** The country the emergency settings are for. */
  homeCountry?: string | null;
  /** The caller may need text rather than voice (114 in France). */
  textNeeded?: boolean;
  /** The UI language. */
  lang: string;
}

type Texts = {
  source: Record<LocationSource | 'none', string>;
  confirmed: (when: string) => string;
  unconfirmed: string;
  network: { abroad: (net: string, home: string) => string; home: (net: string) => string; only: (net: string) => string; unknown: string };
  text: string;
};

const TEXTS: Record<'en' | 'fr', Texts> = {
  en: {
    source: {
      user: 'Location: civic address entered by the caller in the app.',
      administrator: "Location: civic address set by the caller's organisation (administrator).",
      'network-site': "Location: civic address of the organisation's site for the network the device is connected to.",
      none: 'Location: no civic address was available on the device.',
    },
    confirmed: (when) => `The caller last confirmed this address on ${when}.`,
    unconfirmed: 'The caller has not confirmed this address.',
    network: {
      abroad: (net, home) => `Network: the device's network appears to be in ${net}, not in ${home}, the country its emergency settings are for; the caller may be abroad.`,
      home: (net) => `Network: the device's network appears to be in ${net}, the country its emergency settings are for.`,
      only: (net) => `Network: the device's network appears to be in ${net}.`,
      unknown: "Network: the country of the device's network is unknown.",
    },
    text: 'The caller may need to communicate by text rather than voice (deaf, hard of hearing or speech-impaired; 114 service).',
  },
  fr: {
    source: {
      user: "Localisation : adresse saisie par l'appelant dans l'application.",
      administrator: "Localisation : adresse définie par l'organisation de l'appelant (administrateur).",
      'network-site': "Localisation : adresse du site de l'organisation correspondant au réseau auquel l'appareil est connecté.",
      none: "Localisation : aucune adresse n'était disponible sur l'appareil.",
    },
    confirmed: (when) => `L'appelant a confirmé cette adresse pour la dernière fois le ${when}.`,
    unconfirmed: "L'appelant n'a pas confirmé cette adresse.",
    network: {
      // Country names without prepositions: French ones vary (en, au, aux…).
      abroad: (net, home) => `Réseau : pays du réseau de l'appareil : ${net}, et non ${home}, pays de ses réglages d'urgence ; l'appelant est peut-être à l'étranger.`,
      home: (net) => `Réseau : pays du réseau de l'appareil : ${net}, pays de ses réglages d'urgence.`,
      only: (net) => `Réseau : pays du réseau de l'appareil : ${net}.`,
      unknown: "Réseau : le pays du réseau de l'appareil est inconnu.",
    },
    text: "L'appelant peut avoir besoin de communiquer par écrit plutôt qu'à la voix (personne sourde, malentendante ou aphasique ; service 114).",
  },
};

/** "Spain (ES)"; just the code when the runtime has no name for it. */
function countryName(code: string, lang: 'en' | 'fr'): string {
  try {
    const name = new Intl.DisplayNames([lang], { type: 'region' }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** A valid xs:dateTime for a confirmation time, or null: never "now" for a missing one. */
function confirmationTime(value: unknown): string | null {
  const date = value instanceof Date ? value : typeof value === 'string' && value.trim() ? new Date(value) : null;
  return date ? xsDateTime(date, () => new Date(NaN)) : null;
}

function linesIn(lang: 'en' | 'fr', c: CallContext): CommentLine[] {
  const t = TEXTS[lang];
  const source = c.addressSource && c.addressSource in t.source ? c.addressSource : null;
  const out = [t.source[source ?? 'none']];
  if (source) {
    const when = confirmationTime(c.confirmedAt);
    // A network site's address is the administrator's, not the caller's to confirm.
    if (when) out.push(t.confirmed(when));
    else if (source !== 'network-site') out.push(t.unconfirmed);
  }
  const net = normaliseCountry(str(c.networkCountry));
  const home = normaliseCountry(str(c.homeCountry));
  if (!net) out.push(t.network.unknown);
  else if (!home) out.push(t.network.only(countryName(net, lang)));
  else if (net !== home) out.push(t.network.abroad(countryName(net, lang), countryName(home, lang)));
  else out.push(t.network.home(countryName(net, lang)));
  if (c.textNeeded === true) out.push(t.text);
  return out.map((text) => ({ text, lang }));
}

/**
 * Comment lines on how the address was obtained and when last confirmed, the network's country
 * and whether it differs from the settings' one, and a need for text: in French first when the UI
 * is French, and always in English, so that any answering point can read them.
 */
export function describeCallContext(context: CallContext): CommentLine[] {
  try {
    const c = context ?? ({ addressSource: null, lang: 'en' } as CallContext);
    const ui = str(c.lang).trim().toLowerCase().split(/[-_]/)[0];
    return [...(ui === 'fr' ? linesIn('fr', c) : []), ...linesIn('en', c)];
  } catch {
    return [];
  }
}

/**
 * The blocks for one emergency INVITE: ProviderInfo (always, §4.1), DeviceInfo, SubscriberInfo
 * (only when `subscriber` is given) and Comment (only with lines), all with one
 * DataProviderReference. Each part goes in the multipart body with `Content-Type: contentType`,
 * `Content-ID: <contentId>` and `Content-Disposition: by-reference;handling=optional`, and its
 * `callInfo` in a Call-Info header. Never throws; a block that cannot be made is left out, and
 * without ProviderInfo nothing is sent (§4.1: it MUST accompany any other block).
 */
export function additionalDataParts(input: AdditionalDataInput): AdditionalDataPart[] {
  try {
    const i = input ?? ({} as AdditionalDataInput);
    const random = typeof i.random === 'function' ? i.random : () => '';
    const sipUri = str(i.sipUri).trim();
    const domain = domainOf(str(i.domain).trim() || sipHost(sipUri));
    let now = Date.now();
    try {
      const d = i.now?.();
      if (d instanceof Date && Number.isFinite(d.getTime())) now = d.getTime();
    } catch {
      // The clock only adds uniqueness.
    }
    // §4: world-unique like a Message-ID: the time and a random token at our domain.
    const dataProviderReference = `${Math.abs(Math.trunc(now)).toString(36)}.${token(random)}@${domain}`;
    const languages = Array.isArray(i.languages) ? i.languages : [];

    const blocks: Array<[AdditionalDataType, () => string | null]> = [
      [
        'ProviderInfo',
        () =>
          buildProviderInfo({
            dataProviderReference,
            dataProviderString: str(i.dataProviderString).trim() ? str(i.dataProviderString) : sipUri,
            contactUri: str(i.contactUri).trim() || sipUri,
            languages,
          }),
      ],
      ['DeviceInfo', () => buildDeviceInfo({ ...(i.device ?? ({} as DeviceInfoInput)), dataProviderReference })],
      [
        'SubscriberInfo',
        () => {
          const s = i.subscriber;
          // §4.4.2: only what is available; without a name there is no subscriber data worth sending.
          if (!s || !(text(s.name) || text(s.givenName) || text(s.familyName))) return null;
          const name = text(s.name) ? s.name : [s.givenName, s.familyName].map(str).filter((p) => p.trim()).join(' ');
          return buildSubscriberInfo({ ...s, name, dataProviderReference, languages, sipUri });
        },
      ],
      ['Comment', () => (Array.isArray(i.comments) && i.comments.some((l) => text(l?.text)) ? buildComment({ dataProviderReference, lines: i.comments }) : null)],
    ];

    const parts: AdditionalDataPart[] = [];
    for (const [type, build] of blocks) {
      let body: string | null = null;
      try {
        body = build();
      } catch {
        body = null;
      }
      if (body === null) {
        if (type === 'ProviderInfo') return [];
        continue;
      }
      // The per-type prefix keeps the Content-IDs distinct even if the random source repeats.
      const contentId = `${PREFIX[type]}-${token(random)}@${domain}`;
      parts.push({
        type,
        contentType: additionalDataContentType(type),
        contentId,
        body,
        callInfo: `<cid:${contentId}>;purpose=${additionalDataPurpose(type)}`,
      });
    }
    return parts;
  } catch {
    return [];
  }
}
