/**
 * Validates a PIDF-LO against the RFC schemas in test/schemas/ (RFC 3863, 4479, 4119, 5139) with
 * Debian's xmllint, plus the checks XML Schema cannot make here (see test/schemas/README.md):
 * characters XML 1.0 forbids, and elements in namespaces we hold no schema for, which the RFCs'
 * `processContents="lax"` wildcards would otherwise let through unchecked.
 *
 * Plain Node (no vitest import) so the Playwright e2e tests can use it too.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { DOMParser } from '@xmldom/xmldom';

export const SCHEMA_DIR = fileURLToPath(new URL('../schemas/', import.meta.url));
/** The entry schema: imports every namespace a PIDF-LO of ours uses. */
export const PIDF_LO_SCHEMA = join(SCHEMA_DIR, 'pidf-lo.xsd');
const CATALOG = join(SCHEMA_DIR, 'catalog.xml');

export const NS = {
  pidf: 'urn:ietf:params:xml:ns:pidf',
  dm: 'urn:ietf:params:xml:ns:pidf:data-model',
  gp: 'urn:ietf:params:xml:ns:pidf:geopriv10',
  gbp: 'urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy',
  ca: 'urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr',
} as const;
const KNOWN_NS = new Set<string>(Object.values(NS));

export interface ValidationResult {
  ok: boolean;
  errors: string[];
}

/** Code points outside XML 1.0's Char production, lone surrogates included (UTF-8 would hide those as U+FFFD). */
export function invalidXmlChars(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd);
    if (!ok) out.push(`character U+${c.toString(16).toUpperCase().padStart(4, '0')} at offset ${i} is not allowed in XML 1.0`);
  }
  return out;
}

function xmllint(args: string[], input?: string): { status: number | null; stderr: string } {
  const r = spawnSync('xmllint', ['--nonet', '--noout', '--schema', PIDF_LO_SCHEMA, ...args], {
    input,
    encoding: 'utf8',
    // The RFC schemas import http://www.w3.org/2001/xml.xsd; the catalogue maps it to our copy.
    env: { ...process.env, XML_CATALOG_FILES: CATALOG },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`xmllint could not run (${r.error.message}); install libxml2-utils`);
  return { status: r.status, stderr: r.stderr };
}

/** Checks the RFC schemas leave to lax wildcards: every element's namespace must be one we validate. */
function profileErrors(xml: string): string[] {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(`not well-formed: ${msg}`)) }).parseFromString(xml, 'text/xml');
  if (errors.length) return errors;
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== NS.pidf || root.localName !== 'presence') return ['root element is not {urn:ietf:params:xml:ns:pidf}presence'];
  const walk = (el: Element, path: string): void => {
    const here = `${path}/${el.localName}`;
    if (!KNOWN_NS.has(el.namespaceURI ?? '')) {
      errors.push(`${here}: element in namespace "${el.namespaceURI ?? ''}" has no schema here, so the lax wildcards would accept it unchecked`);
    }
    for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) walk(n as unknown as Element, here);
  };
  walk(root as unknown as Element, '');
  // What this app promises to send (RFC 5491 §3: the location of the device, in a dm:device).
  const civic = Array.from(root.getElementsByTagNameNS(NS.ca, 'civicAddress')).filter((c) => {
    const parent = c.parentNode as unknown as Element | null;
    return parent?.namespaceURI === NS.gp && parent.localName === 'location-info';
  });
  if (civic.length === 0) errors.push('no gp:location-info/ca:civicAddress');
  if (root.getElementsByTagNameNS(NS.dm, 'device').length === 0) errors.push('no dm:device');
  if (root.getElementsByTagNameNS(NS.gp, 'method').length === 0) errors.push('no gp:method');
  if (root.getElementsByTagNameNS(NS.dm, 'timestamp').length === 0) errors.push('no dm:timestamp');
  return errors;
}

/** xmllint's diagnostics, without the "validates"/"fails to validate" summary lines. */
function diagnostics(stderr: string, name: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && l !== `${name} validates` && l !== `${name} fails to validate`);
}

function result(xml: string, status: number | null, lint: string[]): ValidationResult {
  const errors = [...invalidXmlChars(xml), ...lint];
  if (status !== 0 && lint.length === 0) errors.push(`xmllint exited with status ${String(status)}`);
  // Profile checks only on a schema-valid document: they would only repeat the schema's complaints.
  if (errors.length === 0) errors.push(...profileErrors(xml));
  return { ok: errors.length === 0, errors };
}

/** Validates one PIDF-LO (UTF-8, through xmllint's stdin): one process, about 20 ms; in loops use validatePidfLoMany. */
export function validatePidfLo(xml: string): ValidationResult {
  const { status, stderr } = xmllint(['-'], xml);
  return result(xml, status, diagnostics(stderr, '-'));
}

// One directory shared by every run and process; file names are unique to this thread and batch,
// and each batch removes its own files, so nothing accumulates.
const BATCH_DIR = join(tmpdir(), 'secours-pidf-schema');
let batchNo = 0;

/** Validates many documents with one xmllint run (schemas parsed once, about 1 ms a document); for property tests. */
export function validatePidfLoMany(xmls: readonly string[]): ValidationResult[] {
  if (xmls.length === 0) return [];
  mkdirSync(BATCH_DIR, { recursive: true });
  const prefix = join(BATCH_DIR, `${process.pid}-${threadId}-${batchNo++}`);
  const files = xmls.map((xml, i) => {
    const file = `${prefix}-${i}.xml`;
    writeFileSync(file, xml, 'utf8');
    return file;
  });
  try {
    return validateFiles(files, xmls);
  } finally {
    for (const f of files) rmSync(f, { force: true });
  }
}

/**
 * xmllint's messages, per file: lines name their file, and parser context lines (source excerpt,
 * caret) follow the line naming it. Lines before any file's (a schema that failed to load) concern
 * every document.
 */
function linesByFile(stderr: string, files: readonly string[]): { global: string[]; byFile: Map<string, string[]> } {
  const global: string[] = [];
  const byFile = new Map<string, string[]>(files.map((f) => [f, []]));
  let current: string | null = null;
  for (const line of stderr.split('\n')) {
    if (!line.trim()) continue;
    const f = files.find((name) => line.startsWith(`${name}:`) || line === `${name} validates` || line === `${name} fails to validate`);
    if (f) current = f;
    (current ? byFile.get(current) : global)?.push(line);
  }
  return { global, byFile };
}

function validateFiles(files: string[], xmls: readonly string[]): ValidationResult[] {
  const { status, stderr } = xmllint(files);
  const { global, byFile } = linesByFile(stderr, files);
  const schemaBroken = status !== null && status >= 4;
  return files.map((f, i) => {
    const lint = [...global, ...diagnostics((byFile.get(f) ?? []).join('\n'), f)];
    return result(xmls[i] as string, lint.length > 0 || schemaBroken ? status : 0, lint);
  });
}

/** The document with line numbers, for failure messages. */
function numbered(xml: string): string {
  return xml
    .split(/\r?\n/)
    .map((l, i) => `${String(i + 1).padStart(3)} | ${l}`)
    .join('\n');
}

/**
 * Throws (with every error and the numbered document) unless `xml` is a schema-valid PIDF-LO.
 * For e2e tests: pass the PIDF-LO body part the emergency edge received.
 */
export function expectSchemaValid(xml: string, label = 'PIDF-LO'): void {
  const { ok, errors } = validatePidfLo(xml);
  if (!ok) throw new Error(`${label} is not valid against the RFC 3863/4479/4119/5139 schemas:\n  ${errors.join('\n  ')}\n${numbered(xml)}`);
}

// RFC 7852 additional data (test/schemas/rfc7852/README.md), and any other schema under test/schemas/.

export const RFC7852_SCHEMA_DIR = join(SCHEMA_DIR, 'rfc7852');
// Maps both xml.xsd locations the RFC 7852 schemas import (and the one the PIDF-LO schemas do).
const RFC7852_CATALOG = join(RFC7852_SCHEMA_DIR, 'catalog.xml');

export type AdditionalDataBlock = 'ProviderInfo' | 'ServiceInfo' | 'DeviceInfo' | 'SubscriberInfo' | 'Comment';

export const ADDITIONAL_DATA_SCHEMA: Record<AdditionalDataBlock, string> = {
  ProviderInfo: join(RFC7852_SCHEMA_DIR, 'ProviderInfo.xsd'),
  ServiceInfo: join(RFC7852_SCHEMA_DIR, 'ServiceInfo.xsd'),
  DeviceInfo: join(RFC7852_SCHEMA_DIR, 'DeviceInfo.xsd'),
  SubscriberInfo: join(RFC7852_SCHEMA_DIR, 'SubscriberInfo.xsd'),
  Comment: join(RFC7852_SCHEMA_DIR, 'Comment.xsd'),
};

export const ADDITIONAL_DATA_NAMESPACE: Record<AdditionalDataBlock, string> = {
  ProviderInfo: 'urn:ietf:params:xml:ns:EmergencyCallData:ProviderInfo',
  ServiceInfo: 'urn:ietf:params:xml:ns:EmergencyCallData:ServiceInfo',
  DeviceInfo: 'urn:ietf:params:xml:ns:EmergencyCallData:DeviceInfo',
  SubscriberInfo: 'urn:ietf:params:xml:ns:EmergencyCallData:SubscriberInfo',
  Comment: 'urn:ietf:params:xml:ns:EmergencyCallData:Comment',
};
export const VCARD_NAMESPACE = 'urn:ietf:params:xml:ns:vcard-4.0';

// The initial registry values (RFC 7852 §4.1.3 Figure 1, §4.1.4 Figure 2, §4.3.1 Figure 8,
// §4.3.4 Figure 9), written out here rather than imported, so the builder is checked against the RFC.
const PROVIDER_ID_SERIES = ['NENA', 'EENA', 'domain'];
const PROVIDER_TYPES = [
  'Client', 'Access Network Provider', 'Telecom Provider', 'Telematics Provider', 'Language Translation Provider',
  'Emergency Service Provider', 'Emergency Modality Translation', 'Relay Provider', 'Other',
];
const DEVICE_CLASSES = [
  'cordless', 'fixed', 'satellite', 'sensor-fixed', 'desktop', 'laptop', 'tablet', 'alarm-monitored', 'sensor-mobile', 'aircraft',
  'automobile', 'truck', 'farm', 'marine', 'personal', 'feature-phone', 'smart-phone', 'smart-phone-app', 'unknown-device', 'game',
  'text-only', 'NA',
];
const DEVICE_ID_TYPES = ['MEID', 'ESN', 'MAC', 'WiMAX', 'IMEI', 'IMSI', 'UDI', 'RFID', 'SN'];
// RFC 6351 Appendix A's tel types, plus RFC 7852 §11.7's main-number.
const TEL_TYPES = ['work', 'home', 'text', 'voice', 'fax', 'cell', 'video', 'pager', 'textphone', 'main-number'];

// RFC 5322 §3.6.4 msg-id without its angle brackets: dot-atom-text "@" (dot-atom-text / no-fold-literal).
const ATEXT = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]+";
const DOT_ATOM = `${ATEXT}(?:\\.${ATEXT})*`;
const MSG_ID = new RegExp(`^${DOT_ATOM}@(?:${DOT_ATOM}|\\[[\\x21-\\x5a\\x5e-\\x7e]*\\])$`);

function lintAgainst(schemaPath: string, args: string[], input?: string): { status: number | null; stderr: string } {
  const r = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schemaPath, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, XML_CATALOG_FILES: RFC7852_CATALOG },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`xmllint could not run (${r.error.message}); install libxml2-utils`);
  return { status: r.status, stderr: r.stderr };
}

function schemaResult(xml: string, status: number | null, lint: string[]): ValidationResult {
  const errors = [...invalidXmlChars(xml), ...lint];
  if (status !== 0 && lint.length === 0) errors.push(`xmllint exited with status ${String(status)}`);
  return { ok: errors.length === 0, errors };
}

/**
 * Validates `xml` against any XML Schema (by path) with xmllint, plus the characters XML 1.0
 * forbids; no profile checks. One process per call; in loops use validateAgainstMany.
 */
export function validateAgainst(xml: string, schemaPath: string): ValidationResult {
  const { status, stderr } = lintAgainst(schemaPath, ['-'], xml);
  return schemaResult(xml, status, diagnostics(stderr, '-'));
}

/** validateAgainst for many documents and one schema, with one xmllint run. */
export function validateAgainstMany(xmls: readonly string[], schemaPath: string): ValidationResult[] {
  if (xmls.length === 0) return [];
  mkdirSync(BATCH_DIR, { recursive: true });
  const prefix = join(BATCH_DIR, `${process.pid}-${threadId}-ad${batchNo++}`);
  const files = xmls.map((xml, i) => {
    const file = `${prefix}-${i}.xml`;
    writeFileSync(file, xml, 'utf8');
    return file;
  });
  try {
    const { status, stderr } = lintAgainst(schemaPath, files);
    const { global, byFile } = linesByFile(stderr, files);
    const schemaBroken = status !== null && status >= 4;
    return files.map((f, i) => {
      const lint = [...global, ...diagnostics((byFile.get(f) ?? []).join('\n'), f)];
      return schemaResult(xmls[i] as string, lint.length > 0 || schemaBroken ? status : 0, lint);
    });
  } finally {
    for (const f of files) rmSync(f, { force: true });
  }
}

function childElements(el: Element): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as unknown as Element);
  return out;
}

/** An xs:token's value as the schema sees it (whitespace collapsed). */
function tokenValue(el: Element | undefined): string {
  return (el?.textContent ?? '').replace(/[ \t\r\n]+/g, ' ').trim();
}

/** What RFC 6351 requires of an xCard that RFC 7852's Appendix A schema leaves out. */
function xcardErrors(vcard: Element, path: string): string[] {
  const errors: string[] = [];
  const own = (el: Element, name: string): Element[] => childElements(el).filter((c) => c.namespaceURI === VCARD_NAMESPACE && c.localName === name);
  for (const fn of own(vcard, 'fn')) if (own(fn, 'text').length !== 1) errors.push(`${path}/fn: needs exactly one text (RFC 6351 6.2.1)`);
  for (const n of own(vcard, 'n')) {
    const parts = childElements(n).map((c) => c.localName).filter((name) => name !== 'parameters');
    if (!/^(surname )+(given )+(additional )+(prefix )+(suffix )+$/.test(parts.map((p) => `${p} `).join(''))) {
      errors.push(`${path}/n: needs surname, given, additional, prefix and suffix, in that order, each at least once (RFC 6351 6.2.2): got "${parts.join(' ')}"`);
    }
  }
  for (const lang of own(vcard, 'lang')) if (own(lang, 'language-tag').length !== 1) errors.push(`${path}/lang: needs one language-tag (RFC 6351 6.4.4)`);
  for (const tel of own(vcard, 'tel')) {
    for (const params of own(tel, 'parameters')) {
      for (const type of own(params, 'type')) {
        for (const t of own(type, 'text')) {
          const v = tokenValue(t);
          if (!TEL_TYPES.includes(v)) errors.push(`${path}/tel: type "${v}" is not one of RFC 6351's or RFC 7852's main-number`);
        }
      }
    }
  }
  return errors;
}

/** RFC 7852 rules the block schemas leave to lax wildcards, plain strings and prose. */
function additionalDataProfileErrors(type: AdditionalDataBlock, xml: string): string[] {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(`not well-formed: ${msg}`)) }).parseFromString(xml, 'text/xml');
  if (errors.length) return errors;
  const ns = ADDITIONAL_DATA_NAMESPACE[type];
  const root = doc.documentElement as unknown as Element | null;
  if (!root || root.namespaceURI !== ns || root.localName !== `EmergencyCallData.${type}`) return [`root element is not {${ns}}EmergencyCallData.${type}`];
  const allowed = new Set([ns, ...(type === 'SubscriberInfo' || type === 'ProviderInfo' ? [VCARD_NAMESPACE] : [])]);
  const walk = (el: Element, path: string): void => {
    const here = `${path}/${el.localName}`;
    if (!allowed.has(el.namespaceURI ?? '')) errors.push(`${here}: element in namespace "${el.namespaceURI ?? ''}" has no schema here, so the lax wildcards would accept it unchecked`);
    if (el.namespaceURI === VCARD_NAMESPACE && el.localName === 'vcard') errors.push(...xcardErrors(el, here));
    for (const c of childElements(el)) walk(c, here);
  };
  walk(root, '');
  const own = (name: string): Element[] => childElements(root).filter((c) => c.namespaceURI === ns && c.localName === name);
  const ref = tokenValue(own('DataProviderReference')[0]);
  if (!MSG_ID.test(ref)) errors.push(`DataProviderReference "${ref}" is not an RFC 5322 msg-id without brackets (RFC 7852 §4)`);
  const registry = (name: string, values: string[], where: string, read: (el: Element) => string = tokenValue): void => {
    for (const el of own(name)) {
      const v = read(el);
      if (!values.includes(v)) errors.push(`${name} "${v}" is not in the registry (RFC 7852 ${where})`);
    }
  };
  if (type === 'DeviceInfo') {
    registry('DeviceClassification', DEVICE_CLASSES, '§4.3.1 Figure 8');
    registry('UniqueDeviceID', DEVICE_ID_TYPES, '§4.3.4 Figure 9', (el) => el.getAttribute('TypeOfDeviceID') ?? '');
  }
  if (type === 'ProviderInfo') {
    registry('TypeOfProvider', PROVIDER_TYPES, '§4.1.4 Figure 2');
    registry('ProviderIDSeries', PROVIDER_ID_SERIES, '§4.1.3 Figure 1');
  }
  return errors;
}

function withProfile(type: AdditionalDataBlock, xml: string, schema: ValidationResult): ValidationResult {
  // Profile checks only on a schema-valid block: they would only repeat the schema's complaints.
  if (!schema.ok) return schema;
  const errors = additionalDataProfileErrors(type, xml);
  return { ok: errors.length === 0, errors };
}

/** Validates one RFC 7852 block against its §8 schema (and Appendix A for xCard), then the checks above. */
export function validateAdditionalData(type: AdditionalDataBlock, xml: string): ValidationResult {
  return withProfile(type, xml, validateAgainst(xml, ADDITIONAL_DATA_SCHEMA[type]));
}

/** validateAdditionalData for many blocks: one xmllint run per block type; for property tests. */
export function validateAdditionalDataMany(blocks: ReadonlyArray<{ type: AdditionalDataBlock; xml: string }>): ValidationResult[] {
  const out: ValidationResult[] = new Array<ValidationResult>(blocks.length);
  for (const type of Object.keys(ADDITIONAL_DATA_SCHEMA) as AdditionalDataBlock[]) {
    const idx = blocks.flatMap((b, i) => (b.type === type ? [i] : []));
    const results = validateAgainstMany(idx.map((i) => (blocks[i] as { xml: string }).xml), ADDITIONAL_DATA_SCHEMA[type]);
    idx.forEach((i, k) => (out[i] = withProfile(type, (blocks[i] as { xml: string }).xml, results[k] as ValidationResult)));
  }
  return out;
}

/**
 * Throws (with every error and the numbered document) unless `xml` is a valid RFC 7852 block of
 * `type`. For e2e tests: pass a body part the emergency edge received, typed by its Content-Type.
 */
export function expectAdditionalDataValid(type: AdditionalDataBlock, xml: string, label = `EmergencyCallData.${type}`): void {
  const { ok, errors } = validateAdditionalData(type, xml);
  if (!ok) throw new Error(`${label} is not valid against the RFC 7852 schemas:\n  ${errors.join('\n  ')}\n${numbered(xml)}`);
}
