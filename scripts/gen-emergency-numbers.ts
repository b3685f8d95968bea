/**
 * Generates src/emergency/data/emergency-numbers.json from the AOSP emergency number database
 * (data/aosp-eccdata/eccdata.txt, protobuf text format; provenance in PROVENANCE.md beside it).
 *
 * Run:  node --import tsx scripts/gen-emergency-numbers.ts
 *
 * The output keeps the source's facts only (numbers, types, routing, fallback); what they mean
 * (service names, RFC 5031 URNs) is decided in src/emergency/catalogue.ts, the one place for
 * emergency rules. Output is deterministic: same input, same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const SOURCE = {
  name: 'Android Open Source Project emergency number database (eccdata)',
  project: 'platform/packages/services/Telephony',
  path: 'ecc/input/eccdata.txt',
  mirror: 'https://github.com/GrapheneOS/platform_packages_services_Telephony',
  commit: '6927a4263493d1eeff05d64c3127a2617032a708',
  licence: 'Apache-2.0',
} as const;

export const INPUT = 'data/aosp-eccdata/eccdata.txt';
export const OUTPUT = 'src/emergency/data/emergency-numbers.json';
export const COMMAND = 'node --import tsx scripts/gen-emergency-numbers.ts';

/** Canonical order, as in the source's enum, so output does not depend on how a file lists them. */
export const ECC_TYPES = ['POLICE', 'AMBULANCE', 'FIRE', 'MARINE_GUARD', 'MOUNTAIN_RESCUE', 'TYPE_UNSPECIFIED'] as const;
export type EccType = (typeof ECC_TYPES)[number];
const ROUTINGS = ['EMERGENCY', 'NORMAL'] as const;

export interface Ecc {
  number: string;
  types: EccType[];
  routing?: (typeof ROUTINGS)[number];
}

export interface EccCountry {
  fallback?: string;
  eccs: Ecc[];
}

// ---- protobuf text format: just what eccdata.txt uses (messages, strings, enums, integers, # comments)

type Value = string | number | Message;
interface Message {
  fields: Array<{ name: string; value: Value; line: number }>;
}

function parseTextProto(text: string): Message {
  const tokens: Array<{ t: string; line: number; str?: boolean }> = [];
  let line = 1;
  for (let i = 0; i < text.length; ) {
    const c = text[i] as string;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '{' || c === '}' || c === ':') {
      tokens.push({ t: c, line });
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0 || text.slice(i + 1, end).includes('\n')) throw new Error(`line ${line}: unterminated string`);
      if (text.slice(i + 1, end).includes('\\')) throw new Error(`line ${line}: escapes are not expected in eccdata`);
      tokens.push({ t: text.slice(i + 1, end), line, str: true });
      i = end + 1;
    } else {
      const m = /^[A-Za-z0-9_.+-]+/.exec(text.slice(i, i + 64));
      if (!m) throw new Error(`line ${line}: unexpected character ${JSON.stringify(c)}`);
      tokens.push({ t: m[0], line });
      i += m[0].length;
    }
  }
  let p = 0;
  const parseMessage = (closing: boolean): Message => {
    const msg: Message = { fields: [] };
    for (;;) {
      const tok = tokens[p];
      if (!tok) {
        if (closing) throw new Error('unexpected end of file: missing }');
        return msg;
      }
      if (tok.t === '}' && !tok.str) {
        if (!closing) throw new Error(`line ${tok.line}: unmatched }`);
        p++;
        return msg;
      }
      if (tok.str || !/^[a-z_][a-z0-9_]*$/.test(tok.t)) throw new Error(`line ${tok.line}: expected a field name, got ${JSON.stringify(tok.t)}`);
      p++;
      const next = tokens[p];
      if (next?.t === ':' && !next.str) p++;
      const v = tokens[p];
      if (!v) throw new Error(`line ${tok.line}: ${tok.t} has no value`);
      if (v.t === '{' && !v.str) {
        p++;
        msg.fields.push({ name: tok.t, value: parseMessage(true), line: tok.line });
      } else if (v.str) {
        p++;
        msg.fields.push({ name: tok.t, value: v.t, line: v.line });
      } else if (/^-?[0-9]+$/.test(v.t)) {
        p++;
        msg.fields.push({ name: tok.t, value: Number(v.t), line: v.line });
      } else if (/^[A-Z_][A-Z0-9_]*$/.test(v.t)) {
        p++;
        msg.fields.push({ name: tok.t, value: v.t, line: v.line }); // an enum constant
      } else throw new Error(`line ${v.line}: bad value ${JSON.stringify(v.t)} for ${tok.t}`);
    }
  };
  return parseMessage(false);
}

// ---- eccdata schema: unknown fields fail loudly, so a format change is noticed, not half-read

function only(msg: Message, allowed: string[], where: string): void {
  for (const f of msg.fields) if (!allowed.includes(f.name)) throw new Error(`line ${f.line}: unknown field ${f.name} in ${where}`);
}

function single(msg: Message, name: string, where: string, required: boolean): Value | undefined {
  const found = msg.fields.filter((f) => f.name === name);
  if (found.length > 1) throw new Error(`line ${found[1]?.line}: ${name} repeated in ${where}`);
  if (required && found.length === 0) throw new Error(`${where}: ${name} missing`);
  return found[0]?.value;
}

function digits(v: Value | undefined, what: string): string {
  if (typeof v !== 'string' || !/^[0-9]{1,15}$/.test(v)) throw new Error(`${what}: expected a quoted string of digits, got ${JSON.stringify(v)}`);
  return v;
}

export function parseEccData(text: string): { revision: number; countries: Map<string, EccCountry> } {
  const root = parseTextProto(text);
  only(root, ['revision', 'countries'], 'the file');
  const revision = single(root, 'revision', 'the file', true);
  if (typeof revision !== 'number') throw new Error('revision must be a number');
  const countries = new Map<string, EccCountry>();
  for (const f of root.fields) {
    if (f.name !== 'countries') continue;
    if (typeof f.value !== 'object') throw new Error(`line ${f.line}: countries must be a message`);
    const c = f.value;
    only(c, ['iso_code', 'eccs', 'ecc_fallback'], `countries (line ${f.line})`);
    const iso = single(c, 'iso_code', `countries (line ${f.line})`, true);
    if (typeof iso !== 'string' || !/^[A-Z]{2}$/.test(iso)) throw new Error(`line ${f.line}: bad iso_code ${JSON.stringify(iso)}`);
    if (countries.has(iso)) throw new Error(`line ${f.line}: ${iso} listed twice`);
    const where = `${iso} (line ${f.line})`;
    const fallbackValue = single(c, 'ecc_fallback', where, false);
    const country: EccCountry = { eccs: [] };
    if (fallbackValue !== undefined) country.fallback = digits(fallbackValue, `${where} ecc_fallback`);
    for (const e of c.fields) {
      if (e.name !== 'eccs') continue;
      if (typeof e.value !== 'object') throw new Error(`line ${e.line}: eccs must be a message`);
      const m = e.value;
      const at = `${iso} eccs (line ${e.line})`;
      only(m, ['phone_number', 'types', 'routing'], at);
      const number = digits(single(m, 'phone_number', at, true), `${at} phone_number`);
      if (country.eccs.some((x) => x.number === number)) throw new Error(`${at}: ${iso} ${number} listed twice`);
      const types = new Set<EccType>();
      for (const t of m.fields) {
        if (t.name !== 'types') continue;
        if (typeof t.value !== 'string' || !(ECC_TYPES as readonly string[]).includes(t.value)) throw new Error(`line ${t.line}: unknown type ${String(t.value)}`);
        types.add(t.value as EccType);
      }
      if (types.size === 0) throw new Error(`${at}: no types`);
      const ecc: Ecc = { number, types: ECC_TYPES.filter((t) => types.has(t)) };
      const routing = single(m, 'routing', at, false);
      if (routing !== undefined) {
        if (typeof routing !== 'string' || !(ROUTINGS as readonly string[]).includes(routing)) throw new Error(`${at}: unknown routing ${String(routing)}`);
        ecc.routing = routing as Ecc['routing'];
      }
      country.eccs.push(ecc);
    }
    countries.set(iso, country);
  }
  return { revision, countries };
}

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The JSON file's exact text for a given eccdata.txt text: pure, so a test can check the file is current. */
export function generateEmergencyNumbers(sourceText: string): string {
  const { revision, countries } = parseEccData(sourceText);
  const header = {
    ...SOURCE,
    revision,
    input: INPUT,
    sha256: createHash('sha256').update(sourceText).digest('hex'),
    generator: COMMAND,
    note: 'Generated: do not edit. Meanings (names, URNs) are in src/emergency/catalogue.ts.',
  };
  // One line per country: compact, and a data update shows as a per-country diff.
  const lines = [...countries.keys()].sort(byCode).map((iso) => {
    const c = countries.get(iso) as EccCountry;
    const eccs = [...c.eccs].sort((a, b) => a.number.length - b.number.length || byCode(a.number, b.number));
    const body = c.fallback === undefined ? { eccs } : { fallback: c.fallback, eccs };
    return `${JSON.stringify(iso)}:${JSON.stringify(body)}`;
  });
  return `{"header":${JSON.stringify(header)},\n"countries":{\n${lines.join(',\n')}\n}}\n`;
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const source = readFileSync(join(root, INPUT), 'utf8');
  const provenance = readFileSync(join(root, dirname(INPUT), 'PROVENANCE.md'), 'utf8');
  // The commit named in the output must be the one the provenance vouches for.
  if (!provenance.includes(SOURCE.commit)) throw new Error(`${dirname(INPUT)}/PROVENANCE.md does not name commit ${SOURCE.commit}`);
  const out = generateEmergencyNumbers(source);
  writeFileSync(join(root, OUTPUT), out);
  const { countries } = parseEccData(source);
  const numbers = [...countries.values()].reduce((n, c) => n + c.eccs.length, 0);
  console.log(`${OUTPUT}: ${countries.size} countries, ${numbers} numbers, ${out.length} bytes`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
