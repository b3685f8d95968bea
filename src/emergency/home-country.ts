/**
 * The home country: whose emergency numbers are dialled at home, and the default for a new
 * address. The one place it is decided; the host computes it once per state and everyone else
 * reads `EmergencySettings.homeCountry`.
 */

/** When nothing else tells (no address, no administrator, no region in the OS locale). */
export const FALLBACK_HOME_COUNTRY = 'FR';

export interface HomeCountrySignals {
  /** The registered emergency address's country: where the phone is said to be. */
  addressCountry?: string | null;
  /** The administrator's `emergency.homeCountry`. */
  provisioned?: string | null;
  /** The OS locale, e.g. `fr-FR` or `en_US.UTF-8`. */
  systemLocale?: string | null;
}

export function decideHomeCountry(s: HomeCountrySignals): string {
  const region = /[-_]([A-Za-z]{2})\b/.exec(s.systemLocale ?? '')?.[1];
  const found = [s.addressCountry, s.provisioned, region].find((c): c is string => typeof c === 'string' && /^[A-Za-z]{2}$/.test(c));
  return (found ?? FALLBACK_HOME_COUNTRY).toUpperCase();
}
