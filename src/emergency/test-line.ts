/**
 * The test line that "Test my emergency setup" calls. A real emergency number is never one: the
 * check runs against every country whose numbers the phone would dial (home and network) and the
 * administrator's own numbers, both where the setting is read and where the call is placed.
 */
import type { EmergencyCatalogue, EmergencyNumber } from './catalogue';

export type TestLineCheck = { ok: true } | { ok: false; country: string; entry: EmergencyNumber };

export function checkTestLine(number: string, countries: ReadonlyArray<string | null | undefined>, catalogue: EmergencyCatalogue): TestLineCheck {
  for (const country of new Set(countries.filter((c): c is string => Boolean(c)).map((c) => c.toUpperCase()))) {
    const entry = catalogue.lookup(country, number);
    if (entry && !entry.test) return { ok: false, country, entry };
  }
  return { ok: true };
}

/**
 * The provisioned test line when it is safe in every country that counts, else the catalogue's own
 * test line for the home country (US 933), else none.
 */
export function chooseTestLine(provisioned: string | null | undefined, countries: ReadonlyArray<string | null | undefined>, home: string, catalogue: EmergencyCatalogue): string | null {
  if (provisioned) return checkTestLine(provisioned, countries, catalogue).ok ? provisioned : null;
  return catalogue.list(home).find((e) => e.test)?.number ?? null;
}
