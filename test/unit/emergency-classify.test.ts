import { describe, expect, it } from 'vitest';
import { EmergencyCatalogue } from '../../src/emergency/catalogue';
import { classifyDial, type DialContext } from '../../src/emergency/classify';

const catalogue = new EmergencyCatalogue();
const FR: DialContext = { homeCountry: 'FR' };

describe('French seed numbers', () => {
  const seed: Array<[string, RegExp, string | undefined]> = [
    ['15', /SAMU/, 'urn:service:sos.ambulance'],
    ['17', /Police-Secours/, 'urn:service:sos.police'],
    ['18', /Pompiers/, 'urn:service:sos.fire'],
    ['112', /européen/, 'urn:service:sos'],
    ['114', /sourdes/, undefined],
    ['115', /Samu social/, undefined],
    ['116 000', /enfants disparus/, undefined],
    ['116 117', /Médecins de garde/, undefined],
    ['119', /Enfance maltraitée/, 'urn:service:counseling.children'],
    ['191', /aéronautique/, undefined],
    ['196', /Secours en mer/, 'urn:service:sos.marine'],
    ['197', /attentat/, undefined],
  ];
  it.each(seed)('%s is an emergency number', (typed, name, urn) => {
    const c = classifyDial(typed, FR, catalogue);
    expect(c.emergency).toBe(true);
    if (c.emergency) {
      expect(c.entry.service.fr).toMatch(name);
      expect(c.entry.service.en.length).toBeGreaterThan(3);
      expect(c.urn).toBe(urn);
      expect(c.dialString).toBe(typed.replace(/\s/g, ''));
      expect(c.country).toBe('FR');
    }
  });
  it('lists all twelve for France', () => {
    const numbers = catalogue.list('FR').map((e) => e.number);
    for (const n of ['15', '17', '18', '112', '114', '115', '116000', '116117', '119', '191', '196', '197']) expect(numbers).toContain(n);
  });
  it('114 carries a note about text', () => {
    const c = classifyDial('114', FR, catalogue);
    expect(c.emergency && c.entry.note?.en).toMatch(/SMS/);
  });
});

describe('other countries', () => {
  const cases: Array<[string, string]> = [
    ['US', '911'], ['CA', '911'], ['GB', '999'], ['GB', '112'], ['DE', '110'], ['DE', '112'], ['AU', '000'], ['NZ', '111'],
    ['JP', '110'], ['JP', '119'], ['CH', '117'], ['CH', '144'], ['BE', '101'], ['IT', '113'], ['ES', '112'], ['IN', '100'],
    ['CN', '120'], ['BR', '190'], ['MX', '911'], ['KR', '119'], ['ZA', '10111'], ['RU', '112'], ['IE', '999'], ['PL', '112'],
    ['GP', '112'], ['MQ', '112'], ['RE', '15'], ['GF', '18'],
  ];
  it.each(cases)('%s %s', (country, number) => {
    expect(classifyDial(number, { homeCountry: country }, catalogue).emergency).toBe(true);
  });
  it('933 is the US test line', () => {
    const c = classifyDial('933', { homeCountry: 'US' }, catalogue);
    expect(c.emergency && c.entry.test).toBe(true);
    expect(c.emergency && c.urn).toBe('urn:service:test.sos');
  });
});

describe('network country', () => {
  it("recognises the visited country's numbers", () => {
    const c = classifyDial('911', { homeCountry: 'FR', networkCountry: 'US' }, catalogue);
    expect(c.emergency && c.country).toBe('US');
    expect(c.emergency && c.matchedAs).toBe('network');
  });
  it('prefers the home country for shared numbers', () => {
    const c = classifyDial('112', { homeCountry: 'FR', networkCountry: 'DE' }, catalogue);
    expect(c.emergency && c.matchedAs).toBe('home');
  });
  it('does not know 911 in France without a US network', () => {
    expect(classifyDial('911', FR, catalogue).emergency).toBe(false);
  });
});

describe('forms', () => {
  it('handles spaces, dots and dashes', () => {
    expect(classifyDial('1 1 2', FR, catalogue).emergency).toBe(true);
    expect(classifyDial('116.000', FR, catalogue).emergency).toBe(true);
    expect(classifyDial('116-117', FR, catalogue).emergency).toBe(true);
  });
  it('handles +CC forms', () => {
    const c = classifyDial('+33 112', { homeCountry: 'US' }, catalogue);
    expect(c.emergency && c.country).toBe('FR');
    expect(c.emergency && c.dialString).toBe('112');
    expect(classifyDial('+33 17', FR, catalogue).emergency).toBe(true);
    expect(classifyDial('+1 911', FR, catalogue).emergency).toBe(true);
    expect(classifyDial('+44 999', FR, catalogue).emergency).toBe(true);
    expect(classifyDial('+33 1 23 45 67 89', FR, catalogue).emergency).toBe(false);
  });
  it('handles an outside-line prefix (Kari\'s law)', () => {
    const us9: DialContext = { homeCountry: 'US', outsideLinePrefix: '9' };
    expect(classifyDial('911', us9, catalogue)).toMatchObject({ emergency: true, dialString: '911' });
    expect(classifyDial('9911', us9, catalogue)).toMatchObject({ emergency: true, dialString: '911' });
    const fr0: DialContext = { homeCountry: 'FR', outsideLinePrefix: '0' };
    expect(classifyDial('0112', fr0, catalogue)).toMatchObject({ emergency: true, dialString: '112' });
    expect(classifyDial('015', fr0, catalogue)).toMatchObject({ emergency: true, dialString: '15' });
    expect(classifyDial('112', fr0, catalogue)).toMatchObject({ emergency: true, dialString: '112' });
  });
});

describe('look-alikes are not emergency numbers', () => {
  it.each(['1120', '11', '1', '1712345678', '0112', '01 23 45 67 89', '116', '116 00', '1160000', '+33', '9911', '33112', 'abc', '', '15a', '*17'])(
    '%s in FR',
    (typed) => {
      expect(classifyDial(typed, FR, catalogue).emergency).toBe(false);
    },
  );
  it('911 with prefix 9 is not 9911 without one', () => {
    expect(classifyDial('9911', { homeCountry: 'US' }, catalogue).emergency).toBe(false);
  });
});

describe('provisioned overrides', () => {
  it('adds a number and overrides a name', () => {
    const custom = new EmergencyCatalogue([
      { country: 'FR', number: '3333', service: { en: 'Site security', fr: 'Sécurité du site' } },
      { country: 'FR', number: '17', service: { en: 'Police (custom)', fr: 'Police (perso)' }, urn: 'urn:service:sos.police' },
    ]);
    expect(classifyDial('3333', FR, custom)).toMatchObject({ emergency: true, entry: { source: 'provisioning' } });
    const c = classifyDial('17', FR, custom);
    expect(c.emergency && c.entry.service.en).toBe('Police (custom)');
  });
});
