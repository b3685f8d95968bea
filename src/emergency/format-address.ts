/**
 * The registered address as people of its country write it (@fragaria/address-formatter), with
 * the dispatch details (building, floor, unit, room) that a responder needs on a line of their own.
 */
import addressFormatter from '@fragaria/address-formatter';
import type { CivicAddress } from './civic-address';

export interface DetailLabels {
  building: string;
  floor: string;
  unit: string;
  room: string;
}

export const DETAIL_LABELS: Record<'en' | 'fr', DetailLabels> = {
  en: { building: 'Building', floor: 'Floor', unit: 'Suite', room: 'Room' },
  fr: { building: 'Bâtiment', floor: 'Étage', unit: 'Lot', room: 'Salle' },
};

/** The country's name in the UI language (Intl.DisplayNames), or the code if unknown. */
export function countryName(code: string, lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

const join = (...parts: Array<string | undefined>): string =>
  parts
    .map((p) => p?.trim())
    .filter(Boolean)
    .join(' ');

export function formatAddressLines(a: CivicAddress, lang: 'en' | 'fr'): string[] {
  const labels = DETAIL_LABELS[lang];
  const lines: string[] = [];
  if (a.NAM?.trim()) lines.push(a.NAM.trim());
  const details = [
    a.BLD?.trim() && `${labels.building} ${a.BLD.trim()}`,
    a.FLR?.trim() && `${labels.floor} ${a.FLR.trim()}`,
    a.UNIT?.trim() && `${labels.unit} ${a.UNIT.trim()}`,
    a.ROOM?.trim() && `${labels.room} ${a.ROOM.trim()}`,
  ].filter(Boolean) as string[];
  if (details.length) lines.push(details.join(', '));
  const postal = addressFormatter.format(
    {
      houseNumber: join(a.HNO, a.HNS) || undefined,
      road: join(a.PRD, a.RD, a.STS, a.POD) || undefined,
      postcode: a.PC?.trim() || undefined,
      city: a.A3?.trim() || undefined,
      suburb: a.A4?.trim() || undefined,
      county: a.A2?.trim() || undefined,
      state: a.A1?.trim() || undefined,
      countryCode: a.country.toUpperCase(),
    },
    { output: 'array', appendCountry: false },
  ) as string[];
  lines.push(...postal.map((l) => l.trim()).filter(Boolean));
  // The country in the UI language, not the formatter's English name.
  lines.push(countryName(a.country, lang));
  if (a.LOC?.trim()) lines.push(a.LOC.trim());
  return lines;
}
