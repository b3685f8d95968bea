/**
 * Where the SIP password lives: never in the settings JSON. Electron uses the OS keychain through
 * `safeStorage` (injected, so this file never imports Electron); web mode uses a key file.
 * Each store keeps one secret under a name: the SIP password's is `secrets` (its files are
 * `secrets.bin` / `secrets.enc`); other secrets (the directory's, `directory-secret`) have their own.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretStore {
  /** The stored password, or null if none (or it can no longer be decrypted). */
  get(): string | null;
  /** Throws if the password cannot be saved. Without a keyring it is kept in memory instead. */
  set(secret: string): void;
  delete(): void;
  /** False when there is no keyring: a password is then kept until the app quits, never written. */
  persistent(): boolean;
}

/** The slice of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only (absent elsewhere). */
  getSelectedStorageBackend?(): string;
}

/** Writes owner-only, atomically: a crash mid-write never leaves a half-written secret. */
function writePrivate(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  // `mode` is ignored when the file already exists (and for the umask): set it explicitly.
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** The SIP password's store: its file names predate named stores and must not change. */
export const SIP_SECRET = 'secrets';
/** The company directory's CardDAV credentials (main/host/directory.ts). */
export const DIRECTORY_SECRET = 'directory-secret';

/** A name becomes a file name in the data directory: nothing that could leave it. */
function checkName(name: string): string {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(name)) throw new Error(`bad secret name ${JSON.stringify(name)}`);
  return name;
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

/**
 * Electron: the OS keychain (Keychain, DPAPI, libsecret/kwallet) encrypts `secrets.bin`. With no
 * keyring the password is kept in this process's memory only, so it must be typed again after a restart.
 */
export function safeStorageSecrets(safeStorage: SafeStorageLike, dir: string, name: string = SIP_SECRET): SecretStore {
  const file = join(dir, `${checkName(name)}.bin`);
  let session: string | null = null;
  // basic_text is Chromium's fixed-key fallback: obfuscation, not protection, so no keyring either.
  const keyring = (): boolean => safeStorage.isEncryptionAvailable() && safeStorage.getSelectedStorageBackend?.() !== 'basic_text';
  return {
    persistent: keyring,
    get: () => {
      if (session !== null) return session;
      const data = readOrNull(file);
      if (!data || !keyring()) return null;
      try {
        return safeStorage.decryptString(data);
      } catch {
        // Keychain changed or file damaged: the user types the password again.
        return null;
      }
    },
    set: (secret) => {
      // Never plain text on disk. The old file goes: it may be another account's password.
      if (!keyring()) {
        rmSync(file, { force: true });
        session = secret;
        return;
      }
      writePrivate(file, safeStorage.encryptString(secret));
      session = null;
    },
    delete: () => {
      session = null;
      rmSync(file, { force: true });
    },
  };
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Web mode (a developer and test mode) has no OS keychain. The password is encrypted with
 * AES-256-GCM under a random key kept in a separate 0600 file in the data directory. This only keeps
 * the password out of the settings JSON (and out of anything that copies just that file): anyone who
 * can read the data directory can read both files and decrypt it. Every named store of a data
 * directory shares the one key file, `secrets.key`.
 */
export function fileKeySecrets(dir: string, name: string = SIP_SECRET): SecretStore {
  const keyFile = join(dir, 'secrets.key');
  const file = join(dir, `${checkName(name)}.enc`);
  // Other stores' ciphertexts are bound to their name, so one cannot be passed off as another's.
  // The SIP password's has none: files written before named stores must still open.
  const aad = name === SIP_SECRET ? null : Buffer.from(`softphone-secret:${name}`, 'utf8');

  const existingKey = (): Buffer | null => {
    const key = readOrNull(keyFile);
    return key && key.length === KEY_BYTES ? key : null;
  };

  return {
    get: () => {
      const key = existingKey();
      const data = readOrNull(file);
      if (!key || !data || data.length < IV_BYTES + TAG_BYTES) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        decipher.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        if (aad) decipher.setAAD(aad);
        return Buffer.concat([decipher.update(data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        // Wrong key or tampered file: GCM's tag check fails; treat as no password.
        return null;
      }
    },
    set: (secret) => {
      let key = existingKey();
      if (!key) {
        key = randomBytes(KEY_BYTES);
        writePrivate(keyFile, key);
      }
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      if (aad) cipher.setAAD(aad);
      const encrypted = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      writePrivate(file, Buffer.concat([iv, cipher.getAuthTag(), encrypted]));
    },
    delete: () => rmSync(file, { force: true }),
    persistent: () => true,
  };
}

