import { type Checked, type FieldError, fieldError } from './result';
import { Grammar } from 'sip.js/lib/grammar/index.js';

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** The SIP account, without its password (kept apart, in the host's secret store). */
export interface Account {
  /** WebSocket URLs of the gateways, in failover order. */
  gateways: string[];
  /** The address of record, e.g. `sip:alice@example.com`. */
  sipUri: string;
  authUser: string;
  displayName: string;
  /** Only these are used: sip.js's public default STUN server never is. */
  iceServers: IceServer[];
}

export interface AccountWithPassword extends Account {
  password: string;
}

const MAX_TEXT = 256;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `wss://` anywhere; plain `ws://` only to this machine, where TLS protects nothing. */
export function checkGatewayUrl(raw: unknown, field: string): FieldError | null {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return fieldError(field, 'gatewayRequired', 'a gateway WebSocket URL is required');
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fieldError(field, 'gatewayInvalid', `"${raw}" is not a valid URL`);
  }
  if (url.protocol === 'wss:') return null;
  if (url.protocol === 'ws:') {
    return LOOPBACK_HOSTS.has(url.hostname)
      ? null
      : fieldError(field, 'gatewayInsecure', 'ws:// is allowed only for 127.0.0.1; use wss://');
  }
  return fieldError(field, 'gatewayScheme', 'the gateway URL must start with wss://');
}

/**
 * An address of record, checked with sip.js's own grammar (a regex let `sip:a>,<x@example.com`
 * through, which then broke P-Preferred-Identity). No URI parameters or headers.
 */
export function parseSipUri(raw: string): { user: string; host: string } | null {
  const trimmed = raw.trim();
  if (!/^sips?:[^;?\s]+$/i.test(trimmed)) return null;
  const uri = Grammar.URIParse(trimmed);
  if (!uri || !uri.user || !uri.host) return null;
  return { user: uri.user, host: uri.host };
}

/**
 * sip.js writes the digest user name between quotes without escaping, and escaping it would change
 * the digest: refuse what cannot stand there.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const AUTH_USER_FORBIDDEN = /["\\\u0000-\u001f\u007f]/;

function text(v: unknown, field: string, errors: FieldError[], required: boolean): string {
  if (v === undefined || v === null || v === '') {
    if (required) errors.push(fieldError(field, 'required', 'this field is required'));
    return '';
  }
  if (typeof v !== 'string') {
    errors.push(fieldError(field, 'notText', 'must be text'));
    return '';
  }
  if (v.length > MAX_TEXT) errors.push(fieldError(field, 'tooLong', `must be at most ${MAX_TEXT} characters`));
  if (/[\r\n\0]/.test(v)) errors.push(fieldError(field, 'controlChars', 'must not contain line breaks'));
  return v.trim();
}

function checkIceServers(raw: unknown, errors: FieldError[], p: (f: string) => string): IceServer[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    errors.push(fieldError(p('iceServers'), 'notList', 'must be a list'));
    return [];
  }
  return raw.map((entry: unknown, i) => {
    const field = p(`iceServers[${i}]`);
    const obj = typeof entry === 'string' ? { urls: [entry] } : entry;
    if (!isObject(obj)) {
      errors.push(fieldError(field, 'iceInvalid', 'must be a URL or an object with urls'));
      return { urls: [] };
    }
    const urls = typeof obj.urls === 'string' ? [obj.urls] : obj.urls;
    if (!Array.isArray(urls) || urls.length === 0) {
      errors.push(fieldError(`${field}.urls`, 'iceInvalid', 'needs at least one stun: or turn: URL'));
      return { urls: [] };
    }
    for (const u of urls) {
      if (typeof u !== 'string' || !/^(stuns?|turns?):[^\s]+$/.test(u)) {
        errors.push(fieldError(`${field}.urls`, 'iceInvalid', `"${String(u)}" is not a stun: or turn: URL`));
      }
    }
    const server: IceServer = { urls: urls.filter((u): u is string => typeof u === 'string') };
    if (typeof obj.username === 'string') server.username = obj.username;
    if (typeof obj.credential === 'string') server.credential = obj.credential;
    return server;
  });
}

/**
 * Checks an account from the first-run form, the settings file or the provisioning file.
 * `password` is checked only when `requirePassword` says so (a stored account keeps it apart).
 */
export function checkAccount(raw: unknown, requirePassword: boolean, prefix = ''): Checked<AccountWithPassword> {
  const errors: FieldError[] = [];
  const p = (f: string): string => (prefix ? `${prefix}.${f}` : f);
  if (!isObject(raw)) {
    return { ok: false, errors: [fieldError(prefix || 'account', 'notObject', 'must be an object')] };
  }
  const gatewaysRaw: unknown[] =
    typeof raw.gateways === 'string' ? raw.gateways.split(/[\s,]+/).filter(Boolean) : Array.isArray(raw.gateways) ? raw.gateways : [];
  if (gatewaysRaw.length === 0) errors.push(fieldError(p('gateways'), 'gatewayRequired', 'at least one gateway URL is required'));
  const gateways: string[] = [];
  gatewaysRaw.forEach((g, i) => {
    const err = checkGatewayUrl(g, `${p('gateways')}[${i}]`);
    if (err) errors.push(err);
    else gateways.push(String(g).trim());
  });
  const sipUri = text(raw.sipUri, p('sipUri'), errors, true);
  if (sipUri && !parseSipUri(sipUri)) errors.push(fieldError(p('sipUri'), 'sipUriInvalid', 'must look like sip:user@domain'));
  const authUser = text(raw.authUser, p('authUser'), errors, false) || parseSipUri(sipUri)?.user || '';
  if (AUTH_USER_FORBIDDEN.test(authUser)) errors.push(fieldError(p('authUser'), 'authUserChars', 'must not contain quotes, backslashes or control characters'));
  const displayName = text(raw.displayName, p('displayName'), errors, false);
  const password = typeof raw.password === 'string' ? raw.password : '';
  if (requirePassword && password === '') errors.push(fieldError(p('password'), 'required', 'this field is required'));
  if (password.length > MAX_TEXT) errors.push(fieldError(p('password'), 'tooLong', `must be at most ${MAX_TEXT} characters`));
  const iceServers = checkIceServers(raw.iceServers, errors, p);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { gateways, sipUri, authUser, displayName, iceServers, password } };
}

export function withoutPassword(a: AccountWithPassword): Account {
  const { password: _password, ...account } = a;
  return account;
}
