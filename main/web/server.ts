/**
 * Web mode's host: serves the built renderer on 127.0.0.1 and the host services behind
 * `POST /api/<method>`, authorised by a per-launch token. Never imports Electron, directly or not.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFile, stat } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { checkHostCall, HostCallError, MAX_CONTACTS_IMPORT_BYTES, type HostApi, type HostNotice } from '../../src/host-api';
import { contentSecurityPolicy } from '../host/csp';
import { loadProvisioning } from '../host/provisioning';
import { DIRECTORY_SECRET, fileKeySecrets } from '../host/secrets';
import { Directory } from '../host/directory';
import { createHostServices, provisionedEmergencyOf } from '../host/services';
import { HostEventQueue } from '../host/host-events';
import { CallRecord } from '../host/call-record';
import { CallHistoryStore } from '../host/call-history';
import { ContactStore } from '../host/contacts';
import { createNetworkMonitor } from '../host/network';
import { openConfSettings } from '../host/settings-store';

export interface WebHostOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  dataDir: string;
  provisioningPath?: string | null;
  /** The built renderer; default `out/renderer` under the current directory. */
  rendererDir?: string;
  systemLocale?: string;
  /** Tests only (the CLI's --test-interfaces): the network interfaces come from this file. */
  testInterfacesFile?: string | null;
}

export interface WebHost {
  /** `http://127.0.0.1:PORT/#token=TOKEN`: the address to open. */
  url: string;
  token: string;
  port: number;
  /** Start-up problems (settings recovered, bad provisioning file), for the CLI to print. */
  notices: readonly HostNotice[];
  close(): Promise<void>;
}

export const TOKEN_HEADER = 'x-softphone-token';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.txt': 'text/plain; charset=utf-8',
};

const MAX_BODY = 64 * 1024;
/** importContacts carries a whole vCard file: its bytes, plus room for JSON's escapes. */
const MAX_IMPORT_BODY = 2 * MAX_CONTACTS_IMPORT_BYTES + MAX_BODY;
const readFileAsync = promisify(readFile);
const statAsync = promisify(stat);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, max = MAX_BODY): Promise<string> {
  return new Promise((resolveBody, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > max) {
      reject(new HttpError(413, 'request too large'));
      return;
    }
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new HttpError(413, 'request too large'));
        req.pause();
      } else chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Constant-time, so the token cannot be guessed byte by byte from response times. */
function tokenMatches(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const SECURITY_HEADERS = {
  // JSON answers connect nowhere; pages get theirs from securityHeaders() below.
  'Content-Security-Policy': contentSecurityPolicy({ gateways: [] }),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  // Owner-only: it holds the encrypted password and its key.
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const rendererDir = resolve(opts.rendererDir ?? join(process.cwd(), 'out', 'renderer'));
  const { settings, notices: settingsNotices } = openConfSettings(opts.dataDir);
  const provisioning = opts.provisioningPath != null ? loadProvisioning(opts.provisioningPath) : null;
  // The monitor asks the services for the account's STUN server only once it runs.
  const network = createNetworkMonitor(
    async () => (await services.getState()).account,
    // The last valid file's sites too, when the file is broken now.
    async () => provisionedEmergencyOf(provisioning, settings)?.networkSites ?? [],
    { interfacesFile: opts.testInterfacesFile ?? null },
  );
  const directory = new Directory(opts.dataDir, {
    onError: (err) => process.stderr.write(`softphone web: the directory copy could not be saved: ${err instanceof Error ? err.message : String(err)}\n`),
  });
  const services: HostApi = createHostServices({
    events: new HostEventQueue(),
    mode: 'web',
    settings,
    secrets: fileKeySecrets(opts.dataDir),
    provisioning,
    systemLocale: opts.systemLocale ?? Intl.DateTimeFormat().resolvedOptions().locale,
    notices: settingsNotices,
    network,
    callRecord: new CallRecord(opts.dataDir),
    callHistory: new CallHistoryStore(opts.dataDir, {
      onError: (err) => process.stderr.write(`softphone web: the call history could not be saved: ${err instanceof Error ? err.message : String(err)}\n`),
    }),
    contacts: new ContactStore(opts.dataDir, {
      onError: (err) => process.stderr.write(`softphone web: the address book could not be saved: ${err instanceof Error ? err.message : String(err)}\n`),
    }),
    directory,
    directorySecrets: fileKeySecrets(opts.dataDir, DIRECTORY_SECRET),
  });
  void network.start();
  directory.start();
  const token = randomBytes(32).toString('base64url');
  // Filled in once the port is known; requests cannot arrive before that.
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();
  // Any gateway: the tab is not reloaded when an account is saved, so it must reach the new one.
  const securityHeaders = (): Record<string, string> => ({
    ...SECURITY_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy({ gateways: 'any', extra: [...allowedOrigins] }),
  });

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    // A page from another site (even one rebound to 127.0.0.1) is refused before the token check.
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) throw new HttpError(403, 'bad origin');
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') throw new HttpError(403, 'cross-site request');
    if (!tokenMatches(req.headers[TOKEN_HEADER], token)) throw new HttpError(401, 'missing or wrong token');
    let args: unknown;
    try {
      const body = await readBody(req, method === 'importContacts' ? MAX_IMPORT_BODY : MAX_BODY);
      args = body.trim() === '' ? [] : JSON.parse(body);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, 'the body must be a JSON array of arguments');
    }
    let call: ReturnType<typeof checkHostCall>;
    try {
      call = checkHostCall(decodeURIComponent(method), args);
    } catch (err) {
      if (err instanceof HostCallError) throw new HttpError(400, err.message);
      throw err;
    }
    const fn = services[call.method] as (...a: unknown[]) => Promise<unknown>;
    sendJson(res, 200, { result: await fn(...call.args) });
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed');
    let rel: string;
    try {
      rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    } catch {
      throw new HttpError(400, 'bad path');
    }
    // resolve() collapses `..`; anything that lands outside the renderer directory is refused.
    const file = resolve(rendererDir, `.${rel}`);
    if (rel.includes('\0') || !file.startsWith(rendererDir + sep)) throw new HttpError(404, 'not found');
    let data: Buffer;
    try {
      if (!(await statAsync(file)).isFile()) throw new Error('not a file');
      data = await readFileAsync(file);
    } catch {
      throw new HttpError(404, 'not found');
    }
    res.writeHead(200, {
      ...securityHeaders(),
      'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': data.length,
      'Cache-Control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  const server = createServer((req, res) => {
    const respond = async (): Promise<void> => {
      // Only our own host name: a DNS-rebinding page arrives with its own name in Host.
      if (!allowedHosts.has(req.headers.host ?? '')) throw new HttpError(421, 'wrong host');
      const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (pathname.startsWith('/api/')) await handleApi(req, res, pathname.slice('/api/'.length));
      else await handleStatic(req, res, pathname);
    };
    respond().catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = err instanceof HttpError ? err.status : 500;
      sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  // The tab's keep-alive connections would otherwise hold close() open.
  server.keepAliveTimeout = 5_000;

  const port = await new Promise<number>((resolvePort, reject) => {
    server.once('error', reject);
    // 127.0.0.1 only: the API must never be reachable from the network.
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : 0);
    });
  });
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));

  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    token,
    port,
    // The services' list: a broken file's notice says what of its last valid settings stays in force.
    notices: (await services.getState()).notices,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        network.stop();
        directory.stop();
        server.close((err) => (err ? reject(err) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}
