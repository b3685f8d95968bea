import { describe, expect, it } from 'vitest';
import { countryName, formatAddressLines } from '../../src/emergency/format-address';

describe('formatAddressLines', () => {
  it('writes a French address the French way, dispatch details on their own line', () => {
    expect(formatAddressLines({ country: 'FR', NAM: 'ACME SA', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris', BLD: 'B', FLR: '3', ROOM: '301' }, 'fr')).toEqual([
      'ACME SA',
      'Bâtiment B, Étage 3, Salle 301',
      '10 Rue de la Paix',
      '75002 Paris',
      'France',
    ]);
  });
  it('writes a US address the US way, with the country named in the UI language', () => {
    expect(formatAddressLines({ country: 'US', HNO: '1600', RD: 'Amphitheatre', STS: 'Parkway', PC: '94043', A3: 'Mountain View', A1: 'CA', FLR: '2' }, 'fr')).toEqual([
      'Étage 2',
      '1600 Amphitheatre Parkway',
      'Mountain View, CA 94043',
      'États-Unis',
    ]);
  });
  it('writes German and British addresses their way', () => {
    expect(formatAddressLines({ country: 'DE', HNO: '1', RD: 'Unter den Linden', PC: '10117', A3: 'Berlin' }, 'en')).toEqual(['Unter den Linden 1', '10117 Berlin', 'Germany']);
    expect(formatAddressLines({ country: 'GB', HNO: '10', RD: 'Downing Street', PC: 'SW1A 2AA', A3: 'London' }, 'en')).toEqual([
      '10 Downing Street',
      'London',
      'SW1A 2AA',
      'United Kingdom',
    ]);
  });
  it('keeps hostile text as text (escaping is the writer\'s job)', () => {
    const lines = formatAddressLines({ country: 'FR', RD: '<b>Rue</b> & "x"', A3: 'Paris', LOC: 'שלום 🚑' }, 'en');
    expect(lines).toContain('שלום 🚑');
    expect(lines.join('\n')).toContain('<b>Rue</b> & "x"');
  });
  it('names countries with Intl.DisplayNames', () => {
    expect(countryName('DE', 'fr')).toBe('Allemagne');
    expect(countryName('DE', 'en')).toBe('Germany');
  });
});
