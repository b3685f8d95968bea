/**
 * Generates src/emergency/data/libphonenumber.json from google-libphonenumber (Apache-2.0): for each
 * region its country calling code and its short-number emergency pattern, which is all the
 * emergency catalogue reads of the library.
 *
 * Run:  node --import tsx scripts/gen-libphonenumber-data.ts
 *
 * Why a file and not the library at run time: the library is 570 KiB of JavaScript whose first
 * evaluation takes about 300 ms of the page's start, on the way to registering. The patterns are
 * the library's own (`ShortNumberInfo` metadata); `isEmergencyNumber` is a full match of one of
 * them against the digits (the library's `matchesEmergencyNumberHelper_` without prefix matching),
 * and a unit test checks the two agree for every region. Output is deterministic.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import libphonenumber from 'google-libphonenumber';

export const OUTPUT = 'src/emergency/data/libphonenumber.json';
export const COMMAND = 'node --import tsx scripts/gen-libphonenumber-data.ts';

type ShortInfoInternals = {
  getMetadataForRegion_(region: string): { getEmergency(): { getNationalNumberPattern(): string | undefined } | null | undefined } | null | undefined;
};

export function libphonenumberVersion(): string {
  const require = createRequire(import.meta.url);
  return (JSON.parse(readFileSync(require.resolve('google-libphonenumber/package.json'), 'utf8')) as { version: string }).version;
}

/** The JSON file's exact text for the installed google-libphonenumber: pure, so a test can check the file is current. */
export function generateLibphonenumberData(): string {
  const { PhoneNumberUtil, ShortNumberInfo } = libphonenumber;
  const util = PhoneNumberUtil.getInstance();
  const short = ShortNumberInfo.getInstance() as unknown as ShortInfoInternals;
  const regions = [...util.getSupportedRegions()].sort();
  const header = {
    name: 'google-libphonenumber',
    version: libphonenumberVersion(),
    licence: 'Apache-2.0',
    generator: COMMAND,
    note: 'Generated: do not edit. regions: [country calling code, emergency number pattern or null]; callingCodes: regions in the library order.',
  };
  const lines = regions.map((r) => {
    const pattern = short.getMetadataForRegion_(r)?.getEmergency()?.getNationalNumberPattern() ?? null;
    return `${JSON.stringify(r)}:${JSON.stringify([util.getCountryCodeForRegion(r), pattern])}`;
  });
  // The library's own order: the main region of a shared code first (+1: US, then the others).
  const codes = [...new Set(regions.map((r) => util.getCountryCodeForRegion(r)))].sort((a, b) => a - b);
  const byCode = codes.map((c) => `${JSON.stringify(String(c))}:${JSON.stringify((util as unknown as { getRegionCodesForCountryCode(c: number): string[] }).getRegionCodesForCountryCode(c).filter((r) => r !== 'ZZ'))}`);
  return `{"header":${JSON.stringify(header)},\n"regions":{\n${lines.join(',\n')}\n},\n"callingCodes":{\n${byCode.join(',\n')}\n}}\n`;
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const out = generateLibphonenumberData();
  writeFileSync(join(root, OUTPUT), out);
  console.log(`${OUTPUT}: ${out.length} bytes`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
