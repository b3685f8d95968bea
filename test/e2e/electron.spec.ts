/**
 * Electron smoke test: runs where an Electron binary is installed; reports skipped where it can't
 * be (Electron fetches its binary on first use, and these machines can't download it).
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function electronBinary(): string | null {
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const bin = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test('the Electron app opens one secure window with the dialer', async () => {
  test.skip(binary === null, 'no Electron binary on this machine');
  const app = await electron.launch({ executablePath: binary as string, args: ['.', '--no-sandbox'] });
  const win = await app.firstWindow();
  await expect(win.getByRole('heading', { name: 'Secours Softphone' })).toBeVisible();
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  // No Node in the page, only the one typed API.
  expect(await win.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  expect(await win.evaluate(() => typeof (window as unknown as { softphone?: unknown }).softphone)).toBe('object');
  expect(await win.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  await app.close();
});
