/**
 * Dial classification, run on every key press: is what the user typed an emergency number, whose,
 * and what to dial. Handles spaces and dots, `+CC` forms and an outside-line prefix (Kari's law:
 * with prefix 9, both 911 and 9911 reach emergency services).
 */
import { normaliseDigits } from '../dial';
import type { EmergencyCatalogue, EmergencyNumber } from './catalogue';

export interface DialContext {
  /** Country of the registered emergency address (ISO alpha-2). */
  homeCountry: string;
  /** Country of the network the phone is on, when known. */
  networkCountry?: string | null;
  /** Digit(s) dialled to reach an outside line, e.g. "0" or "9"; '' for none. */
  outsideLinePrefix?: string;
}

export type Classification =
  | { emergency: false }
  | {
      emergency: true;
      entry: EmergencyNumber;
      /** The country whose number it is. */
      country: string;
      /** Whether it matched the home country's list or the network country's. */
      matchedAs: 'home' | 'network' | 'explicit';
      /** The string to dial at the gateway: the bare emergency number, prefix and +CC removed. */
      dialString: string;
      urn: string | undefined;
    };

const NOT_EMERGENCY: Classification = { emergency: false };

export function classifyDial(input: string, ctx: DialContext, catalogue: EmergencyCatalogue): Classification {
  if (input.length > 64) return NOT_EMERGENCY;
  const digits = normaliseDigits(input);
  if (!/^\+?[0-9]{2,16}$/.test(digits)) return NOT_EMERGENCY;

  if (digits.startsWith('+')) return classifyInternational(digits.slice(1), ctx, catalogue);

  const countries = contextCountries(ctx);
  const candidates = [digits];
  const prefix = ctx.outsideLinePrefix ?? '';
  if (prefix && digits.startsWith(prefix) && digits.length > prefix.length) candidates.push(digits.slice(prefix.length));
  for (const candidate of candidates) {
    for (const { country, matchedAs } of countries) {
      const entry = catalogue.lookup(country, candidate);
      if (entry) return found(entry, matchedAs);
    }
  }
  return NOT_EMERGENCY;
}

/** `+33 112`: the number belongs to the country whose calling code prefixes it. */
function classifyInternational(rest: string, ctx: DialContext, catalogue: EmergencyCatalogue): Classification {
  const preferred = contextCountries(ctx).map((c) => c.country);
  for (let len = 1; len <= 3 && len < rest.length; len++) {
    const code = Number(rest.slice(0, len));
    const regions = catalogue.regionsForCallingCode(code);
    if (regions.length === 0) continue;
    const local = rest.slice(len);
    // Prefer the home or network country where it shares the code (+1 is US, CA, …).
    const ordered = [...regions].sort((a, b) => rank(preferred, a) - rank(preferred, b));
    for (const region of ordered) {
      const entry = catalogue.lookup(region, local);
      if (entry) return found(entry, 'explicit');
    }
    return NOT_EMERGENCY;
  }
  return NOT_EMERGENCY;
}

function rank(preferred: string[], region: string): number {
  const i = preferred.indexOf(region);
  return i < 0 ? preferred.length : i;
}

function contextCountries(ctx: DialContext): Array<{ country: string; matchedAs: 'home' | 'network' }> {
  const list: Array<{ country: string; matchedAs: 'home' | 'network' }> = [];
  if (ctx.homeCountry) list.push({ country: ctx.homeCountry.toUpperCase(), matchedAs: 'home' });
  const net = ctx.networkCountry?.toUpperCase();
  if (net && net !== ctx.homeCountry.toUpperCase()) list.push({ country: net, matchedAs: 'network' });
  return list;
}

function found(entry: EmergencyNumber, matchedAs: 'home' | 'network' | 'explicit'): Classification {
  return { emergency: true, entry, country: entry.country, matchedAs, dialString: entry.number, urn: entry.urn };
}
