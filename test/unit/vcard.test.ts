import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkContact, type ContactInput } from '../../src/contacts';
import { parseVcards, readVcard, splitVcards, toVcards } from '../../src/vcard';

const fixture = (name: string): string => readFileSync(join(__dirname, '../fixtures/vcard', name), 'utf8');
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
const card = (...lines: string[]): string => ['BEGIN:VCARD', ...lines, 'END:VCARD'].join('\r\n') + '\r\n';
const only = (text: string): ContactInput => {
  const r = parseVcards(text);
  expect(r.errors).toEqual([]);
  expect(r.contacts).toHaveLength(1);
  return r.contacts[0] as ContactInput;
};

describe('parseVcards: real exports', () => {
  it.each([['LF'], ['CRLF']])('Google Contacts (vCard 3.0, %s)', (ends) => {
    const text = ends === 'CRLF' ? crlf(fixture('google-contacts.vcf')) : fixture('google-contacts.vcf');
    expect(parseVcards(text)).toEqual({
      contacts: [
        {
          name: 'Zoë Ñúñez',
          organization: "Société d'Exemple, SA",
          numbers: [
            { label: 'mobile', number: '+33 6 12 34 56 78' },
            { label: 'work', number: '01 23 45 67 89' },
          ],
          email: 'zoe.nunez@example.com',
          note: 'Rencontrée à Lyon, salon 2024\nAppeler le matin',
        },
        {
          name: "Bob O'Brien",
          organization: null,
          numbers: [
            { label: 'home', number: '+44 20 7946 0958' },
            { label: 'other', number: '+44 7700 900123' },
            { label: 'other', number: '1000' },
          ],
          email: null,
          note: null,
        },
      ],
      // Google exports a contact with only an email with an empty FN and N.
      errors: [{ index: 2, message: 'the card has no name (FN, N or ORG)' }],
    });
  });

  it('Apple Contacts (vCard 3.0: item groups, PHOTO, pref, IMPP, a company card)', () => {
    expect(parseVcards(fixture('apple-contacts.vcf'))).toEqual({
      contacts: [
        {
          name: 'Johnny Appleseed',
          organization: 'Example Fruit Inc., Engineering',
          numbers: [
            // type=pref first.
            { label: 'mobile', number: '+1 (408) 555-0100' },
            { label: 'work', number: '(408) 555-0199' },
            { label: 'other', number: '+1 408 555 0123' },
            // The SIP address; not the xmpp: one.
            { label: 'work', number: 'johnny@sip.example.com' },
          ],
          email: 'johnny@example.com',
          note: 'Keys are under the mat; the code is on the fridge.',
        },
        { name: 'Acme Plumbing', organization: 'Acme Plumbing', numbers: [{ label: 'other', number: '+33 9 70 00 00 00' }], email: null, note: null },
      ],
      errors: [],
    });
  });

  it('Outlook (vCard 2.1: bare types, quoted-printable with soft breaks, UTF-8 and Windows-1252)', () => {
    expect(parseVcards(fixture('outlook-2.1.vcf'))).toEqual({
      contacts: [
        {
          name: 'Hélène Dupont',
          organization: 'Entreprise Exemple SARL',
          numbers: [
            { label: 'work', number: '+33 1 40 00 00 00' },
            { label: 'mobile', number: '06 98 76 54 32' },
            // WORK;FAX: not a line to call.
            { label: 'other', number: '+33 1 40 00 00 01' },
          ],
          email: 'helene.dupont@example.fr',
          note: 'Appeler après 14h\nPréfère le portable, pas le fixe',
        },
        { name: 'Jürgen Müller', organization: null, numbers: [{ label: 'home', number: '+49 30 123456' }], email: null, note: null },
        { name: 'Zoë Ñúñez', organization: null, numbers: [{ label: 'mobile', number: '+33612345678' }], email: null, note: null },
      ],
      errors: [],
    });
  });
});

describe('parseVcards: the format', () => {
  it('vCard 4.0: N when there is no FN, tel: URIs, quoted TYPE lists, PREF', () => {
    const c = only(
      card(
        'VERSION:4.0',
        'N:Doe;John;Quincy;Dr.;Jr.',
        'TEL;VALUE=uri;TYPE=voice:tel:+1-555-555-0000',
        'TEL;VALUE=uri;TYPE="voice,cell";PREF=1:tel:+1-555-555-5555;ext=5555',
        'TEL;VALUE=uri;TYPE=home:sip:john@example.com',
        'EMAIL;PREF=2:second@example.com',
        'EMAIL;PREF=1:first@example.com',
      ),
    );
    expect(c).toEqual({
      name: 'Dr. John Quincy Doe Jr.',
      organization: null,
      numbers: [
        { label: 'mobile', number: '+1-555-555-5555' },
        { label: 'other', number: '+1-555-555-0000' },
        { label: 'home', number: 'john@example.com' },
      ],
      email: 'first@example.com',
      note: null,
    });
  });

  it('unfolds lines (space or tab) and unescapes commas, semicolons, backslashes and newlines', () => {
    const c = only(card('VERSION:3.0', 'FN:Acme\\, Inc.\\; the one with a very long name that', '\t goes on', 'NOTE:a\\\\b\\nc\\Nd'));
    expect(c.name).toBe('Acme, Inc.; the one with a very long name that goes on');
    expect(c.note).toBe('a\\b\nc\nd');
  });

  it('reads several cards, text between them and a byte order mark aside', () => {
    const text = '\uFEFFsome header\r\n' + card('VERSION:3.0', 'FN:A') + 'junk between\r\n' + card('VERSION:4.0', 'FN:B');
    expect(parseVcards(text).contacts.map((c) => c.name)).toEqual(['A', 'B']);
  });

  it('a bad card costs only itself, reported by its index', () => {
    const text = [
      card('VERSION:3.0', 'FN:Good one'),
      card('VERSION:3.0', 'TEL:123'),
      // Parameters it cannot use are dropped, not fatal.
      card('VERSION:3.0', 'FN;=x;LANGUAGE=fr;TYPE=a b;PREF=high;X-Y="q:z":Odd params', 'TEL;VALUE=date-time:1'),
      card('VERSION:3.0', 'FN;TYPE="unterminated:Also good'),
      card('VERSION:3.0', 'FN:Also good'),
      'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut short\r\n',
    ].join('');
    const r = parseVcards(text);
    expect(r.contacts.map((c) => c.name)).toEqual(['Good one', 'Odd params', 'Also good']);
    expect(r.contacts[1]?.numbers).toEqual([{ label: 'other', number: '1' }]);
    expect(r.errors.map((e) => e.index)).toEqual([1, 3, 5]);
    expect(r.errors[0]?.message).toMatch(/no name/);
    // A line it cannot cut into name and value (an unterminated quote) is left out: here the only FN.
    expect(r.errors[1]?.message).toMatch(/no name/);
    expect(r.errors[2]?.message).toMatch(/no END:VCARD/);
  });

  it('leaves out what it does not keep, and lines it cannot read', () => {
    const c = only(
      card(
        'VERSION:3.0',
        'FN:Kept',
        'BDAY:not-a-date',
        'ADR;TYPE=home:;;1 rue X;Paris;;75001;France',
        'X-SOMETHING;weird="param:value";:whatever',
        'a line with no colon',
        'IMPP:xmpp:kept@example.org',
        'X-SIP:desk@pbx.example.com',
        'TEL:   ',
        'TEL:---',
        'EMAIL:not an email',
      ),
    );
    expect(c).toEqual({ name: 'Kept', organization: null, numbers: [{ label: 'other', number: 'desk@pbx.example.com' }], email: null, note: null });
  });

  it('skips a card nested in another (vCard 2.1 AGENT)', () => {
    const text = card('VERSION:2.1', 'FN:Boss', 'AGENT:', 'BEGIN:VCARD', 'VERSION:2.1', 'FN:Assistant', 'TEL:1', 'END:VCARD', 'TEL:2');
    expect(parseVcards(text)).toEqual({ contacts: [{ name: 'Boss', organization: null, numbers: [{ label: 'other', number: '2' }], email: null, note: null }], errors: [] });
  });

  it('keeps at most 8 numbers (preferred first), each once', () => {
    const tels = Array.from({ length: 12 }, (_, i) => `TEL:+33 1 00 00 00 ${String(i).padStart(2, '0')}`);
    const c = only(card('VERSION:3.0', 'FN:Many', ...tels, 'TEL:+33100000000', 'TEL;TYPE=pref:+33 1 00 00 00 11'));
    expect(c.numbers).toHaveLength(8);
    expect(c.numbers[0]?.number).toBe('+33 1 00 00 00 11');
    expect(c.numbers.filter((n) => n.number.replace(/ /g, '') === '+33100000000')).toHaveLength(1);
  });

  it('gives the card UID and each number TYPE values to whoever wants them', () => {
    const [lines] = splitVcards(card('VERSION:3.0', 'UID:urn:uuid:1234', 'FN:A', 'TEL;TYPE=WORK,FAX:1', 'TEL;TYPE=cell;TYPE=pref:2'));
    const r = readVcard(lines as string[]);
    expect(r.uid).toBe('urn:uuid:1234');
    expect(r.numberTypes).toEqual([['cell', 'pref'], ['work', 'fax']]);
  });
});

describe('parseVcards: hostile files', () => {
  it('a huge card: the photo is dropped unread, the name and note are cut to their limits', () => {
    const photo = 'PHOTO;ENCODING=b;TYPE=JPEG:' + 'A'.repeat(2_000_000);
    const c = only(card('VERSION:3.0', `FN:${'N'.repeat(10_000)}`, photo, `NOTE:${'n'.repeat(1_000_000)}`, `TEL:${'1'.repeat(300)}`, 'TEL:2'));
    expect(c.name).toHaveLength(256);
    expect(c.note).toHaveLength(4096);
    expect(c.numbers).toEqual([{ label: 'other', number: '2' }]);
  });

  it('control characters and bidi overrides become spaces; a note keeps its lines', () => {
    const c = only(card('VERSION:3.0', 'FN:Zo\u0000ë\u202E Ñ\u0007', 'NOTE:a\\nb\tc\u0001d', 'TEL:+33\u00001'));
    expect(checkContact(c).ok).toBe(true);
    expect(c.name).toBe('Zo ë  Ñ');
    expect(c.note).toBe('a\nb\tc d');
    expect(c.numbers[0]?.number).toBe('+33 1');
  });

  it('binary data: no card, one error, nothing thrown', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919 + 13) % 256);
    const text = new TextDecoder('latin1').decode(bytes);
    expect(parseVcards(text)).toEqual({ contacts: [], errors: [{ index: 0, message: expect.stringMatching(/no vCard/) }] });
    // Binary inside a card.
    const r = parseVcards(card('VERSION:3.0', `FN:${text.slice(0, 200).replace(/[\r\n]/g, '')}`));
    expect(r.contacts.length + r.errors.length).toBe(1);
    for (const contact of r.contacts) expect(checkContact(contact).ok).toBe(true);
  });

  it('an empty file, or one with only BEGIN lines', () => {
    expect(parseVcards('')).toMatchObject({ contacts: [], errors: [{ index: 0 }] });
    expect(parseVcards('BEGIN:VCARD\nBEGIN:VCARD\n').errors[0]?.message).toMatch(/no END:VCARD/);
  });

  it('reads 10 000 cards (timing printed, not asserted)', () => {
    const text = Array.from({ length: 10_000 }, (_, i) => card('VERSION:3.0', `FN:Person ${i}`, `N:${i};Person;;;`, `TEL;TYPE=CELL:+33 6 ${String(i).padStart(8, '0')}`, `EMAIL:p${i}@example.com`)).join('');
    const t = performance.now();
    const r = parseVcards(text);
    console.log(`parseVcards of 10 000 cards (${(text.length / 1e6).toFixed(1)} MB): ${(performance.now() - t).toFixed(0)} ms`);
    expect(r.contacts).toHaveLength(10_000);
    expect(r.errors).toEqual([]);
  });
});

describe('toVcards', () => {
  const zoe: ContactInput = {
    name: 'Zoë Ñúñez; "the boss"',
    organization: 'Acme, Inc.; Sales \\ Support',
    numbers: [
      { label: 'mobile', number: '+33 6 12 34 56 78' },
      { label: 'work', number: '1000' },
      { label: 'home', number: 'zoe@sip.example.com' },
      { label: 'other', number: '123,,456' },
    ],
    email: 'zoe@example.com',
    note: 'Line one, with a comma; and a semicolon\nLine two 😀 '.repeat(5).trim(),
  };

  it('writes vCard 3.0 with CRLF, N, escapes, and folds at 75 octets without splitting a character', () => {
    const text = toVcards([zoe]);
    const lines = text.split('\r\n');
    expect(lines.slice(0, 5)).toEqual(['BEGIN:VCARD', 'VERSION:3.0', 'FN:Zoë Ñúñez\\; "the boss"', 'N:;Zoë Ñúñez\\; "the boss";;;', 'ORG:Acme\\, Inc.\\; Sales \\\\ Support']);
    expect(lines).toContain('TEL;TYPE=CELL,VOICE:+33 6 12 34 56 78');
    expect(lines).toContain('TEL;TYPE=WORK,VOICE:1000');
    expect(lines).toContain('IMPP;TYPE=home:sip:zoe@sip.example.com');
    expect(lines).toContain('EMAIL;TYPE=INTERNET:zoe@example.com');
    expect(text.endsWith('END:VCARD\r\n')).toBe(true);
    expect(text).not.toMatch(/[^\r]\n/);
    for (const line of lines) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(76);
    expect(text).not.toContain('\uFFFD');
  });

  it('round-trips: what it writes reads back the same', () => {
    expect(parseVcards(toVcards([zoe, { ...zoe, name: 'Second' }]))).toEqual({ contacts: [zoe, { ...zoe, name: 'Second' }], errors: [] });
  });

  it('round-trips any valid contact (property test)', () => {
    const text = (max: number) => fc.string({ unit: 'grapheme', maxLength: max });
    const number = fc.oneof(
      fc.stringMatching(/^\+?[0-9][0-9 ().*#-]{0,20}$/),
      fc.stringMatching(/^[a-z0-9._-]{1,12}$/),
      fc.stringMatching(/^[a-z0-9._-]{1,12}@[a-z0-9.-]{1,20}$/),
    );
    const contact = fc.record({
      name: text(40),
      organization: fc.option(text(40)),
      numbers: fc.array(fc.record({ label: fc.constantFrom('work', 'mobile', 'home', 'other'), number }), { maxLength: 8 }),
      email: fc.option(fc.stringMatching(/^[a-z0-9._+-]{1,10}@[a-z0-9.-]{1,10}$/)),
      note: fc.option(fc.string({ unit: 'grapheme', maxLength: 200 })),
    });
    fc.assert(
      fc.property(contact, (raw) => {
        const checked = checkContact(raw);
        fc.pre(checked.ok);
        if (!checked.ok) return;
        const c = checked.value;
        const r = parseVcards(toVcards([c]));
        expect(r).toEqual({ contacts: [c], errors: [] });
      }),
      { numRuns: 300 },
    );
  });
});
