/**
 * The administrator's provisioning file (JSON), named by `--provisioning FILE` or the
 * SOFTPHONE_PROVISIONING environment variable. Schema: docs/provisioning.md.
 * A bad file never stops the app: problems become notices naming the file and the field. Messages
 * are details (`<file>: <field>: <problem>`); the UI puts its own translated sentence around them.
 */
import { readFileSync, statSync } from 'node:fs';
import { checkAccount, type AccountWithPassword } from '../../src/account';
import { EmergencyCatalogue, type EmergencyNumberInput } from '../../src/emergency/catalogue';
import type { CivicAddress } from '../../src/emergency/civic-address';
import { validateCivicAddress } from '../../src/emergency/address-validation';
import { isCidr, type NetworkSite } from '../../src/network/sites';
import { checkTestLine } from '../../src/emergency/test-line';
import { checkGatewayProfile, type GatewayProfile } from '../../src/emergency/gateway-profile';
import { catalogueWith } from '../../src/emergency/catalogues';
import type { HostNotice } from '../../src/host-api';
import { describeErrors, fieldError, type FieldError } from '../../src/result';

export const PROVISIONING_FLAG = '--provisioning';
export const PROVISIONING_ENV = 'SOFTPHONE_PROVISIONING';
export const PROVISIONING_VERSION = 1;
/** A provisioning file is a few hundred bytes; refuse to slurp something huge by mistake. */
const MAX_BYTES = 1024 * 1024;

export interface Provisioning {
  path: string;
  /** False when the file could not be read or checked: nothing in it is used. */
  ok: boolean;
  /** The managed account, or null if the file has none (or is not ok). */
  account: AccountWithPassword | null;
  emergency: ProvisionedEmergency | null;
  /** The company directory (the `directory` section), or null if the file has none (or is not ok). */
  directory?: ProvisionedDirectory | null;
  /** Show first run (account managed, address, test call) once on each machine; false skips it. */
  firstRun: boolean;
  notices: HostNotice[];
}

/** The `emergency` section: see docs/provisioning.md. */
export interface ProvisionedEmergency {
  homeCountry?: string;
  outsideLinePrefix?: string;
  numbers: EmergencyNumberInput[];
  address?: CivicAddress;
  /** The administrator's address cannot be edited by the user. */
  addressLocked: boolean;
  /** Days before the user is asked to confirm the address again (default 90). */
  reminderDays?: number;
  /** Networks mapped to a site and its address; a match wins over what the user entered. */
  networkSites: NetworkSite[];
  /** The number "Test my emergency setup" calls (a test line such as US 933, never a real one). */
  testNumber?: string;
  /** Who is told when an emergency call starts (Kari's law): a SIP address reached by MESSAGE. */
  securityDesk?: string;
  /** What the emergency gateway expects of the INVITE (docs/gateways.md). */
  gatewayProfile?: GatewayProfile;
  /** RFC 7852 SubscriberInfo (the caller's name and languages) may go with the call. */
  sendSubscriberInfo?: boolean;
}

/** The `directory` section: a read-only CardDAV address book (docs/provisioning.md). */
export interface ProvisionedDirectory {
  carddav: {
    /** The address book collection's URL. */
    url: string;
    username: string;
    /** Absent: the one stored for this URL and user, if any (see main/host/directory.ts). */
    password?: string;
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `https://` anywhere; plain `http://` only to this machine, as for the gateways' `ws://`. Null when fine. */
export function checkDirectoryUrl(raw: unknown, field: string): FieldError | null {
  if (typeof raw !== 'string' || raw.trim() === '') return fieldError(field, 'required', 'the address book URL is required');
  if (raw.length > 2048) return fieldError(field, 'tooLong', 'must be at most 2048 characters');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fieldError(field, 'urlInvalid', 'is not a valid URL');
  }
  // Credentials go in username/password, never in the URL (which is shown and logged).
  if (url.username || url.password) return fieldError(field, 'urlCredentials', 'must not contain a user name or password; use username and password');
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') {
    return LOOPBACK_HOSTS.has(url.hostname) ? null : fieldError(field, 'urlInsecure', 'http:// is allowed only for 127.0.0.1; use https://');
  }
  return fieldError(field, 'urlScheme', 'the address book URL must start with https://');
}

function checkDirectory(value: unknown, errors: FieldError[]): ProvisionedDirectory | null {
  const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) {
    errors.push(fieldError('directory', 'notObject', 'must be an object'));
    return null;
  }
  const p = 'directory.carddav';
  const c = value.carddav;
  if (!isObject(c)) {
    errors.push(fieldError(p, c === undefined ? 'required' : 'notObject', 'must be an object with url and username'));
    return null;
  }
  const before = errors.length;
  const urlError = checkDirectoryUrl(c.url, `${p}.url`);
  if (urlError) errors.push(urlError);
  const line = (v: unknown, field: string, required: boolean): void => {
    if (v === undefined && !required) return;
    if (typeof v !== 'string') errors.push(v === undefined ? fieldError(field, 'required', 'is required') : fieldError(field, 'notText', 'must be text'));
    else if (required && v.trim() === '') errors.push(fieldError(field, 'required', 'is required'));
    else if (v.length > 256) errors.push(fieldError(field, 'tooLong', 'must be at most 256 characters'));
    else if (/[\r\n\0]/.test(v)) errors.push(fieldError(field, 'controlChars', 'must not contain line breaks'));
  };
  line(c.username, `${p}.username`, true);
  // HTTP Basic authentication cannot carry a colon in the user name (RFC 7617).
  if (typeof c.username === 'string' && c.username.includes(':')) errors.push(fieldError(`${p}.username`, 'colon', 'must not contain ":"'));
  line(c.password, `${p}.password`, false);
  if (errors.length > before) return null;
  const carddav: ProvisionedDirectory['carddav'] = { url: (c.url as string).trim(), username: (c.username as string).trim() };
  if (typeof c.password === 'string') carddav.password = c.password;
  return { carddav };
}

const catalogue = new EmergencyCatalogue();
const isCountry = (c: string): boolean => catalogue.isKnownRegion(c);

function checkEmergency(value: unknown, errors: FieldError[]): ProvisionedEmergency | null {
  const p = 'emergency';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push(fieldError(p, 'notObject', 'must be an object'));
    return null;
  }
  const r = value as Raw;
  const before = errors.length;
  const out: ProvisionedEmergency = { numbers: [], addressLocked: r.addressLocked === true, networkSites: [] };
  if (r.homeCountry !== undefined) {
    if (typeof r.homeCountry === 'string' && isCountry(r.homeCountry.toUpperCase())) out.homeCountry = r.homeCountry.toUpperCase();
    else errors.push(fieldError(`${p}.homeCountry`, 'countryInvalid', 'must be a two-letter ISO 3166 country code'));
  }
  if (r.outsideLinePrefix !== undefined) {
    if (typeof r.outsideLinePrefix === 'string' && /^[0-9]{0,2}$/.test(r.outsideLinePrefix)) out.outsideLinePrefix = r.outsideLinePrefix;
    else errors.push(fieldError(`${p}.outsideLinePrefix`, 'prefixInvalid', 'must be one or two digits, or empty'));
  }
  if (r.numbers !== undefined) {
    if (!Array.isArray(r.numbers)) errors.push(fieldError(`${p}.numbers`, 'notList', 'must be a list'));
    else
      r.numbers.forEach((n: unknown, i) => {
        const f = `${p}.numbers[${i}]`;
        const e = (typeof n === 'object' && n !== null ? n : {}) as Raw;
        const service = (typeof e.service === 'object' && e.service !== null ? e.service : {}) as Raw;
        const number = typeof e.number === 'string' ? e.number.replace(/\s/g, '') : '';
        if (typeof e.country !== 'string' || !isCountry(e.country.toUpperCase())) errors.push(fieldError(`${f}.country`, 'countryInvalid', 'must be a two-letter ISO 3166 country code'));
        else if (!/^[0-9]{2,8}$/.test(number)) errors.push(fieldError(`${f}.number`, 'numberInvalid', 'must be 2 to 8 digits'));
        else if (typeof service.en !== 'string' || typeof service.fr !== 'string') errors.push(fieldError(`${f}.service`, 'serviceInvalid', 'needs "en" and "fr" names'));
        else if (e.urn !== undefined && (typeof e.urn !== 'string' || !/^urn:service:[a-z0-9.-]+$/i.test(e.urn))) errors.push(fieldError(`${f}.urn`, 'urnInvalid', 'must be an RFC 5031 urn:service: URN'));
        else out.numbers.push({ country: e.country.toUpperCase(), number, service: { en: service.en, fr: service.fr }, urn: e.urn as string | undefined });
      });
  }
  if (r.address !== undefined) {
    const checked = validateCivicAddress(r.address);
    if (checked.ok) out.address = checked.value;
    else errors.push(...checked.errors.map((e) => ({ ...e, field: `${p}.address.${e.field}` })));
  }
  if (r.networkSites !== undefined) {
    if (!Array.isArray(r.networkSites)) errors.push(fieldError(`${p}.networkSites`, 'notList', 'must be a list'));
    else
      r.networkSites.forEach((raw: unknown, i) => {
        const f = `${p}.networkSites[${i}]`;
        const site = (typeof raw === 'object' && raw !== null ? raw : {}) as Raw;
        const list = (v: unknown): string[] | null => (v === undefined ? [] : Array.isArray(v) && v.every((c) => typeof c === 'string' && isCidr(c)) ? (v as string[]) : null);
        const subnets = list(site.subnets);
        const publicIps = list(site.publicIps);
        const address = validateCivicAddress(site.address);
        if (typeof site.name !== 'string' || site.name.trim() === '') errors.push(fieldError(`${f}.name`, 'required', 'needs a name'));
        else if (subnets === null) errors.push(fieldError(`${f}.subnets`, 'cidrInvalid', 'must be a list of IPv4 CIDR ranges such as 10.1.0.0/16'));
        else if (publicIps === null) errors.push(fieldError(`${f}.publicIps`, 'cidrInvalid', 'must be a list of IPv4 CIDR ranges such as 198.51.100.0/24'));
        else if (!address.ok) errors.push(...address.errors.map((e) => ({ ...e, field: `${f}.address.${e.field}` })));
        else out.networkSites.push({ name: site.name.trim(), subnets, publicIps, address: address.value });
      });
  }
  if (r.securityDesk !== undefined) {
    if (typeof r.securityDesk === 'string' && /^sips?:[^@\s]+@[^\s]+$/.test(r.securityDesk) && r.securityDesk.length <= 256) out.securityDesk = r.securityDesk;
    else errors.push(fieldError(`${p}.securityDesk`, 'sipUriInvalid', 'must be a SIP address such as sip:security@example.com'));
  }
  if (r.testNumber !== undefined) {
    const n = typeof r.testNumber === 'string' ? r.testNumber.replace(/\s/g, '') : '';
    // Every country this file names; the host checks again against the OS region and the network.
    const countries = [out.homeCountry, out.address?.country, ...out.networkSites.map((s) => s.address.country), ...out.numbers.map((x) => x.country)];
    const check = /^[0-9]{2,10}$/.test(n) ? checkTestLine(n, countries, catalogueWith(out.numbers)) : null;
    if (!check) errors.push(fieldError(`${p}.testNumber`, 'numberInvalid', 'must be 2 to 10 digits'));
    // A real emergency number is never a test line.
    else if (!check.ok) errors.push(fieldError(`${p}.testNumber`, 'realEmergency', `${n} is a real emergency number in ${check.country}, not a test line`));
    else out.testNumber = n;
  }
  if (r.gatewayProfile !== undefined) {
    const checked = checkGatewayProfile(r.gatewayProfile, `${p}.gatewayProfile`);
    if (checked.ok) out.gatewayProfile = checked.value;
    else errors.push(...checked.errors);
  }
  if (r.sendSubscriberInfo !== undefined) {
    if (typeof r.sendSubscriberInfo === 'boolean') out.sendSubscriberInfo = r.sendSubscriberInfo;
    else errors.push(fieldError(`${p}.sendSubscriberInfo`, 'notBoolean', 'must be true or false'));
  }
  if (r.reminderDays !== undefined) {
    if (typeof r.reminderDays === 'number' && Number.isInteger(r.reminderDays) && r.reminderDays >= 1 && r.reminderDays <= 3650) out.reminderDays = r.reminderDays;
    else errors.push(fieldError(`${p}.reminderDays`, 'reminderInvalid', 'must be a whole number of days from 1 to 3650'));
  }
  return errors.length > before ? null : out;
}

/** Re-checks an emergency section kept from an earlier valid file (the settings may be hand-edited). */
export function checkProvisionedEmergency(value: unknown): ProvisionedEmergency | null {
  return value === null || value === undefined ? null : checkEmergency(value, []);
}

/**
 * Offset of the first error in a text that is not JSON, or -1 if it is. A scan of our own because
 * V8's message quotes the text around the error, and in this file that text may be a password.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  const stack: Array<'{' | '['> = [];
  const space = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c !== 0x5c) i++;
      else if (text[i + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
      else if (text[i + 1] !== undefined && '"\\/bfnrt'.includes(text[i + 1] as string)) i += 2;
      else return false;
    }
    return false;
  };
  const number = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const scalar = (): boolean => {
    if (text[i] === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return true;
      }
    }
    number.lastIndex = i;
    if (!number.test(text)) return false;
    i = number.lastIndex;
    return true;
  };
  // Iterative, so a deeply nested file cannot overflow the stack.
  let want: 'value' | 'key' | 'next' = 'value';
  for (;;) {
    space();
    if (want === 'value') {
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        space();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
          want = 'next';
        } else {
          stack.push(c);
          want = c === '{' ? 'key' : 'value';
        }
      } else if (scalar()) want = 'next';
      else return i;
    } else if (want === 'key') {
      if (text[i] !== '"' || !string()) return i;
      space();
      if (text[i] !== ':') return i;
      i++;
      want = 'value';
    } else {
      const open = stack[stack.length - 1];
      if (open === undefined) return i < n ? i : -1;
      if (text[i] === ',') {
        i++;
        want = open === '{' ? 'key' : 'value';
      } else if (text[i] === (open === '{' ? '}' : ']')) {
        i++;
        stack.pop();
      } else return i;
    }
  }
}

/** "at line L, column C" (1-based) of the first JSON error, and nothing of the text itself. */
function jsonErrorWhere(text: string): string {
  const at = jsonErrorOffset(text);
  if (at < 0) return '';
  const line = text.slice(0, at).split('\n').length;
  const column = at - text.lastIndexOf('\n', at - 1);
  return `${at >= text.length ? ' (it ends too early)' : ''} at line ${line}, column ${column}`;
}

/** `--provisioning FILE` or `--provisioning=FILE` wins over the environment variable. */
export function provisioningPath(argv: readonly string[], env: Record<string, string | undefined>): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === PROVISIONING_FLAG) return argv[i + 1] ?? '';
    if (arg.startsWith(`${PROVISIONING_FLAG}=`)) return arg.slice(PROVISIONING_FLAG.length + 1);
  }
  return env[PROVISIONING_ENV] || null;
}

type Raw = Record<string, unknown>;

/**
 * The checker of each known top-level section. Later versions add sections (`emergency`, `address`,
 * `networkSites`) here; keys not listed are ignored so an older app can read a newer admin's file.
 */
const SECTIONS = {
  account: (value: unknown, errors: FieldError[]): AccountWithPassword | null => {
    const checked = checkAccount(value, false, 'account');
    if (checked.ok) return checked.value;
    errors.push(...checked.errors);
    return null;
  },
};

function failed(path: string, notice: HostNotice): Provisioning {
  return { path, ok: false, account: null, emergency: null, directory: null, firstRun: true, notices: [notice] };
}

export function loadProvisioning(path: string): Provisioning {
  if (path === '') {
    return failed(path, {
      code: 'provisioningUnreadable',
      message: `${PROVISIONING_FLAG} needs the path of the provisioning file`,
    });
  }
  let text: string;
  try {
    if (statSync(path).size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return failed(path, {
      code: 'provisioningUnreadable',
      message: `${path}: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  let raw: unknown;
  const json = text.replace(/^\uFEFF/, ''); // Tolerate a BOM from Windows editors.
  try {
    raw = JSON.parse(json);
  } catch {
    // Never the parser's message: it quotes the file, and the password may be next to the error.
    const where = jsonErrorWhere(json);
    return failed(path, {
      code: 'provisioningInvalid',
      message: `${path}: not valid JSON${where}`,
      errors: [fieldError('(file)', 'notJson', `is not valid JSON${where}`)],
    });
  }

  const errors: FieldError[] = [];
  let account: AccountWithPassword | null = null;
  let emergency: ProvisionedEmergency | null = null;
  let directory: ProvisionedDirectory | null = null;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push(fieldError('(file)', 'notObject', 'must be a JSON object'));
  } else {
    const r = raw as Raw;
    if (r.version === undefined) {
      errors.push(fieldError('version', 'required', `is required (use ${PROVISIONING_VERSION})`));
    } else if (r.version !== PROVISIONING_VERSION) {
      errors.push(
        fieldError('version', 'unsupported', `${JSON.stringify(r.version)} is not supported (this app reads version ${PROVISIONING_VERSION})`),
      );
    } else {
      if (r.account !== undefined) account = SECTIONS.account(r.account, errors);
      if (r.emergency !== undefined) emergency = checkEmergency(r.emergency, errors);
      if (r.directory !== undefined) directory = checkDirectory(r.directory, errors);
      if (r.firstRun !== undefined && typeof r.firstRun !== 'boolean') errors.push(fieldError('firstRun', 'type', 'must be true or false'));
    }
  }
  if (errors.length > 0) {
    return failed(path, {
      code: 'provisioningInvalid',
      message: `${path}: ${describeErrors(errors)}`,
      errors,
    });
  }
  return { path, ok: true, account, emergency, directory, firstRun: (raw as Raw).firstRun !== false, notices: [] };
}
