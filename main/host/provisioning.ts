/**
 * The administrator's provisioning file (JSON), named by `--provisioning FILE` or the
 * SOFTPHONE_PROVISIONING environment variable. Schema: docs/provisioning.md.
 * A bad file never stops the app: problems become notices naming the file and the field.
 */
import { readFileSync, statSync } from 'node:fs';
import { checkAccount, type AccountWithPassword } from '../../src/account';
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
  notices: HostNotice[];
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
  return { path, ok: false, account: null, notices: [notice] };
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
      message: `Provisioning file ${path} could not be read: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, '')); // Tolerate a BOM from Windows editors.
  } catch (err) {
    return failed(path, {
      code: 'provisioningInvalid',
      message: `Provisioning file ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      errors: [fieldError('(file)', 'notJson', 'is not valid JSON')],
    });
  }

  const errors: FieldError[] = [];
  let account: AccountWithPassword | null = null;
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
    } else if (r.account !== undefined) {
      account = SECTIONS.account(r.account, errors);
    }
  }
  if (errors.length > 0) {
    return failed(path, {
      code: 'provisioningInvalid',
      message: `Provisioning file ${path} is invalid: ${describeErrors(errors)}`,
      errors,
    });
  }
  return { path, ok: true, account, notices: [] };
}
