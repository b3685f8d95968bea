import { describe, expect, it } from 'vitest';
import { postcodeValidator } from 'postcode-validator';
import {
  isCountryCode,
  isDispatchable,
  maxLength,
  postcodeExample,
  requiredFields,
  validateCivicAddress,
} from '../../src/emergency/address-validation';
import type { CivicAddress } from '../../src/emergency/civic-address';
import type { Checked, FieldError } from '../../src/result';

function errorsOf(r: Checked<CivicAddress>): FieldError[] {
  if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.value)}`);
  return r.errors;
}

function valueOf(r: Checked<CivicAddress>): CivicAddress {
  if (!r.ok) throw new Error(`expected a value, got ${JSON.stringify(r.errors)}`);
  return r.value;
}

/** [field, code] pairs, for compact assertions. */
const codes = (r: Checked<CivicAddress>): Array<[string, string]> => errorsOf(r).map((e) => [e.field, e.code]);

const VALID: Record<string, CivicAddress> = {
  FR: { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris' },
  US: { country: 'US', HNO: '1600', RD: 'Amphitheatre Pkwy', A3: 'Mountain View', A1: 'CA', PC: '94043-1351' },
  GB: { country: 'GB', HNO: '10', RD: 'Downing Street', A3: 'London', PC: 'SW1A 2AA' },
  DE: { country: 'DE', RD: 'Unter den Linden', HNO: '77', PC: '10117', A3: 'Berlin' },
  CH: { country: 'CH', RD: 'Bahnhofstrasse', HNO: '1', PC: '8001', A3: 'Zürich' },
  BE: { country: 'BE', RD: 'Rue de la Loi', HNO: '16', PC: '1000', A3: 'Bruxelles' },
  CA: { country: 'CA', HNO: '111', RD: 'Wellington St', A3: 'Ottawa', A1: 'ON', PC: 'K1A 0A9' },
  HK: { country: 'HK', RD: 'Queensway', HNO: '88', A3: 'Admiralty' },
  AE: { country: 'AE', RD: 'Sheikh Mohammed bin Rashid Blvd', BLD: 'Burj Khalifa', A3: 'Dubai' },
};

describe('validateCivicAddress: valid addresses', () => {
  for (const [cc, address] of Object.entries(VALID)) {
    it(`accepts a complete ${cc} address unchanged`, () => {
      expect(valueOf(validateCivicAddress(address))).toEqual(address);
    });
  }

  it('accepts a lower-case country and upper-cases it', () => {
    expect(valueOf(validateCivicAddress({ ...VALID.FR, country: ' fr ' })).country).toBe('FR');
  });

  it('accepts the US ZIP without +4 and the CA postal code without a space or in lower case', () => {
    expect(validateCivicAddress({ ...VALID.US, PC: '94043' }).ok).toBe(true);
    expect(validateCivicAddress({ ...VALID.CA, PC: 'K1A0A9' }).ok).toBe(true);
    expect(valueOf(validateCivicAddress({ ...VALID.CA, PC: 'k1a 0a9' })).PC).toBe('k1a 0a9');
  });

  it('accepts a GB address with a building name instead of a house number', () => {
    const { HNO: _, ...rest } = VALID.GB as CivicAddress;
    expect(validateCivicAddress({ ...rest, BLD: 'Whitehall Court' }).ok).toBe(true);
  });

  it('accepts an IE address without an Eircode, and checks one if given', () => {
    const ie = { country: 'IE', HNO: '1', RD: "St Stephen's Green", A3: 'Dublin' };
    expect(validateCivicAddress(ie).ok).toBe(true);
    expect(validateCivicAddress({ ...ie, PC: 'D02 AF30' }).ok).toBe(true);
    expect(codes(validateCivicAddress({ ...ie, PC: '12345' }))).toEqual([['PC', 'postcodeInvalid']]);
  });

  it('keeps a postal code given where there are none (HK), without checking it', () => {
    expect(valueOf(validateCivicAddress({ ...VALID.HK, PC: '999077' })).PC).toBe('999077');
  });

  it('returns the fields in RFC 5139 schema order', () => {
    const v = valueOf(validateCivicAddress({ ROOM: '301', PC: '75002', A3: 'Paris', HNO: '10', RD: 'Rue de la Paix', country: 'fr', FLR: '3' }));
    expect(Object.keys(v)).toEqual(['country', 'A3', 'RD', 'HNO', 'FLR', 'PC', 'ROOM']);
  });
});

describe('validateCivicAddress: required fields', () => {
  it('FR needs street, house number, postal code and city', () => {
    expect(codes(validateCivicAddress({ country: 'FR' }))).toEqual([
      ['A3', 'required'],
      ['RD', 'required'],
      ['HNO', 'required'],
      ['PC', 'required'],
    ]);
  });

  it('US and CA also need the state or province', () => {
    const { A1: _us, ...us } = VALID.US as CivicAddress;
    const usErr = errorsOf(validateCivicAddress(us));
    expect(usErr).toEqual([{ field: 'A1', code: 'required', message: 'Enter the state.' }]);
    const { A1: _ca, ...ca } = VALID.CA as CivicAddress;
    expect(errorsOf(validateCivicAddress(ca))).toEqual([{ field: 'A1', code: 'required', message: 'Enter the province or territory.' }]);
  });

  it('GB needs a house number or a building name', () => {
    const { HNO: _, ...rest } = VALID.GB as CivicAddress;
    expect(errorsOf(validateCivicAddress(rest))).toEqual([
      { field: 'HNO', code: 'houseNumberOrBuilding', message: 'Enter the house number or the building name.' },
    ]);
  });

  for (const cc of ['DE', 'CH', 'BE']) {
    it(`${cc} needs a house number and a postal code`, () => {
      const { HNO: _h, PC: _p, ...rest } = VALID[cc] as CivicAddress;
      expect(codes(validateCivicAddress(rest))).toEqual([
        ['HNO', 'required'],
        ['PC', 'required'],
      ]);
    });
  }

  it('HK and AE need only street and city', () => {
    expect(codes(validateCivicAddress({ country: 'HK' }))).toEqual([
      ['A3', 'required'],
      ['RD', 'required'],
    ]);
    expect(validateCivicAddress({ country: 'AE', RD: 'Al Wasl Road', A3: 'Dubai' }).ok).toBe(true);
  });

  it('a field that is only spaces counts as missing', () => {
    expect(codes(validateCivicAddress({ ...VALID.DE, RD: '   ' }))).toEqual([['RD', 'required']]);
  });

  it('requiredFields lists them in schema order', () => {
    expect(requiredFields('FR')).toEqual(['country', 'A3', 'RD', 'HNO', 'PC']);
    expect(requiredFields('us')).toEqual(['country', 'A1', 'A3', 'RD', 'HNO', 'PC']);
    expect(requiredFields('CA')).toEqual(['country', 'A1', 'A3', 'RD', 'HNO', 'PC']);
    expect(requiredFields('GB')).toEqual(['country', 'A3', 'RD', 'PC']);
    expect(requiredFields('IE')).toEqual(['country', 'A3', 'RD']);
    expect(requiredFields('HK')).toEqual(['country', 'A3', 'RD']);
    expect(requiredFields('AE')).toEqual(['country', 'A3', 'RD']);
    expect(requiredFields('XX')).toEqual(['country', 'A3', 'RD']);
  });
});

describe('validateCivicAddress: postal codes', () => {
  const bad: Array<[string, string, string]> = [
    ['FR', '7500', '75002'],
    ['FR', 'ABCDE', '75002'],
    ['US', '9404', '94043 or 94043-1351'],
    ['US', '94043-13', '94043 or 94043-1351'],
    ['GB', '12345', 'SW1A 1AA'],
    ['DE', '1011', '10115'],
    ['CH', '80001', '8001'],
    ['BE', '10000', '1000'],
    ['CA', '12345', 'K1A 0B1'],
  ];
  for (const [cc, pc, example] of bad) {
    it(`${cc} refuses "${pc}" and shows ${example}`, () => {
      const errors = errorsOf(validateCivicAddress({ ...VALID[cc], PC: pc }));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ field: 'PC', code: 'postcodeInvalid' });
      expect(errors[0]?.message).toContain(`Example: ${example}.`);
    });
  }

  it('names the country in the message', () => {
    expect(errorsOf(validateCivicAddress({ ...VALID.FR, PC: '7500' }))[0]?.message).toBe('This is not a valid postal code for France. Example: 75002.');
  });

  it('falls back to a message without an example', () => {
    const errors = errorsOf(validateCivicAddress({ country: 'JP', RD: 'Chiyoda', A3: 'Tokyo', PC: '1000001' }));
    expect(errors).toEqual([{ field: 'PC', code: 'postcodeInvalid', message: 'This is not a valid postal code for Japan.' }]);
  });

  it('every example in the table is itself valid', () => {
    for (const cc of ['FR', 'GB', 'DE', 'CH', 'BE', 'CA', 'IT', 'ES', 'NL', 'AT', 'IE', 'LU', 'PT']) {
      const example = postcodeExample(cc);
      expect(example, cc).toBeDefined();
      expect(postcodeValidator(example as string, cc), cc).toBe(true);
    }
    for (const us of (postcodeExample('US') as string).split(' or ')) expect(postcodeValidator(us, 'US')).toBe(true);
  });
});

describe('validateCivicAddress: country', () => {
  for (const code of ['XX', 'EU', 'fr1', 'UN', 'ZZ', 'QO', 'UK', 'FX', 'AN', 'F', 'FRA', '12']) {
    it(`refuses "${code}"`, () => {
      const errors = errorsOf(validateCivicAddress({ ...VALID.FR, country: code }));
      expect(errors).toEqual([{ field: 'country', code: 'countryInvalid', message: `"${code}" is not a country code. Choose the country from the list.` }]);
    });
  }

  it('an empty or missing country is required', () => {
    expect(codes(validateCivicAddress({ ...VALID.FR, country: '' }))).toEqual([['country', 'required']]);
    const { country: _, ...rest } = VALID.FR as CivicAddress;
    expect(errorsOf(validateCivicAddress(rest))).toEqual([{ field: 'country', code: 'required', message: 'Choose the country.' }]);
  });

  it('still asks for street and city when the country is wrong', () => {
    expect(codes(validateCivicAddress({ country: 'EU' }))).toEqual([
      ['country', 'countryInvalid'],
      ['A3', 'required'],
      ['RD', 'required'],
    ]);
  });

  it('isCountryCode keeps Kosovo and real countries, refuses groupings and old codes', () => {
    for (const c of ['FR', 'US', 'GB', 'HK', 'AE', 'XK', 'CW', 'RS']) expect(isCountryCode(c), c).toBe(true);
    for (const c of ['EU', 'EZ', 'UN', 'ZZ', 'QO', 'XA', 'XB', 'AC', 'IC', 'EA', 'UK', 'YU', 'CS', 'SU', 'DD', 'fr', 'XX', '']) expect(isCountryCode(c), c).toBe(false);
  });

  it('Kosovo is accepted', () => {
    expect(validateCivicAddress({ country: 'XK', RD: 'Bulevardi Nënë Tereza', A3: 'Prishtinë', PC: '10000' }).ok).toBe(true);
  });
});

describe('validateCivicAddress: text rules', () => {
  it('refuses non-text values', () => {
    expect(codes(validateCivicAddress({ ...VALID.FR, HNO: 10, FLR: ['3'], country: 33 }))).toEqual([
      ['country', 'notText'],
      ['HNO', 'notText'],
      ['FLR', 'notText'],
    ]);
    expect(errorsOf(validateCivicAddress({ ...VALID.FR, HNO: 10 }))[0]?.message).toBe('This must be text.');
  });

  it('treats null and undefined as missing', () => {
    expect(valueOf(validateCivicAddress({ ...VALID.FR, FLR: null, ROOM: undefined }))).toEqual(VALID.FR);
  });

  it('refuses a non-object', () => {
    for (const input of [null, undefined, 'Paris', 42, [VALID.FR]]) {
      expect(errorsOf(validateCivicAddress(input))).toEqual([{ field: 'address', code: 'notObject', message: 'The address must be an object of civic address fields.' }]);
    }
  });

  it('trims values, drops empty ones and unknown keys', () => {
    const input = JSON.parse(
      '{"country":"fr","RD":"  Rue de la Paix ","HNO":" 10","PC":"75002 ","A3":"\\tParis\\n","FLR":"","ROOM":"   ","street":"x","__proto__":{"polluted":true},"constructor":"y","rd":"lower"}',
    ) as unknown;
    const v = valueOf(validateCivicAddress(input));
    expect(v).toEqual(VALID.FR);
    expect(Object.keys(v)).toEqual(['country', 'A3', 'RD', 'HNO', 'PC']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses fields over 100 characters, and LOC and NAM over 200', () => {
    expect(maxLength('RD')).toBe(100);
    expect(maxLength('LOC')).toBe(200);
    expect(maxLength('NAM')).toBe(200);
    expect(validateCivicAddress({ ...VALID.FR, RD: 'a'.repeat(100), LOC: 'b'.repeat(200), NAM: 'c'.repeat(200) }).ok).toBe(true);
    expect(errorsOf(validateCivicAddress({ ...VALID.FR, RD: 'a'.repeat(101), LOC: 'b'.repeat(201), NAM: 'c'.repeat(201), ROOM: 'd'.repeat(101) }))).toEqual([
      { field: 'RD', code: 'tooLong', message: 'Use at most 100 characters.' },
      { field: 'LOC', code: 'tooLong', message: 'Use at most 200 characters.' },
      { field: 'NAM', code: 'tooLong', message: 'Use at most 200 characters.' },
      { field: 'ROOM', code: 'tooLong', message: 'Use at most 100 characters.' },
    ]);
  });

  it('counts characters, not UTF-16 code units (100 emoji fit)', () => {
    expect(validateCivicAddress({ ...VALID.FR, LMK: '🚑'.repeat(100) }).ok).toBe(true);
    expect(codes(validateCivicAddress({ ...VALID.FR, LMK: '🚑'.repeat(101) }))).toEqual([['LMK', 'tooLong']]);
  });

  const controls: Array<[string, string]> = [
    ['NUL', 'Rue\u0000de la Paix'],
    ['BEL', 'Rue\u0007de la Paix'],
    ['line feed inside', 'Rue de la Paix\nPriority: normal'],
    ['CR/LF inside', 'Rue\r\nde la Paix'],
    ['tab inside', 'Rue\tde la Paix'],
    ['ESC', 'Rue \u001B[31mde la Paix'],
    ['DEL', 'Rue\u007Fde la Paix'],
    ['C1 (NEL)', 'Rue\u0085de la Paix'],
  ];
  for (const [name, text] of controls) {
    it(`refuses control characters: ${name}`, () => {
      expect(errorsOf(validateCivicAddress({ ...VALID.FR, RD: text }))).toEqual([
        { field: 'RD', code: 'controlChars', message: 'This must not contain line breaks, tabs or other control characters.' },
      ]);
    });
  }

  it('accepts hostile but printable text exactly as typed', () => {
    const hostile = {
      NAM: '<script>alert(1)</script>',
      LOC: 'A & B "quoted" \'single\' </ca:RD><ca:RD>evil ]]>',
      RD: 'רחוב הרצל',
      A3: 'תל אביב-יפו',
      LMK: 'Bureau 🚑🔥 👨‍👩‍👧',
      BLD: 'مبنى ١',
    };
    const v = valueOf(validateCivicAddress({ country: 'IL', HNO: '1', PC: '6100000', ...hostile }));
    expect(v).toMatchObject(hostile);
  });
});

describe('isDispatchable', () => {
  it('needs a street, a city and a house number or building', () => {
    expect(isDispatchable(VALID.FR as CivicAddress)).toBe(true);
    expect(isDispatchable({ country: 'GB', RD: 'Whitehall', BLD: 'Old Admiralty Building', A3: 'London' })).toBe(true);
    expect(isDispatchable({ ...(VALID.FR as CivicAddress), FLR: '3', UNIT: 'B', ROOM: '301' })).toBe(true);
  });

  it('is false when the street, the city or both number and building are missing', () => {
    expect(isDispatchable({ country: 'FR', A3: 'Paris', HNO: '10' })).toBe(false);
    expect(isDispatchable({ country: 'FR', RD: 'Rue de la Paix', HNO: '10' })).toBe(false);
    expect(isDispatchable({ country: 'FR', RD: 'Rue de la Paix', A3: 'Paris' })).toBe(false);
    expect(isDispatchable({ country: 'FR', RD: 'Rue de la Paix', A3: 'Paris', HNO: '  ', BLD: '' })).toBe(false);
    expect(isDispatchable({ country: 'FR', RD: 'Rue de la Paix', A3: 'Paris', FLR: '3', ROOM: '301' })).toBe(false);
  });

  it('a valid address may still not be dispatchable where no house number is required (AE)', () => {
    const ae = { country: 'AE', RD: 'Al Wasl Road', A3: 'Dubai' };
    expect(validateCivicAddress(ae).ok).toBe(true);
    expect(isDispatchable(ae)).toBe(false);
  });
});
