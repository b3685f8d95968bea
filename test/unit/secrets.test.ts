/** Named secret stores: the directory's credentials next to the SIP password, never in its place. */
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIRECTORY_SECRET, fileKeySecrets, safeStorageSecrets, SIP_SECRET, type SafeStorageLike } from '../../main/host/secrets';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'softphone-secrets-'));

/** A keychain that "encrypts" by reversing: enough to see which file holds what. */
const fakeKeychain: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from([...s].reverse().join(''), 'utf8'),
  decryptString: (b) => [...b.toString('utf8')].reverse().join(''),
  getSelectedStorageBackend: () => 'gnome_libsecret',
};

describe('named secret stores', () => {
  it('web mode: the SIP password keeps its files; the directory has its own, under the same key', () => {
    const dir = tmp();
    const sip = fileKeySecrets(dir);
    sip.set('sip-password');
    const directory = fileKeySecrets(dir, DIRECTORY_SECRET);
    expect(directory.get()).toBeNull();
    directory.set('directory-password');
    expect(readdirSync(dir).sort()).toEqual(['directory-secret.enc', 'secrets.enc', 'secrets.key']);
    // Each reads its own, also from a new store object (a restart).
    expect(fileKeySecrets(dir).get()).toBe('sip-password');
    expect(fileKeySecrets(dir, SIP_SECRET).get()).toBe('sip-password');
    expect(fileKeySecrets(dir, DIRECTORY_SECRET).get()).toBe('directory-password');
    directory.delete();
    expect(fileKeySecrets(dir).get()).toBe('sip-password');
    expect(existsSync(join(dir, 'directory-secret.enc'))).toBe(false);
  });

  it('web mode: one secret’s file copied over another’s does not decrypt as it', () => {
    const dir = tmp();
    fileKeySecrets(dir).set('sip-password');
    fileKeySecrets(dir, DIRECTORY_SECRET).set('directory-password');
    copyFileSync(join(dir, 'secrets.enc'), join(dir, 'directory-secret.enc'));
    expect(fileKeySecrets(dir, DIRECTORY_SECRET).get()).toBeNull();
    fileKeySecrets(dir, DIRECTORY_SECRET).set('directory-password');
    copyFileSync(join(dir, 'directory-secret.enc'), join(dir, 'secrets.enc'));
    expect(fileKeySecrets(dir).get()).toBeNull();
  });

  it('Electron: a file per name, the SIP password’s still secrets.bin', () => {
    const dir = tmp();
    safeStorageSecrets(fakeKeychain, dir).set('sip-password');
    safeStorageSecrets(fakeKeychain, dir, DIRECTORY_SECRET).set('directory-password');
    expect(readdirSync(dir).sort()).toEqual(['directory-secret.bin', 'secrets.bin']);
    expect(safeStorageSecrets(fakeKeychain, dir).get()).toBe('sip-password');
    expect(safeStorageSecrets(fakeKeychain, dir, DIRECTORY_SECRET).get()).toBe('directory-password');
  });

  it('a name is a plain word, never a path', () => {
    for (const bad of ['../secrets', 'a/b', '', 'Secrets', '.hidden']) {
      expect(() => fileKeySecrets(tmp(), bad)).toThrow(/bad secret name/);
      expect(() => safeStorageSecrets(fakeKeychain, tmp(), bad)).toThrow(/bad secret name/);
    }
  });
});
