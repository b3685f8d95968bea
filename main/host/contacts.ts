/**
 * The local address book: the user's contacts, in one small JSON file in the data directory. Kept
 * like the call history (main/host/call-history.ts): rewritten whole and atomically, bounded, a
 * damaged file kept aside and what can be read of it salvaged, and no write failure ever thrown at
 * the caller (the contacts go on in memory and the failure is logged).
 */
import { readFileSync } from 'node:fs';
import { FileQueue, keepDamagedFile } from './json-file';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { checkContact, CONTACT_LIMITS, duplicateKeys, type Contact, type ContactInput } from '../../src/contacts';
import type { ContactImportResult, ContactSaveResult, HostNotice } from '../../src/host-api';
import { fieldError } from '../../src/result';
import { readVcard, splitVcards, toVcards } from '../../src/vcard';

export const CONTACTS_FILE = 'contacts.json';
const VERSION = 1;

interface StoredContacts {
  version: typeof VERSION;
  contacts: Contact[];
}

export interface ContactStoreOptions {
  /** Most contacts kept: saving or importing more is refused. */
  limit?: number;
  /** A write that failed: the contacts go on in memory, so this is for the log only. */
  onError?: (err: unknown) => void;
}

const isoTime = (v: unknown): v is string => typeof v === 'string' && v.length <= 64 && Number.isFinite(Date.parse(v));

/**
 * A contact read back from the file: the good fields kept (a bad organization, email or note becomes
 * null, a bad number is left out), or null when its id or name is bad.
 */
function salvageContact(raw: unknown): { contact: Contact; reset: boolean } | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '' || r.id.length > CONTACT_LIMITS.id) return null;
  const whole = checkContact(r);
  if (whole.ok && whole.value.id === r.id && isoTime(r.updatedAt)) {
    return { contact: contactOf(whole.value, r.id, r.updatedAt), reset: false };
  }
  const named = checkContact({ name: r.name });
  if (!named.ok) return null;
  const candidate: Record<string, unknown> = { name: named.value.name, numbers: [] };
  for (const k of ['organization', 'email', 'note'] as const) {
    if (checkContact({ name: r.name, [k]: r[k] }).ok) candidate[k] = r[k];
  }
  if (Array.isArray(r.numbers)) {
    candidate.numbers = r.numbers.filter((n) => checkContact({ name: r.name, numbers: [n] }).ok).slice(0, CONTACT_LIMITS.numbers);
  }
  const checked = checkContact(candidate);
  if (!checked.ok) return null;
  return { contact: contactOf(checked.value, r.id, isoTime(r.updatedAt) ? r.updatedAt : new Date().toISOString()), reset: true };
}

/** Only the contact's own fields, in their order: nothing else reaches the file or the page. */
function contactOf(input: ContactInput, id: string, updatedAt: string): Contact {
  return {
    id,
    name: input.name,
    organization: input.organization,
    numbers: input.numbers.map((n) => ({ label: n.label, number: n.number })),
    email: input.email,
    note: input.note,
    updatedAt,
  };
}

const copyOf = (c: Contact): Contact => ({ ...c, numbers: c.numbers.map((n) => ({ ...n })) });

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
const byName = (a: Contact, b: Contact): number => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

/** Lets other work (IPC, a call being recorded) run between slices of a long import. */
const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ContactStore {
  /** Problems found while loading the file, for HostState.notices. */
  readonly notices: HostNotice[] = [];
  private readonly file: string;
  private readonly limit: number;
  private readonly onError: (err: unknown) => void;
  private contacts: Contact[] = [];
  /** False when a damaged file could not be moved aside: writing would destroy it. */
  private writable = true;
  private readonly files: FileQueue;

  constructor(
    private readonly dir: string,
    { limit = 10_000, onError = () => undefined }: ContactStoreOptions = {},
  ) {
    this.file = join(dir, CONTACTS_FILE);
    this.limit = limit;
    this.onError = onError;
    this.files = new FileQueue((err) => this.onError(err));
    this.load();
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // The first start.
      // Left alone and never overwritten: it may be fine once readable again.
      this.writable = false;
      this.notices.push({ code: 'contactsRecovered', message: `${this.file} could not be read (${message(err)}); contacts will not be saved` });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.keepDamaged(message(err), 'move');
      return;
    }
    const stored = parsed as Partial<StoredContacts> | null;
    if (typeof stored !== 'object' || stored === null || stored.version !== VERSION || !Array.isArray(stored.contacts)) {
      this.keepDamaged(`not a version ${VERSION} address book`, 'move');
      return;
    }
    // A bad contact costs only itself, a bad field only its value; the original is backed up.
    let dropped = 0;
    let reset = 0;
    const ids = new Set<string>();
    for (const raw of stored.contacts) {
      const salvaged = salvageContact(raw);
      if (!salvaged || ids.has(salvaged.contact.id)) {
        dropped++;
        continue;
      }
      ids.add(salvaged.contact.id);
      if (salvaged.reset) reset++;
      this.contacts.push(salvaged.contact);
    }
    // A hand-edited file may be out of order or too long (an older, larger limit).
    this.contacts.sort(byName);
    const over = Math.max(0, this.contacts.length - this.limit);
    this.contacts.length -= over;
    if (dropped > 0 || reset > 0 || over > 0) {
      const lost = [
        dropped && `${dropped} of ${stored.contacts.length} contacts could not be read`,
        reset && `${reset} had fields cleared`,
        over && `${over} over the limit of ${this.limit} were left out`,
      ];
      this.keepDamaged(`${lost.filter(Boolean).join(', ')}; the rest were kept`, 'copy');
      // Rewritten clean, so the next start does not report it again.
      void this.write();
    }
  }

  /**
   * Keeps the damaged file, byte for byte, as `contacts.corrupt-<timestamp>.json`: moved aside, or
   * copied when its good contacts stay. If it cannot be kept, the contacts live in memory only.
   */
  private keepDamaged(reason: string, how: 'move' | 'copy'): void {
    try {
      const backup = keepDamagedFile(this.file, how);
      // A detail: the UI wraps it in its own sentence, as for historyRecovered.
      this.notices.push({ code: 'contactsRecovered', message: `${backup} (${reason})` });
    } catch (err) {
      // Writing now would destroy the only copy.
      this.writable = false;
      this.notices.push({ code: 'contactsRecovered', message: `${this.file} is damaged (${reason}) and could not be backed up (${message(err)}); contacts will not be saved` });
    }
  }

  /** Every contact, by name. */
  list(): Contact[] {
    return this.contacts.map(copyOf);
  }

  /**
   * Adds a contact, or replaces the one with `input.id`; resolves once written (never rejects). Field
   * errors for the form when the input is not a contact, the id is gone or the book is full.
   */
  async save(input: ContactInput): Promise<ContactSaveResult> {
    const checked = checkContact(input);
    if (!checked.ok) return { ok: false, errors: checked.errors };
    const { id } = checked.value;
    const at = id === undefined ? -1 : this.contacts.findIndex((c) => c.id === id);
    if (id !== undefined && at < 0) return { ok: false, errors: [fieldError('id', 'notFound', 'this contact no longer exists')] };
    if (at < 0 && this.contacts.length >= this.limit) {
      return { ok: false, errors: [fieldError('contact', 'contactsFull', `the address book is full (${this.limit} contacts)`)] };
    }
    const contact = contactOf(checked.value, id ?? randomUUID(), new Date().toISOString());
    if (at >= 0) this.contacts.splice(at, 1);
    this.insert(contact);
    await this.write();
    return { ok: true, contact: copyOf(contact) };
  }

  /** Removes the contact (nothing when it is not there); resolves once written. */
  async delete(id: string): Promise<void> {
    const at = this.contacts.findIndex((c) => c.id === id);
    if (at < 0) return;
    this.contacts.splice(at, 1);
    await this.write();
  }

  /**
   * Adds the cards of a vCard file. A card already here (same name and a number in common, or same
   * name and no numbers), one that cannot be read, or one past the limit is skipped, with its index.
   */
  async import(text: string): Promise<ContactImportResult> {
    const cards = splitVcards(text);
    if (cards.length === 0) return { imported: 0, skipped: [{ index: 0, code: 'invalid', message: 'no vCard (BEGIN:VCARD … END:VCARD) was found' }] };
    const read: Array<{ index: number; contact: ContactInput } | { index: number; error: string }> = [];
    for (const [index, lines] of cards.entries()) {
      if (index % 500 === 499) await breathe();
      try {
        read.push({ index, contact: readVcard(lines).contact });
      } catch (err) {
        read.push({ index, error: message(err) });
      }
    }
    // From here on nothing waits: the checks and the additions see the same list.
    const known = new Set(this.contacts.flatMap(duplicateKeys));
    const skipped: ContactImportResult['skipped'] = [];
    const added: Contact[] = [];
    const now = new Date().toISOString();
    for (const r of read) {
      if ('error' in r) {
        skipped.push({ index: r.index, code: 'invalid', message: r.error });
        continue;
      }
      const keys = duplicateKeys(r.contact);
      if (keys.some((k) => known.has(k))) {
        skipped.push({ index: r.index, code: 'duplicate', message: `${r.contact.name} is already in the address book` });
        continue;
      }
      if (this.contacts.length + added.length >= this.limit) {
        skipped.push({ index: r.index, code: 'full', message: `the address book is full (${this.limit} contacts)` });
        continue;
      }
      for (const k of keys) known.add(k);
      added.push(contactOf(r.contact, randomUUID(), now));
    }
    if (added.length > 0) {
      this.contacts.push(...added);
      this.contacts.sort(byName);
      await this.write();
    }
    return { imported: added.length, skipped };
  }

  /** Every contact as one vCard 3.0 file. */
  export(): string {
    return toVcards(this.contacts);
  }

  private insert(contact: Contact): void {
    // After every contact that sorts before or with it.
    let lo = 0;
    let hi = this.contacts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byName(this.contacts[mid] as Contact, contact) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.contacts.splice(lo, 0, contact);
  }

  /** Writes the current state after any write under way; writes asked for meanwhile are one write. */
  private write(): Promise<void> {
    if (!this.writable) return Promise.resolve();
    return this.files.rewrite(this.file, () => `${JSON.stringify({ version: VERSION, contacts: this.contacts } satisfies StoredContacts)}\n`);
  }
}

