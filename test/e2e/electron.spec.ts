/**
 * Electron smoke test: runs where an Electron binary is installed; reports skipped where it can't
 * be (Electron fetches its binary on first use, and these machines can't download it).
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  // electron-log's own IPC bridge (no sender check) is not in the page.
  expect(await win.evaluate(() => typeof (window as unknown as { __electronLog?: unknown }).__electronLog)).toBe('undefined');
  await app.close();
});

test("the page may open WebSockets to the account's gateways only (CSP connect-src)", async () => {
  test.skip(binary === null, 'no Electron binary on this machine');
  const dir = mkdtempSync(join(tmpdir(), 'softphone-electron-'));
  const provisioning = join(dir, 'provisioning.json');
  const account = { gateways: ['ws://127.0.0.1:5066'], sipUri: 'sip:alice@127.0.0.1', authUser: 'alice', password: 'x', iceServers: [] };
  writeFileSync(provisioning, JSON.stringify({ version: 1, firstRun: false, account }));
  const app = await electron.launch({ executablePath: binary as string, args: ['.', '--no-sandbox', `--user-data-dir=${join(dir, 'data')}`, '--provisioning', provisioning] });
  const win = await app.firstWindow();
  await expect(win.getByRole('heading', { name: 'Secours Softphone' })).toBeVisible();
  const blocked = (url: string): Promise<boolean> =>
    win.evaluate(
      (u) =>
        new Promise<boolean>((resolve) => {
          const onViolation = (e: SecurityPolicyViolationEvent): void => {
            if (e.blockedURI.startsWith(u.replace(/\/$/, ''))) resolve(true);
          };
          document.addEventListener('securitypolicyviolation', onViolation);
          try {
            new WebSocket(u).close();
          } catch {
            resolve(true);
          }
          setTimeout(() => resolve(false), 1000);
        }),
      url,
    );
  expect(await blocked('ws://127.0.0.1:5066/')).toBe(false);
  expect(await blocked('ws://127.0.0.1:5067/')).toBe(true);
  expect(await blocked('wss://gateway.example.com/')).toBe(true);
  await app.close();
});
