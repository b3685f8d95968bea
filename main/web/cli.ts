/**
 * Web mode: `node out/main/web.js [--port N] [--data-dir DIR] [--provisioning FILE]`, this file as
 * `npx electron-vite build` builds it (`npm run web` builds, then starts it; `node --import tsx
 * main/web/cli.ts` runs the source). The app runs in an ordinary browser; the host
 * services run in this Node process. `--test-interfaces FILE` is for tests only (see --help).
 *
 * Stdout carries exactly one machine-readable line, `SOFTPHONE_WEB_URL=http://127.0.0.1:PORT/#token=TOKEN`,
 * which tests parse; everything else for humans goes to stderr, apart from one friendly line.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROVISIONING_ENV } from '../host/provisioning';
import { startWebHost } from './server';

function fail(message: string): never {
  process.stderr.write(`softphone web: ${message}\n`);
  process.exit(2);
}

let values: { port?: string; 'data-dir'?: string; provisioning?: string; 'test-interfaces'?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      provisioning: { type: 'string' },
      'test-interfaces': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
if (values.help) {
  process.stderr.write(
    'usage: node out/main/web.js [--port N] [--data-dir DIR] [--provisioning FILE]\n' +
      '\n' +
      'Test only:\n' +
      '  --test-interfaces FILE  read the network interfaces from FILE (JSON shaped like os.networkInterfaces(),\n' +
      '                          polled for changes) instead of the OS. They choose the address sent with an\n' +
      '                          emergency call: never use it outside tests.\n',
  );
  process.exit(0);
}

const portText = values.port ?? process.env.SOFTPHONE_WEB_PORT ?? '0';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) fail(`--port must be a number from 0 to 65535, not "${portText}"`);
const dataDir = resolve(values['data-dir'] ?? join(homedir(), '.config', 'secours-softphone-web'));
const rendererDir = resolve('out', 'renderer');
if (!existsSync(join(rendererDir, 'index.html'))) {
  process.stderr.write(`softphone web: ${rendererDir}/index.html is missing; run \`npx electron-vite build\` (npm run web does).\n`);
}

// Only here, from an explicit flag: Electron's main has no way to set it.
const testInterfaces = values['test-interfaces'];
if (testInterfaces !== undefined) {
  if (testInterfaces === '') fail('--test-interfaces needs a file');
  process.stderr.write(`softphone web: test mode: network interfaces are read from ${resolve(testInterfaces)}, not the OS\n`);
}

let host: Awaited<ReturnType<typeof startWebHost>>;
try {
  host = await startWebHost({
    port,
    dataDir,
    rendererDir,
    provisioningPath: values.provisioning ?? (process.env[PROVISIONING_ENV] || null),
    testInterfacesFile: testInterfaces ? resolve(testInterfaces) : null,
  });
} catch (err) {
  fail(`could not start: ${err instanceof Error ? err.message : String(err)}`);
}

for (const n of host.notices) process.stderr.write(`softphone web: ${n.code}: ${n.message}\n`);
process.stdout.write(`SOFTPHONE_WEB_URL=${host.url}\n`);
process.stdout.write(`Secours Softphone (web mode) is ready: open the address above in Chrome or Chromium. Data: ${dataDir}. Ctrl+C stops it.\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  host.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
