/**
 * The safety the host's own data files share (call history, contacts, the directory's copy):
 * atomic owner-only rewrites, writes that never pile up or stop each other, and a damaged file
 * kept aside byte for byte rather than overwritten.
 */
import { chmodSync, copyFileSync, renameSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A crash mid-write leaves the old file or the new one, never half of one; owner-only (personal data). */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  // 'w' truncates a leftover .tmp; chmod as well, since the mode given to open applies to new files only.
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/**
 * File operations one after another: a failure goes to `onError` (the log) and never stops the
 * ones that follow; a rewrite asked for while one waits is the same rewrite.
 */
export class FileQueue {
  private tail: Promise<void> = Promise.resolve();
  private rewriteQueued = false;

  constructor(private readonly onError: (err: unknown) => void) {}

  run(op: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(op).catch((err: unknown) => {
      try {
        this.onError(err);
      } catch {
        // A failing logger must not stop the operations that follow.
      }
    });
    return this.tail;
  }

  /** Writes what `text()` gives when its turn comes: requests meanwhile are one write. */
  rewrite(file: string, text: () => string): Promise<void> {
    if (this.rewriteQueued) return this.tail;
    this.rewriteQueued = true;
    return this.run(() => {
      this.rewriteQueued = false;
      return writeFileAtomically(file, text());
    });
  }
}

/**
 * Keeps a damaged `<name>.json`, byte for byte, as `<name>.corrupt-<time>.json` beside it: moved
 * aside, or copied when its good parts stay in use. Returns the backup's path; throws when it
 * cannot be kept (then the caller must not overwrite the original).
 */
export function keepDamagedFile(file: string, how: 'move' | 'copy'): string {
  const backup = join(dirname(file), `${basename(file, '.json')}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  if (how === 'copy') copyFileSync(file, backup);
  else renameSync(file, backup);
  try {
    chmodSync(backup, 0o600); // Personal data, whatever the damaged file's mode was.
  } catch {
    // The backup exists; its mode is secondary.
  }
  return backup;
}
