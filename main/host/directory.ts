/**
 * The company directory: a read-only CardDAV address book the administrator provisions (the
 * `directory` section, docs/provisioning.md), copied to `directory-cache.json` in the data
 * directory so the dialer can search it offline. Synced at start and every 30 minutes, never in
 * anybody's way: a failed sync keeps the copy and says why in the status.
 *
 * CardDAV through tsdav: a PROPFIND (depth 0) checks the collection and reads its sync-token/ctag;
 * when that changed, one addressbook-query REPORT fetches every card with its address data.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { FileQueue, writeFileAtomically } from './json-file';
import { join } from 'node:path';
import { addressBookQuery, propfind, type DAVResponse } from 'tsdav';
import { checkContact, searchContacts, type Contact, type ContactInput } from '../../src/contacts';
import { NO_DIRECTORY_STATUS, type DirectoryEntry, type DirectoryErrorCode, type DirectoryStatus } from '../../src/host-api';
import { readVcard, splitVcards } from '../../src/vcard';
import { checkDirectoryUrl, type Provisioning } from './provisioning';
import type { SecretStore } from './secrets';

export const DIRECTORY_CACHE_FILE = 'directory-cache.json';
const VERSION = 1;
export const DIRECTORY_REFRESH_MS = 30 * 60_000;
export const DIRECTORY_SEARCH_LIMIT = 20;
/** A company directory of a few thousand people is a few MB of vCards; refuse what is far beyond. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const MAX_ENTRIES = 50_000;
const MAX_SEARCH_LIMIT = 100;

export interface DirectoryConfig {
  /** The address book collection's URL (https://, or http:// to this machine). */
  url: string;
  username: string;
  /** '' for none. */
  password: string;
}

export type DirectorySyncResult = { ok: true; count: number } | { ok: false; error: string };

/** Reads the cards of one address-data text: each contact with its UID (null if none); bad cards left out. */
export type VcardReader = (text: string) => Array<{ contact: ContactInput; uid: string | null }>;

/** The address book's own reader (src/vcard.ts, on ical.js): a card it refuses is left out. */
export const readCards: VcardReader = (text) =>
  splitVcards(text).flatMap((lines) => {
    try {
      return [readVcard(lines)];
    } catch {
      return [];
    }
  });

export interface DirectoryOptions {
  /** Reads the cards; the default is the address book's (src/vcard.ts). */
  read?: VcardReader;
  /** Between syncs (default 30 minutes); after a failure the next try comes sooner, up to this. */
  refreshMs?: number;
  /** The first sync after start() (default 2 s: the window comes first). */
  startDelayMs?: number;
  /** One sync, both requests, all told (default 60 s). */
  timeoutMs?: number;
  /** A cache write that failed: the copy goes on in memory, so this is for the log only. */
  onError?: (err: unknown) => void;
  /** Tests: another fetch. */
  fetch?: typeof fetch;
}

interface StoredDirectory {
  version: typeof VERSION;
  source: { url: string; username: string };
  syncedAt: string;
  /** The collection's sync-token (or ctag) at that sync: unchanged means nothing to download. */
  tag: string | null;
  entries: DirectoryEntry[];
}

class SyncError extends Error {
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const MAX_ID = 2048;

const fieldsOf = (c: ContactInput): Omit<DirectoryEntry, 'id'> => ({
  name: c.name,
  organization: c.organization,
  numbers: c.numbers.map((n) => ({ ...n })),
  email: c.email,
  note: c.note,
});

/** An entry read back from the file, or null when it is not one (a hand-edited or damaged file). */
function entryOf(raw: unknown): DirectoryEntry | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { id, name, organization, numbers, email, note } = raw as Record<string, unknown>;
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID) return null;
  // The address book's own rules: the same fields, limits and labels as a contact.
  const checked = checkContact({ name, organization, numbers, email, note });
  return checked.ok ? { id, ...fieldsOf(checked.value) } : null;
}

const asContact = (entry: DirectoryEntry, updatedAt: string): Contact => ({ ...entry, updatedAt });
const asEntry = ({ id, name, organization, numbers, email, note }: Contact): DirectoryEntry => ({ id, ...fieldsOf({ name, organization, numbers, email, note }) });

/** The first line, short: never a whole response body in the status line. */
function errorMessage(err: unknown): string {
  const line = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Network and timeout failures said plainly; anything else as it came. */
function classify(err: unknown, url: string): SyncError {
  if (err instanceof SyncError) return err;
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new SyncError('timeout', `${new URL(url).host} did not answer in time`);
  if (err instanceof TypeError) {
    const why = e.cause?.code ?? e.cause?.message ?? err.message;
    return new SyncError('network', `cannot reach ${new URL(url).host} (${why})`);
  }
  return new SyncError('server', errorMessage(err));
}

function httpError(status: number, statusText: string, location: string | null): SyncError {
  if (status === 401) return new SyncError('auth', `the server refused the user name or password (401 ${statusText})`.trim());
  if (status === 403) return new SyncError('auth', `this user may not read this address book (403 ${statusText})`.trim());
  if (status === 404) return new SyncError('notFound', 'no address book at this URL (404)');
  if (status >= 300 && status < 400) {
    return new SyncError('server', `the server redirects (${status})${location ? ` to ${location}` : ''}: provision that URL instead`);
  }
  return new SyncError('server', `the server answered ${status} ${statusText}`.trim());
}

export class Directory {
  private readonly file: string;
  private readonly read: VcardReader;
  private readonly refreshMs: number;
  private readonly startDelayMs: number;
  private readonly timeoutMs: number;
  private readonly onError: (err: unknown) => void;
  private readonly fetchImpl: typeof fetch;

  private config: DirectoryConfig | null = null;
  /** Grows with each configure(): a sync started before then must not store its result. */
  private generation = 0;
  private source: StoredDirectory['source'] | null = null;
  private syncedAt: string | null = null;
  private tag: string | null = null;
  /** The entries as contacts (updatedAt: when synced): searchContacts indexes this list once per sync. */
  private contacts: Contact[] = [];
  private lastError: { code: DirectoryErrorCode; message: string } | null = null;
  private running: Promise<DirectorySyncResult> | null = null;
  private runningGeneration = -1;
  private aborter: AbortController | null = null;
  /** Every file operation, in order: a write queued before a delete happens before it. */
  private fileOps: Promise<void> = Promise.resolve();
  private readonly files: FileQueue;
  private started = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;

  constructor(
    private readonly dataDir: string,
    opts: DirectoryOptions = {},
  ) {
    this.file = join(dataDir, DIRECTORY_CACHE_FILE);
    this.read = opts.read ?? readCards;
    this.refreshMs = opts.refreshMs ?? DIRECTORY_REFRESH_MS;
    this.startDelayMs = opts.startDelayMs ?? 2000;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.onError = opts.onError ?? (() => undefined);
    this.files = new FileQueue((err) => this.onError(err));
    this.fetchImpl = opts.fetch ?? fetch;
    this.load();
  }

  /** The copy from the last run: searchable at once, offline too, until configure() says otherwise. */
  private load(): void {
    let stored: Partial<StoredDirectory>;
    try {
      stored = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<StoredDirectory>;
    } catch {
      return; // None yet, or damaged: the next sync writes a new one.
    }
    if (typeof stored !== 'object' || stored === null || stored.version !== VERSION || !Array.isArray(stored.entries)) return;
    const src = stored.source;
    if (typeof src !== 'object' || src === null || typeof src.url !== 'string' || typeof src.username !== 'string') return;
    this.source = { url: src.url, username: src.username };
    this.syncedAt = typeof stored.syncedAt === 'string' && Number.isFinite(Date.parse(stored.syncedAt)) ? stored.syncedAt : null;
    this.tag = typeof stored.tag === 'string' ? stored.tag : null;
    const ids = new Set<string>();
    for (const raw of stored.entries.slice(0, MAX_ENTRIES)) {
      const entry = entryOf(raw);
      if (!entry || ids.has(entry.id)) continue;
      ids.add(entry.id);
      this.contacts.push(asContact(entry, this.syncedAt ?? ''));
    }
  }

  /**
   * The administrator's address book, or null for none (the copy is then deleted: a company's
   * directory does not outlive its provisioning). A different URL or user drops the copy too.
   */
  configure(cfg: DirectoryConfig | null): void {
    // Provisioning checked the URL already; this is the last line: never a request over plain http.
    const invalid = cfg === null ? null : checkDirectoryUrl(cfg.url, 'url');
    let next: DirectoryConfig | null = null;
    if (cfg !== null && invalid === null) {
      const url = new URL(cfg.url.trim());
      // The collection itself: without its slash, some servers answer with a redirect.
      if (!url.pathname.endsWith('/')) url.pathname += '/';
      next = { url: url.href, username: cfg.username, password: cfg.password };
    }
    const current = this.config;
    if (next !== null && current !== null && next.url === current.url && next.username === current.username && next.password === current.password) return;
    this.generation++;
    this.aborter?.abort();
    this.config = next;
    this.lastError = invalid ? { code: 'notConfigured', message: invalid.message } : null;
    // Another address book (or none): the copy of this one goes.
    if (next === null || this.source === null || this.source.url !== next.url || this.source.username !== next.username) this.forget();
    if (next !== null) this.schedule(0);
  }

  private forget(): void {
    const had = this.source !== null || this.contacts.length > 0;
    this.source = null;
    this.syncedAt = null;
    this.tag = null;
    this.contacts = [];
    if (had) this.queueFile(() => rm(this.file, { force: true }));
  }

  status(): DirectoryStatus {
    return {
      ...NO_DIRECTORY_STATUS,
      configured: this.config !== null,
      lastSyncAt: this.syncedAt,
      lastError: this.lastError?.message ?? null,
      lastErrorCode: this.lastError?.code ?? null,
      count: this.contacts.length,
      syncing: this.running !== null,
    };
  }

  /**
   * As the address book searches (src/contacts.ts searchContacts): the name starting with the query,
   * then words of the name, of the organization, then numbers starting with, then containing, the
   * digits typed. `country` (the home country) lets `06 12…` find `+33 6 12…` and back.
   */
  search(query: string, limit: number = DIRECTORY_SEARCH_LIMIT, country?: string): DirectoryEntry[] {
    const max = Math.max(1, Math.min(MAX_SEARCH_LIMIT, Math.floor(limit) || DIRECTORY_SEARCH_LIMIT));
    return searchContacts(this.contacts, query.slice(0, 256), max, country).map(asEntry);
  }

  /** Syncs now; a sync under way is joined, not doubled. Never rejects. */
  sync(): Promise<DirectorySyncResult> {
    // One for an earlier configuration is being abandoned: this one follows it.
    if (this.running && this.runningGeneration !== this.generation) return this.running.then(() => this.sync());
    if (this.running) return this.running;
    const config = this.config;
    if (config === null) return Promise.resolve({ ok: false, error: 'no directory is configured' });
    const generation = this.generation;
    this.runningGeneration = generation;
    const aborter = new AbortController();
    this.aborter = aborter;
    const run = this.download(config, AbortSignal.any([aborter.signal, AbortSignal.timeout(this.timeoutMs)])).then(
      async (result): Promise<DirectorySyncResult> => {
        if (generation !== this.generation) return { ok: false, error: 'the directory was reconfigured during the sync' };
        const now = new Date().toISOString();
        if (result !== 'unchanged') {
          this.contacts = result.entries.map((e) => asContact(e, now));
          this.tag = result.tag;
        }
        this.source = { url: config.url, username: config.username };
        this.syncedAt = now;
        this.lastError = null;
        this.failures = 0;
        await this.save();
        return { ok: true, count: this.contacts.length };
      },
      (err: unknown): DirectorySyncResult => {
        if (generation !== this.generation) return { ok: false, error: 'the directory was reconfigured during the sync' };
        const e = classify(err, config.url);
        this.lastError = { code: e.code, message: e.message };
        this.failures++;
        return { ok: false, error: e.message };
      },
    );
    this.running = run.finally(() => {
      this.running = null;
      if (this.aborter === aborter) this.aborter = null;
      // Reconfigured meanwhile: the new address book's first sync is due now.
      if (this.started && this.config !== null) this.schedule(generation === this.generation ? this.nextDelay() : 0);
    });
    return this.running;
  }

  /** Syncs soon after, then every refreshMs; sooner again after a failure (1, 2, 4… minutes). */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.config !== null) this.schedule(this.startDelayMs);
  }

  /** No more syncs; one under way is abandoned. */
  stop(): void {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.aborter?.abort();
  }

  /** Resolves once every cache write and delete asked for so far is done. */
  flush(): Promise<void> {
    return this.fileOps;
  }

  private nextDelay(): number {
    return this.failures === 0 ? this.refreshMs : Math.min(this.refreshMs, 60_000 * 2 ** Math.min(this.failures - 1, 10));
  }

  private schedule(ms: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sync();
    }, ms);
    // A timer of its own never keeps the process (the web host, a test) alive.
    this.timer.unref?.();
  }

  /** A fetch that never follows a redirect (the credentials stay with the provisioned URL) and reads at most MAX_RESPONSE_BYTES. */
  private limitedFetch(signal: AbortSignal): typeof fetch {
    return async (input, init) => {
      const res = await this.fetchImpl(input, { ...init, redirect: 'manual', signal });
      const declared = Number(res.headers.get('content-length') ?? 0);
      const tooLarge = (): SyncError => new SyncError('tooLarge', `the address book is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MB`);
      if (declared > MAX_RESPONSE_BYTES) {
        await res.body?.cancel();
        throw tooLarge();
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      if (res.body) {
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > MAX_RESPONSE_BYTES) {
            await reader.cancel();
            throw tooLarge();
          }
          chunks.push(value);
        }
      }
      const body = [101, 204, 205, 304].includes(res.status) || res.status < 200 ? null : Buffer.concat(chunks);
      const copy = new Response(body, { status: res.status < 200 ? 502 : res.status, statusText: res.statusText, headers: res.headers });
      // tsdav reports the URL of a failed request: keep it.
      Object.defineProperty(copy, 'url', { value: res.url || String(input) });
      return copy;
    };
  }

  private async download(config: DirectoryConfig, signal: AbortSignal): Promise<'unchanged' | { entries: DirectoryEntry[]; tag: string | null }> {
    const headers: Record<string, string> = {};
    if (config.username || config.password) {
      headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password}`, 'utf8').toString('base64')}`;
    }
    let location: string | null = null;
    const limited = this.limitedFetch(signal);
    const fetchWithLocation: typeof fetch = async (input, init) => {
      const res = await limited(input, init);
      location = res.headers.get('location');
      return res;
    };
    const [collection] = await propfind({
      url: config.url,
      depth: '0',
      headers,
      props: { 'd:resourcetype': {}, 'd:sync-token': {}, 'cs:getctag': {} },
      fetch: fetchWithLocation,
    });
    if (!collection) throw new SyncError('server', 'the server sent an empty answer');
    if (!collection.ok || (collection.status ?? 0) >= 300) throw httpError(collection.status ?? 0, collection.statusText ?? '', location);
    const props = (collection.props ?? {}) as Record<string, unknown>;
    const resourcetype = props.resourcetype;
    if (typeof resourcetype !== 'object' || resourcetype === null || !('addressbook' in resourcetype)) {
      throw new SyncError('notAddressBook', 'this URL is not a CardDAV address book (give the address book collection itself)');
    }
    const rawTag = props.syncToken ?? props.getctag;
    const tag = typeof rawTag === 'string' || typeof rawTag === 'number' ? String(rawTag) : null;
    const sameSource = this.source !== null && this.source.url === config.url && this.source.username === config.username;
    if (tag !== null && sameSource && tag === this.tag && this.syncedAt !== null) return 'unchanged';

    let responses: DAVResponse[];
    try {
      responses = await addressBookQuery({
        url: config.url,
        depth: '1',
        headers,
        props: { 'd:getetag': {}, 'card:address-data': {} },
        fetch: fetchWithLocation,
      });
    } catch (err) {
      // tsdav says "Collection query failed: 401 Unauthorized. Raw response: …": the status, not the body.
      const status = /failed: (\d{3})\b/.exec(errorMessage(err))?.[1];
      if (status) throw httpError(Number(status), '', location);
      throw err;
    }
    const entries: DirectoryEntry[] = [];
    const ids = new Set<string>();
    for (const r of responses) {
      if (entries.length >= MAX_ENTRIES) break;
      const data = (r.props as Record<string, unknown> | undefined)?.addressData;
      const text = typeof data === 'string' ? data : typeof data === 'object' && data !== null ? (data as { _cdata?: unknown; _text?: unknown })._cdata ?? (data as { _text?: unknown })._text : null;
      if (typeof text !== 'string' || !r.ok) continue;
      for (const { contact, uid } of this.read(text)) {
        const id = uid || r.href || '';
        if (!id || id.length > MAX_ID || ids.has(id) || entries.length >= MAX_ENTRIES) continue;
        ids.add(id);
        entries.push({ id, ...fieldsOf(contact) });
      }
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    return { entries, tag };
  }

  private save(): Promise<void> {
    const source = this.source;
    if (source === null || this.syncedAt === null) return this.fileOps;
    const stored: StoredDirectory = { version: VERSION, source, syncedAt: this.syncedAt, tag: this.tag, entries: this.contacts.map(asEntry) };
    const text = `${JSON.stringify(stored)}\n`;
    return this.queueFile(() => writeFileAtomically(this.file, text));
  }

  private queueFile(op: () => Promise<void>): Promise<void> {
    this.fileOps = this.files.run(op);
    return this.fileOps;
  }
}

/** The credentials kept in the directory's SecretStore: the password with the server it is for. */
interface StoredCredentials {
  url: string;
  username: string;
  password: string;
}

function storedCredentials(secrets: SecretStore | null): StoredCredentials | null {
  try {
    const raw = secrets?.get();
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<StoredCredentials>;
    return typeof v.url === 'string' && typeof v.username === 'string' && typeof v.password === 'string' ? { url: v.url, username: v.username, password: v.password } : null;
  } catch {
    return null;
  }
}

/**
 * The directory the provisioning file asks for, its password kept in `secrets` (with the URL and user
 * it belongs to, so it never goes to another server) like the SIP password:
 * - a valid file with a `directory` section: that address book; a password the file leaves out is
 *   the one stored for the same URL and user, if any;
 * - a valid file without one, or no file: none (the stored credentials are deleted);
 * - a broken file: the last valid one, from the store ('unchanged' when none is known: the copy on
 *   disk is still searched).
 */
export function provisionedDirectoryConfig(provisioning: Provisioning | null, secrets: SecretStore | null): DirectoryConfig | null | 'unchanged' {
  const stored = storedCredentials(secrets);
  if (provisioning !== null && !provisioning.ok) return stored ?? 'unchanged';
  const section = provisioning?.directory?.carddav ?? null;
  if (section === null) {
    try {
      secrets?.delete();
    } catch {
      // Nothing is sent anywhere without a section; a stale file is harmless.
    }
    return null;
  }
  const same = stored !== null && stored.url === section.url && stored.username === section.username;
  const config: DirectoryConfig = { url: section.url, username: section.username, password: section.password ?? (same ? stored.password : '') };
  if (JSON.stringify(stored) !== JSON.stringify(config)) {
    try {
      secrets?.set(JSON.stringify(config));
    } catch {
      // No store (or a broken keychain): the file's password works for this run anyway.
    }
  }
  return config;
}
