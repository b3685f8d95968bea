/**
 * Starts Radicale (a CardDAV/CalDAV server) on 127.0.0.1 for the company directory's tests: a
 * throwaway config and storage in a temporary folder, one htpasswd user (plain, which Debian's 3.1
 * supports with nothing extra installed; bcrypt would need python3-bcrypt), `owner_only` rights and
 * one address book under that user, ready for cards.
 *
 * Run as `/usr/bin/python3 -m radicale` in the foreground: Debian's python3-radicale (which
 * scripts/setup.sh installs) is enough. The `radicale` package adds only the system service, which
 * would start a server of its own on port 5232 of every machine that runs the tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness';

/** Debian's own Python (not a pyenv or venv one found first on PATH), with Debian's module. */
const PYTHON = '/usr/bin/python3';
const RADICALE_MODULE = '/usr/lib/python3/dist-packages/radicale/__main__.py';
const RADICALE = [PYTHON, '-m', 'radicale'] as const;

/** Whether Debian's python3-radicale is installed (scripts/setup.sh installs it); tests skip without it. */
export function radicaleInstalled(): boolean {
  return existsSync(PYTHON) && existsSync(RADICALE_MODULE);
}

/** `radicale --version`, e.g. "3.1.8", or null when it is not installed. */
export function radicaleVersion(): string | null {
  if (!radicaleInstalled()) return null;
  const r = spawnSync(PYTHON, [...RADICALE.slice(1), '--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

export interface RadicaleOptions {
  user?: string;
  password?: string;
  /** The address book's name under the user's collection (default "directory"). */
  addressBook?: string;
  /** Where config, users and storage go; default a new temporary folder, removed on stop. */
  runDir?: string;
  log?: (line: string) => void;
}

export interface Radicale {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  user: string;
  password: string;
  /** The address book collection, with a trailing slash: what the directory is provisioned with. */
  addressBookUrl: string;
  /** PUTs a vCard into the address book, named after its UID (a new one if it has none). */
  addCard(vcard: string): Promise<void>;
  /** DELETEs the card with this UID. */
  removeCard(uid: string): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const CARDDAV_MKCOL = (name: string): string =>
  [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">',
    '  <D:set><D:prop>',
    '    <D:resourcetype><D:collection/><C:addressbook/></D:resourcetype>',
    `    <D:displayname>${name}</D:displayname>`,
    '  </D:prop></D:set>',
    '</D:mkcol>',
  ].join('\n');

/** The child is killed by the kernel if this process dies without stopping it (no orphan server). */
function withParentDeathSignal(cmd: string, args: string[]): [string, string[]] {
  return existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', ['--pdeathsig', 'KILL', '--', cmd, ...args]] : [cmd, args];
}

export async function startRadicale(opts: RadicaleOptions = {}): Promise<Radicale> {
  if (!radicaleInstalled()) throw new Error('radicale: python3-radicale is not installed (scripts/setup.sh installs it)');
  const user = opts.user ?? 'directory';
  const password = opts.password ?? 'directory-secret';
  if (!/^[a-z0-9_-]+$/i.test(user) || /[\r\n:]/.test(password)) throw new Error('radicale: user must be a plain name, password one line');
  const ownRunDir = opts.runDir === undefined;
  const runDir = opts.runDir ?? mkdtempSync(join(tmpdir(), 'softphone-radicale-'));
  mkdirSync(runDir, { recursive: true });
  const log = opts.log ?? (() => undefined);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const addressBookUrl = `${url}/${user}/${opts.addressBook ?? 'directory'}/`;

  const usersFile = join(runDir, 'users');
  writeFileSync(usersFile, `${user}:${password}\n`, { mode: 0o600 });
  const configFile = join(runDir, 'config');
  // -C replaces /etc/radicale/config (Debian's: remote_user auth and a rights file) entirely.
  writeFileSync(
    configFile,
    [
      '[server]',
      `hosts = 127.0.0.1:${port}`,
      '[auth]',
      'type = htpasswd',
      `htpasswd_filename = ${usersFile}`,
      'htpasswd_encryption = plain',
      // No pause after a wrong password: the tests try one on purpose.
      'delay = 0',
      '[rights]',
      'type = owner_only',
      '[storage]',
      `filesystem_folder = ${join(runDir, 'collections')}`,
      '[web]',
      'type = none',
      '[logging]',
      'level = warning',
      '',
    ].join('\n'),
  );

  const [cmd, args] = withParentDeathSignal(PYTHON, [...RADICALE.slice(1), '-C', configFile]);
  const child: ChildProcess = spawn(cmd, args, { cwd: runDir, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const out = (d: Buffer): void => {
    for (const line of d.toString().split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > 50) output.shift();
      log(`[radicale] ${line}`);
    }
  };
  child.stdout?.on('data', out);
  child.stderr?.on('data', out);
  let spawnError: Error | undefined;
  child.once('error', (err) => { spawnError = err; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, sig) => log(`[radicale] exited ${code ?? sig}`));
  const running = (): boolean => child.exitCode === null && child.signalCode === null && !spawnError;
  // A test runner that exits without stopping it must not leave a server behind.
  const killOnExit = (): void => { if (running()) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const [signal, waitMs] of [['SIGTERM', 3000], ['SIGKILL', 2000]] as const) {
      if (!running()) break;
      child.kill(signal);
      await Promise.race([exited, sleep(waitMs)]);
    }
    process.off('exit', killOnExit);
    if (ownRunDir) rmSync(runDir, { recursive: true, force: true });
  };

  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const request = (method: string, target: string, body?: string, contentType?: string): Promise<Response> =>
    fetch(target, {
      method,
      headers: { authorization: auth, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
      signal: AbortSignal.timeout(5000),
    });

  try {
    // Ready once it answers HTTP at all (GET / is a redirect to its web page).
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (!running()) {
        await Promise.race([exited, sleep(500)]);
        throw new Error(`radicale did not start: ${spawnError?.message ?? output.slice(-5).join(' | ')}`);
      }
      const answered = await fetch(`${url}/`, { redirect: 'manual', signal: AbortSignal.timeout(1000) }).then(
        (r) => r.status > 0,
        () => false,
      );
      if (answered) break;
      if (Date.now() > deadline) throw new Error('radicale: timed out waiting for it to answer');
      await sleep(50);
    }
    const made = await request('MKCOL', addressBookUrl, CARDDAV_MKCOL('Company directory'), 'application/xml; charset=utf-8');
    if (made.status !== 201) throw new Error(`radicale: MKCOL ${addressBookUrl} answered ${made.status} ${await made.text()}`);
  } catch (err) {
    await stop();
    throw err;
  }

  const cardUrl = (uid: string): string => `${addressBookUrl}${encodeURIComponent(uid)}.vcf`;
  return {
    url,
    user,
    password,
    addressBookUrl,
    addCard: async (vcard) => {
      const uid = /^UID(?:;[^:\r\n]*)?:(.+)$/im.exec(vcard)?.[1]?.trim() ?? randomUUID();
      const res = await request('PUT', cardUrl(uid), vcard.replace(/\r?\n/g, '\r\n'), 'text/vcard; charset=utf-8');
      if (res.status !== 201 && res.status !== 204) throw new Error(`radicale: PUT ${uid} answered ${res.status} ${await res.text()}`);
    },
    removeCard: async (uid) => {
      const res = await request('DELETE', cardUrl(uid));
      if (!res.ok) throw new Error(`radicale: DELETE ${uid} answered ${res.status}`);
    },
    stop,
  };
}
