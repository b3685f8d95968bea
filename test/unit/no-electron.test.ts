import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

// Web mode must never load Electron: in plain Node, `electron` tries to download its binary.
it('web mode loads without electron, electron-store or electron-log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softphone-guard-'));
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `export async function resolve(specifier, context, next) {
  if (/^electron($|\\/|-store|-log)/.test(specifier)) throw new Error('web mode imported ' + specifier);
  return next(specifier, context);
}\n`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  // Registered after tsx, so this hook sees every specifier first.
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', pathToFileURL(join(dir, 'register.mjs')).href, '--input-type=module', '-e', "await import('./main/web/server.ts'); console.log('loaded');"],
    { cwd: process.cwd(), encoding: 'utf8', timeout: 30_000 },
  );
  expect(r.stderr).not.toMatch(/web mode imported/);
  expect(r.stdout).toContain('loaded');
});
