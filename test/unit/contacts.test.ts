import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTACTS_FILE, ContactStore } from '../../main/host/contacts';
import { checkContact, findByNumber, foldText, normaliseNumber, searchContacts, type Contact, type ContactInput } from '../../src/contacts';
import { parseVcards, toVcards } from '../../src/vcard';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'softphone-contacts-'));

function input(name: string, numbers: string[] = [], more: Partial<ContactInput> = {}): ContactInput {
  return { name, organization: null, numbers: numbers.map((number) => ({ label: 'work' as const, number })), email: null, note: null, ...more };
}

let seq = 0;
function contact(name: string, numbers: string[] = [], more: Partial<Contact> = {}): Contact {
  return { id: `c${++seq}`, updatedAt: '2025-01-01T00:00:00.000Z', ...input(name, numbers), ...more };
}

const names = (cs: readonly Contact[]): string[] => cs.map((c) => c.name);
const stored = (dir: string): { version: number; contacts: Contact[] } => JSON.parse(readFileSync(join(dir, CONTACTS_FILE), 'utf8'));

describe('checkContact', () => {
  it('trims, nulls empty optional fields, drops blank and repeated number rows', () => {
    const r = checkContact({
      name: '  Zoë Ñúñez ',
      organization: '',
      numbers: [
        { label: 'mobile', number: ' +33 6 12 34 56 78 ' },
        { label: 'work', number: '' },
        { label: 'home', number: '+33612345678' },
        { label: 'other', number: 'alice@Example.com' },
      ],
      email: ' zoe@example.com ',
      note: 'line 1\r\nline 2\tend',
    });
    expect(r).toEqual({
      ok: true,
      value: {
        name: 'Zoë Ñúñez',
        organization: null,
        numbers: [
          { label: 'mobile', number: '+33 6 12 34 56 78' },
          { label: 'other', number: 'alice@Example.com' },
        ],
        email: 'zoe@example.com',
        note: 'line 1\nline 2\tend',
      },
    });
  });

  it('keeps the id of a contact being edited', () => {
    expect(checkContact({ ...input('A'), id: 'abc' })).toMatchObject({ ok: true, value: { id: 'abc' } });
  });

  it.each([
    ['no name', { name: '  ' }, [['name', 'required']]],
    ['a name too long', { name: 'x'.repeat(257) }, [['name', 'tooLong']]],
    ['a line break in the name', { name: 'A\nB' }, [['name', 'controlChars']]],
    ['a bidi override in the name', { name: 'A\u202Egnp.exe' }, [['name', 'controlChars']]],
    ['a name that is not text', { name: 42 }, [['name', 'notText']]],
    ['a NUL in the organization', { name: 'A', organization: 'x\u0000' }, [['organization', 'controlChars']]],
    ['a bad email', { name: 'A', email: 'not an email' }, [['email', 'emailInvalid']]],
    ['a note too long', { name: 'A', note: 'n'.repeat(4097) }, [['note', 'tooLong']]],
    ['a bell in the note', { name: 'A', note: 'ding\u0007' }, [['note', 'controlChars']]],
    ['numbers not a list', { name: 'A', numbers: 'x' }, [['numbers', 'notList']]],
    ['nine numbers', { name: 'A', numbers: Array.from({ length: 9 }, (_, i) => ({ label: 'work', number: `10${i}` })) }, [['numbers', 'tooManyNumbers']]],
    ['a bad label', { name: 'A', numbers: [{ label: 'fax', number: '1' }] }, [['numbers[0].label', 'labelInvalid']]],
    ['a number of separators only', { name: 'A', numbers: [{ label: 'work', number: '--' }] }, [['numbers[0].number', 'numberInvalid']]],
    ['a number too long', { name: 'A', numbers: [{ label: 'work', number: '1'.repeat(257) }] }, [['numbers[0].number', 'tooLong']]],
    ['a tab in a number', { name: 'A', numbers: [{ label: 'work', number: '1\t2' }] }, [['numbers[0].number', 'controlChars']]],
    ['not a contact', null, [['contact', 'notContact']]],
  ])('refuses %s with a field error', (_what, raw, expected) => {
    const r = checkContact(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => [e.field, e.code])).toEqual(expected);
  });

  it('accepts a name of exactly 256 characters and 8 numbers', () => {
    const r = checkContact({ name: 'x'.repeat(256), numbers: Array.from({ length: 8 }, (_, i) => ({ label: 'home', number: `20${i}` })) });
    expect(r.ok).toBe(true);
  });
});

describe('normaliseNumber', () => {
  it.each([
    ['+33 (0)1 23-45.67/89', '+33123456789'],
    ['01 23 45 67 89', '0123456789'],
    ['(408) 555‑0199', '4085550199'],
    ['*31# 0612', '*31#0612'],
    ['+1 555 555 5555 x123', '+15555555555'],
    ['sip:Alice@Example.COM:5060;transport=tls', 'Alice@example.com'],
    ['<sips:1000@PBX.example.com>', '1000@pbx.example.com'],
    ['tel:+33-1-23-45-67-89;phone-context=example.com', '+33123456789'],
    ['sip:%2B33123456789@gw.example.com', '+33123456789@gw.example.com'],
    ['0 1 2 3@Example.com', '0123@example.com'],
    ['alice', 'alice'],
    ['  1000 ', '1000'],
  ])('%s → %s', (raw, norm) => {
    expect(normaliseNumber(raw)).toBe(norm);
  });
});

describe('findByNumber', () => {
  const zoe = contact('Zoë', ['01 23 45 67 89']);
  const bob = contact('Bob', ['+44 20 7946 0958']);
  const desk = contact('Desk', ['1000']);
  const alice = contact('Alice', ['sip:alice@example.com']);
  const gw = contact('Gateway Carl', ['+33 6 99 88 77 66@gw.example.net']);
  const idd = contact('Idd Ida', ['0033 7 11 22 33 44']);
  const list = [zoe, bob, desk, alice, gw, idd];

  it('matches a national number with its international form and back, for the home country', () => {
    expect(findByNumber(list, '+33123456789', 'example.com', 'FR')).toBe(zoe);
    expect(findByNumber(list, 'sip:+33123456789@example.com', 'example.com', 'FR')).toBe(zoe);
    expect(findByNumber(list, '0123456789', 'example.com', 'FR')).toBe(zoe);
    expect(findByNumber(list, '020 7946 0958', 'example.com', 'GB')).toBe(bob);
    expect(findByNumber(list, '00442079460958', 'example.com', 'FR')).toBe(bob);
    expect(findByNumber(list, '+33711223344', 'example.com', 'FR')).toBe(idd);
  });

  it('without a country, matches only what is written the same', () => {
    expect(findByNumber(list, '+33123456789')).toBeNull();
    expect(findByNumber(list, '01.23.45.67.89')).toBe(zoe);
    expect(findByNumber(list, '+442079460958')).toBe(bob);
  });

  it("another country's number is not taken for a national one", () => {
    // In the UK, 01 23 45 67 89 would be +44 1234 56789: not Zoë's French number.
    expect(findByNumber(list, '+33123456789', 'example.com', 'GB')).toBeNull();
    expect(findByNumber([contact('UK', ['01234 567890'])], '+441234567890', 'example.com', 'FR')).toBeNull();
    expect(findByNumber([contact('UK', ['01234 567890'])], '+441234567890', 'example.com', 'GB')?.name).toBe('UK');
  });

  it('matches SIP users at the account domain, and addresses however written', () => {
    expect(findByNumber(list, '1000', 'example.com', 'FR')).toBe(desk);
    expect(findByNumber(list, 'sip:1000@example.com', 'example.com', 'FR')).toBe(desk);
    expect(findByNumber(list, '1000@other.org', 'example.com', 'FR')).toBeNull();
    expect(findByNumber(list, 'alice', 'Example.com', 'FR')).toBe(alice);
    expect(findByNumber(list, 'sip:alice@EXAMPLE.com:5060', 'example.com')).toBe(alice);
    expect(findByNumber(list, 'alice', 'other.org')).toBeNull();
    expect(findByNumber(list, 'Alice', 'example.com')).toBeNull();
  });

  it('an E.164 number is the same whichever gateway it comes through', () => {
    expect(findByNumber(list, '+33699887766', 'example.com', 'FR')).toBe(gw);
    expect(findByNumber(list, '06 99 88 77 66', 'example.com', 'FR')).toBe(gw);
    expect(findByNumber(list, '+442079460958@elsewhere.net', 'example.com', 'FR')).toBe(bob);
  });

  it('short numbers are not stretched into phone numbers', () => {
    const emergency = [contact('Not 112', ['+33112'])];
    expect(findByNumber(emergency, '112', 'example.com', 'FR')).toBeNull();
    expect(findByNumber([contact('Ext', ['+331000'])], '1000', 'example.com', 'FR')).toBeNull();
  });

  it('nothing for an empty number or an empty book; the first contact wins a shared number', () => {
    expect(findByNumber(list, '', 'example.com', 'FR')).toBeNull();
    expect(findByNumber([], '0123456789', 'example.com', 'FR')).toBeNull();
    const twin = contact('Zoé twin', ['+33123456789']);
    expect(findByNumber([zoe, twin], '+33123456789', '', 'FR')).toBe(twin);
    expect(findByNumber([zoe, twin], '0123456789', '', 'FR')).toBe(zoe);
  });

  it('sees a new list (a new array), and ignores an unknown country', () => {
    const first = [zoe];
    expect(findByNumber(first, '+442079460958')).toBeNull();
    expect(findByNumber([...first, bob], '+442079460958')).toBe(bob);
    expect(findByNumber(list, '0123456789', '', 'XX')).toBe(zoe);
    expect(findByNumber(list, '+33123456789', '', 'XX')).toBeNull();
  });
});

describe('searchContacts', () => {
  const zoe = contact('Zoë Ñúñez', ['+33 6 12 34 56 78'], { organization: 'Société Générale' });
  const nuno = contact('Nuno Alves', ['0612000000']);
  const anna = contact('Anna Zoeller', ['+49 30 123456']);
  const obrien = contact("Bob O'Brien", ['1000']);
  const acme = contact('Carl', ['sip:carl@pbx.example.com'], { organization: 'Acme Plumbing' });
  const list = [anna, acme, nuno, obrien, zoe];

  it('finds by the start of the name first, then any word, ignoring case and accents', () => {
    expect(names(searchContacts(list, 'zo'))).toEqual(['Zoë Ñúñez', 'Anna Zoeller']);
    expect(names(searchContacts(list, 'NU'))).toEqual(['Nuno Alves', 'Zoë Ñúñez']);
    expect(names(searchContacts(list, 'zoe nun'))).toEqual(['Zoë Ñúñez']);
    expect(names(searchContacts(list, 'nun zoe'))).toEqual(['Zoë Ñúñez']);
    expect(names(searchContacts(list, 'obrien'))).toEqual([]);
    expect(names(searchContacts(list, "bob o'b"))).toEqual(["Bob O'Brien"]);
    expect(names(searchContacts(list, 'brien'))).toEqual(["Bob O'Brien"]);
  });

  it('finds by a word of the organization, after the names', () => {
    expect(names(searchContacts(list, 'generale'))).toEqual(['Zoë Ñúñez']);
    expect(names(searchContacts(list, 'plumb'))).toEqual(['Carl']);
    expect(names(searchContacts(list, 'c'))).toEqual(['Carl']);
  });

  it('finds numbers by their digits, separators ignored, prefixes first', () => {
    expect(names(searchContacts(list, '0612'))).toEqual(['Nuno Alves']);
    expect(names(searchContacts(list, '06 12', 20, 'FR'))).toEqual(['Nuno Alves', 'Zoë Ñúñez']);
    expect(names(searchContacts(list, '+33 6 12', 20, 'FR'))).toEqual(['Nuno Alves', 'Zoë Ñúñez']);
    expect(names(searchContacts(list, '+33 6 12'))).toEqual(['Zoë Ñúñez']);
    expect(names(searchContacts(list, '3456'))).toEqual(['Anna Zoeller', 'Zoë Ñúñez']);
    expect(names(searchContacts(list, '612'))).toEqual(['Nuno Alves', 'Zoë Ñúñez']);
    expect(names(searchContacts(list, '+49'))).toEqual(['Anna Zoeller']);
    expect(names(searchContacts(list, '100'))).toEqual(["Bob O'Brien"]);
  });

  it('finds SIP addresses by their text', () => {
    expect(names(searchContacts(list, 'carl@'))).toEqual(['Carl']);
    expect(names(searchContacts(list, 'pbx.example'))).toEqual(['Carl']);
  });

  it('nothing for an empty query; at most `limit`', () => {
    expect(searchContacts(list, '  ')).toEqual([]);
    expect(searchContacts(list, 'a', 0)).toEqual([]);
    expect(searchContacts(list, 'a', 2)).toHaveLength(2);
  });

  it('folds accents, ligatures and ß', () => {
    expect(foldText('Œuvre Straße Ærø Łódź')).toBe('oeuvre strasse aero lodz');
    expect(names(searchContacts([contact('Œdipe'), contact('Straßmann')], 'oed'))).toEqual(['Œdipe']);
    expect(names(searchContacts([contact('Œdipe'), contact('Straßmann')], 'strass'))).toEqual(['Straßmann']);
  });

  it('is fast for 10 000 contacts (timing printed, not asserted)', () => {
    const first = ['Zoë', 'Jean', 'Marie', 'Ali', 'Nuno', 'Anna', 'Bob', 'Hélène', 'Jürgen', 'Léa'];
    const last = ['Martin', 'Ñúñez', 'Dupont', 'Müller', 'Smith', "O'Brien", 'García', 'Rossi', 'Nguyen', 'Kowalski'];
    const big = Array.from({ length: 10_000 }, (_, i) =>
      contact(`${first[i % 10]} ${last[Math.floor(i / 10) % 10]} ${i}`, [`+33 6 ${String(i).padStart(8, '0').replace(/(\d\d)(?=\d)/g, '$1 ')}`, `${1000 + i}`], {
        organization: i % 3 === 0 ? `Company ${i % 97}` : null,
      }),
    );
    let t = performance.now();
    expect(searchContacts(big, 'z', 20, 'FR')).toHaveLength(20);
    const indexMs = performance.now() - t;
    const queries = ['z', 'zo', 'zoe', 'zoe n', 'mull', 'comp', '06', '0612', '+33 6 00', '99', 'nobody here'];
    t = performance.now();
    for (let r = 0; r < 10; r++) for (const q of queries) searchContacts(big, q, 20, 'FR');
    const perQuery = (performance.now() - t) / (10 * queries.length);
    t = performance.now();
    const found = findByNumber(big, '0600001234', 'example.com', 'FR');
    const findMs = performance.now() - t;
    expect(found?.name).toBe('Nuno Müller 1234');
    console.log(
      `searchContacts over 10 000 contacts: first call (index) ${indexMs.toFixed(1)} ms, then ${perQuery.toFixed(2)} ms a query; findByNumber ${findMs.toFixed(2)} ms`,
    );
  });
});

describe('ContactStore', () => {
  it('is empty when there is no file, and says nothing', () => {
    const store = new ContactStore(tmp());
    expect(store.list()).toEqual([]);
    expect(store.notices).toEqual([]);
  });

  it('adds, edits and deletes; round-trips through its file (0600), by name', async () => {
    const dir = tmp();
    const store = new ContactStore(dir);
    const z = await store.save(input('Zoë', ['0612345678']));
    const a = await store.save(input('alice', [], { email: 'alice@example.com' }));
    const b = await store.save(input('Bob'));
    expect(z.ok && a.ok && b.ok).toBe(true);
    if (!z.ok || !a.ok || !b.ok) return;
    expect(z.contact).toMatchObject({ name: 'Zoë', numbers: [{ label: 'work', number: '0612345678' }] });
    expect(z.contact.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isFinite(Date.parse(z.contact.updatedAt))).toBe(true);
    expect(names(store.list())).toEqual(['alice', 'Bob', 'Zoë']);
    expect(statSync(join(dir, CONTACTS_FILE)).mode & 0o777).toBe(0o600);
    expect(stored(dir).version).toBe(1);

    const edited = await store.save({ ...input('Aaron', ['1000']), id: z.contact.id });
    expect(edited).toMatchObject({ ok: true, contact: { id: z.contact.id, name: 'Aaron' } });
    expect(names(store.list())).toEqual(['Aaron', 'alice', 'Bob']);
    await store.delete(a.contact.id);
    await store.delete('no-such-id');
    expect(names(store.list())).toEqual(['Aaron', 'Bob']);

    const again = new ContactStore(dir);
    expect(again.list()).toEqual(store.list());
    expect(again.notices).toEqual([]);
  });

  it('returns field errors: an invalid contact, an id that is gone, a full book', async () => {
    const store = new ContactStore(tmp(), { limit: 2 });
    expect(await store.save(input(''))).toMatchObject({ ok: false, errors: [{ field: 'name', code: 'required' }] });
    expect(await store.save({ ...input('A'), id: 'gone' })).toMatchObject({ ok: false, errors: [{ field: 'id', code: 'notFound' }] });
    const a = await store.save(input('A'));
    await store.save(input('B'));
    expect(await store.save(input('C'))).toMatchObject({ ok: false, errors: [{ field: 'contact', code: 'contactsFull' }] });
    // Editing one still works when full.
    if (a.ok) expect(await store.save({ ...input('A2'), id: a.contact.id })).toMatchObject({ ok: true });
  });

  it('hands out copies: changing one does not change the store', async () => {
    const store = new ContactStore(tmp());
    await store.save(input('A', ['1']));
    const [c] = store.list();
    (c as Contact).name = 'changed';
    (c as Contact).numbers.push({ label: 'home', number: '2' });
    expect(store.list()[0]).toMatchObject({ name: 'A', numbers: [{ number: '1' }] });
  });

  it('imports vCards, skipping duplicates (same name and number), unreadable cards and those past the limit', async () => {
    const dir = tmp();
    const store = new ContactStore(dir, { limit: 4 });
    await store.save(input('Zoë Ñúñez', ['+33 6 12 34 56 78']));
    const text = [
      // 0: same name (other case and accents) and number (other spacing): a duplicate.
      'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:zoe nunez\r\nTEL:+33612345678\r\nEND:VCARD',
      // 1: same name, another number: a new contact.
      'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ñúñez\r\nTEL:+33 1 00 00 00 00\r\nEND:VCARD',
      // 2: no name.
      'BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:123\r\nEND:VCARD',
      // 3 and 4: new; 4 repeats 3 within the file.
      'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bob\r\nEND:VCARD',
      'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:bob\r\nEND:VCARD',
      // 5, 6: past the limit.
      'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Carl\r\nEND:VCARD',
      'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Dora\r\nEND:VCARD',
    ].join('\r\n');
    const r = await store.import(text);
    expect(r.imported).toBe(3);
    expect(r.skipped.map((s) => [s.index, s.code])).toEqual([
      [0, 'duplicate'],
      [2, 'invalid'],
      [4, 'duplicate'],
      [6, 'full'],
    ]);
    expect(names(store.list())).toEqual(['Bob', 'Carl', 'Zoë Ñúñez', 'Zoë Ñúñez']);
    expect(names(new ContactStore(dir).list())).toEqual(['Bob', 'Carl', 'Zoë Ñúñez', 'Zoë Ñúñez']);
    // The same file again, with room: only Dora, cut off before, is new.
    expect((await new ContactStore(dir, { limit: 10 }).import(text)).imported).toBe(1);
  });

  it('says so when a file has no vCard at all', async () => {
    const store = new ContactStore(tmp());
    expect(await store.import('\u0000\u0001binary\uFFFD')).toEqual({ imported: 0, skipped: [{ index: 0, code: 'invalid', message: expect.stringMatching(/no vCard/) }] });
  });

  it('exports every contact as vCard 3.0, which imports back the same', async () => {
    const store = new ContactStore(tmp());
    await store.save(input('Zoë Ñúñez', ['+33 6 12 34 56 78', 'zoe@sip.example.com'], { organization: 'Acme, Inc.; Sales', email: 'zoe@example.com', note: 'a;b,c\nd' }));
    await store.save(input('Bob'));
    const text = store.export();
    expect(text).toMatch(/^BEGIN:VCARD\r\nVERSION:3\.0\r\n/);
    const other = new ContactStore(tmp());
    expect(await other.import(text)).toEqual({ imported: 2, skipped: [] });
    const strip = (cs: Contact[]) => cs.map(({ id: _id, updatedAt: _u, ...rest }) => rest);
    expect(strip(other.list())).toEqual(strip(store.list()));
    expect(new ContactStore(tmp()).export()).toBe('');
    expect(parseVcards(toVcards([])).contacts).toEqual([]);
  });

  it('writes atomically: no .tmp left behind, and a leftover garbage .tmp does not matter', async () => {
    const dir = tmp();
    writeFileSync(join(dir, `${CONTACTS_FILE}.tmp`), '{ garbage from a crash', { mode: 0o644 });
    const store = new ContactStore(dir);
    await Promise.all([store.save(input('A')), store.save(input('B')), store.save(input('C'))]);
    expect(readdirSync(dir)).toEqual([CONTACTS_FILE]);
    expect(names(stored(dir).contacts)).toEqual(['A', 'B', 'C']);
  });

  it.each([
    ['not JSON', '{"version":1,"contacts":[{"id":'],
    ['JSON of the wrong shape', '[1, 2, 3]'],
    ['no contacts list', '{"version":1,"contacts":"oops"}'],
    ['an unknown version', '{"version":2,"contacts":[]}'],
  ])('a damaged file (%s) is kept byte for byte, reported, and the store starts empty and works', async (_name, content) => {
    const dir = tmp();
    writeFileSync(join(dir, CONTACTS_FILE), content, { mode: 0o600 });
    const store = new ContactStore(dir);
    expect(store.list()).toEqual([]);
    const backups = readdirSync(dir).filter((f) => /^contacts\.corrupt-.+\.json$/.test(f));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0] as string), 'utf8')).toBe(content);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatchObject({ code: 'contactsRecovered' });
    expect(store.notices[0]?.message).toContain(join(dir, backups[0] as string));
    await store.save(input('A'));
    expect(names(new ContactStore(dir).list())).toEqual(['A']);
  });

  it('keeps the good contacts of a file with some bad ones, with a backup of the original', async () => {
    const dir = tmp();
    const good = contact('Good', ['1000'], { email: 'g@example.com' });
    const content = JSON.stringify({
      version: 1,
      contacts: [
        good,
        { ...contact('No id'), id: '' },
        { ...contact(''), name: '' },
        'not a contact',
        null,
        // Bad optional fields cost only themselves; a bad number only itself; unknown fields are left out.
        { ...contact('Fixable', ['1', '2']), email: 'nope', note: 42, numbers: [{ label: 'work', number: '1' }, { label: 'boat', number: '2' }], extra: 'x' },
        { ...contact('Bad time'), updatedAt: 'yesterday-ish' },
        // The same id twice: the first one stays.
        { ...contact('Twin'), id: good.id },
      ],
    });
    writeFileSync(join(dir, CONTACTS_FILE), content);
    const store = new ContactStore(dir);
    expect(names(store.list())).toEqual(['Bad time', 'Fixable', 'Good']);
    expect(store.list()[1]).toMatchObject({ email: null, note: null, numbers: [{ label: 'work', number: '1' }] });
    expect(Object.keys(store.list()[1] as Contact)).not.toContain('extra');
    expect(store.list()[2]).toEqual(good);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]?.message).toMatch(/5 of 8 contacts could not be read, 2 had fields cleared/);
    const backup = readdirSync(dir).find((f) => f.startsWith('contacts.corrupt-')) as string;
    expect(readFileSync(join(dir, backup), 'utf8')).toBe(content);
    // Rewritten clean: the next start has nothing to report.
    await store.save(input('New'));
    const again = new ContactStore(dir);
    expect(again.notices).toEqual([]);
    expect(names(again.list())).toEqual(['Bad time', 'Fixable', 'Good', 'New']);
  });

  it('a file longer than the limit keeps the first by name, the rest in the backup', () => {
    const dir = tmp();
    writeFileSync(join(dir, CONTACTS_FILE), JSON.stringify({ version: 1, contacts: ['C', 'A', 'B'].map((n) => contact(n)) }));
    const store = new ContactStore(dir, { limit: 2 });
    expect(names(store.list())).toEqual(['A', 'B']);
    expect(store.notices[0]?.message).toMatch(/1 over the limit of 2 were left out/);
  });

  it('a write that fails is reported to the log, never thrown; the list goes on from memory', async () => {
    const dir = tmp();
    mkdirSync(join(dir, `${CONTACTS_FILE}.tmp`));
    const errors: unknown[] = [];
    const store = new ContactStore(dir, { onError: (err) => errors.push(err) });
    await expect(store.save(input('A'))).resolves.toMatchObject({ ok: true });
    expect(errors).toHaveLength(1);
    expect(names(store.list())).toEqual(['A']);
    await expect(store.import('BEGIN:VCARD\nFN:B\nEND:VCARD\n')).resolves.toMatchObject({ imported: 1 });
    await expect(store.delete(store.list()[0]?.id as string)).resolves.toBeUndefined();
    expect(names(store.list())).toEqual(['B']);
  });

  it('an unreadable file (here a directory of that name) is reported and left alone; the contacts live in memory', async () => {
    const dir = tmp();
    mkdirSync(join(dir, CONTACTS_FILE));
    const store = new ContactStore(dir);
    expect(store.notices).toMatchObject([{ code: 'contactsRecovered', message: expect.stringContaining('contacts will not be saved') }]);
    await store.save(input('A'));
    expect(names(store.list())).toEqual(['A']);
    expect(readdirSync(dir)).toEqual([CONTACTS_FILE]);
    expect(statSync(join(dir, CONTACTS_FILE)).isDirectory()).toBe(true);
  });

  it('does not throw in a read-only directory', async () => {
    const dir = tmp();
    const store = new ContactStore(dir, { onError: () => undefined });
    chmodSync(dir, 0o500);
    try {
      await expect(store.save(input('A'))).resolves.toMatchObject({ ok: true });
      expect(names(store.list())).toEqual(['A']);
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('imports 10 000 cards, up to the limit, and stays responsive', async () => {
    const store = new ContactStore(tmp());
    const text = Array.from({ length: 10_001 }, (_, i) => `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person ${i}\r\nTEL;TYPE=CELL:+33 6 ${String(i).padStart(8, '0')}\r\nEND:VCARD\r\n`).join('');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const t = performance.now();
    const r = await store.import(text);
    clearInterval(timer);
    console.log(`ContactStore.import of 10 001 cards: ${(performance.now() - t).toFixed(0)} ms, ${ticks} timer ticks in between`);
    expect(r.imported).toBe(10_000);
    expect(r.skipped).toEqual([{ index: 10_000, code: 'full', message: expect.stringMatching(/full/) }]);
    expect(ticks).toBeGreaterThan(0);
  });
});
