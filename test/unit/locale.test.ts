import { describe, expect, it } from 'vitest';
import { electronLocale } from '../../main/host/locale';
import { decideHomeCountry } from '../../src/emergency/home-country';

describe('the Electron OS locale', () => {
  it('gains the OS region when getLocale() gives the language alone, so the home country is right', () => {
    expect(electronLocale('fr', 'BE')).toBe('fr-BE');
    expect(decideHomeCountry({ systemLocale: electronLocale('de', 'AT') })).toBe('AT');
    expect(electronLocale('en-GB', 'US')).toBe('en-GB');
    expect(electronLocale('fr', '')).toBe('fr');
  });
});
