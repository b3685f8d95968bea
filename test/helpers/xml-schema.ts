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

function validateFiles(files: string[], xmls: readonly string[]): ValidationResult[] {
  const { status, stderr } = xmllint(files);
  // Lines name their file; parser context lines (source excerpt, caret) follow the line naming it.
  // Lines before any file's (a schema that failed to load) concern every document.
  const global: string[] = [];
  const byFile = new Map<string, string[]>(files.map((f) => [f, []]));
  let current: string | null = null;
  for (const line of stderr.split('\n')) {
    if (!line.trim()) continue;
    const f = files.find((name) => line.startsWith(`${name}:`) || line === `${name} validates` || line === `${name} fails to validate`);
    if (f) current = f;
    (current ? byFile.get(current) : global)?.push(line);
  }
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
