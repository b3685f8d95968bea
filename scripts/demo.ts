/**
 * `npm run demo` (after scripts/demo.sh has installed what is missing and built the app): the local
 * test gateway (Kamailio + rtpengine + baresip, on 127.0.0.1), then the app provisioned with a demo
 * account (alice) and a demo address, so that 1000 (the far end, a tone) and 112 (the simulated
 * emergency answering point) can be called at once. Electron where its binary exists, otherwise web
 * mode in Chromium. Ctrl+C stops everything it started.
 *
 * Flags: --no-open (start, print the address, open nothing: for tests and remote machines),
 * --web (web mode even where Electron exists). Stdout carries `DEMO_SIPDUMP=<dir>` and `DEMO_URL=<address>` once ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAR_END_EXTENSION, startGateway } from '../test/gateway/harness';

const args = new Set(process.argv.slice(2));
const say = (line: string): void => void process.stderr.write(`demo: ${line}\n`);

const WEB_HOST = 'out/main/web.js';
if (!existsSync(WEB_HOST) || !existsSync('out/renderer/index.html')) {
  say(`${WEB_HOST} or out/renderer is missing: run \`npx electron-vite build\` (npm run demo does)`);
  process.exit(2);
}

/**
 * Electron's binary, when its package could download it (not on every machine). Read from its
 * path.txt rather than `require('electron')`, which tries to download a missing binary.
 */
function electronBinary(): string | null {
  const pkg = 'node_modules/electron';
  if (!existsSync(join(pkg, 'path.txt'))) return null;
  const binary = join(pkg, 'dist', readFileSync(join(pkg, 'path.txt'), 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'secours-demo-'));
let stopping = false;
say('starting the test gateway (Kamailio, rtpengine, baresip) on 127.0.0.1…');
const gw = await startGateway();

let stopped: Promise<void> | undefined;
/** Stops everything, once: a child exiting because of the stop does not cut the stop short. */
function stop(code: number): Promise<void> {
  stopped ??= (async () => {
    stopping = true;
    say('stopping everything the demo started…');
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(gw.runDir, { recursive: true, force: true });
    process.exit(code);
  })();
  return stopped;
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const alice = gw.users.find((u) => u.user === 'alice');
const provisioning = join(dir, 'provisioning.json');
writeFileSync(
  provisioning,
  JSON.stringify({
    version: 1,
    // Ready to call at once: a newcomer tries the phone first.
    firstRun: false,
    account: { gateways: [gw.wsUrl], sipUri: `sip:alice@${gw.domain}`, authUser: 'alice', displayName: 'Alice Martin (demo)', password: alice?.password ?? '', iceServers: [] },
    emergency: {
      homeCountry: 'FR',
      address: { country: 'FR', NAM: 'Demo office (not a real place)', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris', FLR: '3' },
    },
  }),
);

const electron = args.has('--web') ? null : electronBinary();
if (electron && !args.has('--no-open')) {
  say('opening the Electron app (its data stays in its usual folder)');
  const app = spawn(electron, ['.'], { stdio: 'inherit', env: { ...process.env, SOFTPHONE_PROVISIONING: provisioning } });
  children.push(app);
  app.once('exit', () => void stop(0));
  printHelp('the Electron window');
} else {
  const host = spawn(process.execPath, [WEB_HOST, '--port', '0', '--data-dir', join(dir, 'data'), '--provisioning', provisioning], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(host);
  host.once('exit', (code) => {
    if (!stopping) say(`the web host stopped (exit ${code})`);
    void stop(code ?? 1);
  });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    host.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /SOFTPHONE_WEB_URL=(\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
  });
  process.stdout.write(`DEMO_GATEWAY=${gw.wsUrl}\nDEMO_SIPDUMP=${gw.sipDumpDir}\nDEMO_URL=${url}\n`);
  if (!args.has('--no-open')) openBrowser(url);
  printHelp(args.has('--no-open') ? `${url} (open it in Chrome or Chromium)` : 'the browser window');
}

function openBrowser(url: string): void {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && process.platform === 'linux') {
    say('no display here: open the address above in Chrome or Chromium');
    return;
  }
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
  if (chromium) {
    // A profile of its own, so the demo's window closes with the demo; loopback media is allowed
    // because the demo's gateway and media relay are on 127.0.0.1.
    const browser = spawn(chromium, [`--user-data-dir=${join(dir, 'chromium')}`, '--no-first-run', '--allow-loopback-in-peer-connection', `--app=${url}`], { stdio: 'ignore' });
    children.push(browser);
    browser.once('exit', () => void stop(0));
  } else {
    spawn(process.platform === 'darwin' ? 'open' : 'xdg-open', [url], { stdio: 'ignore', detached: true }).unref();
  }
}

function printHelp(where: string): void {
  process.stdout.write(
    [
      '',
      `Secours Softphone demo: ${where}.`,
      `  Call ${FAR_END_EXTENSION}  the far end answers and plays a tone.`,
      '  Call 112   the simulated emergency answering point answers; the demo address goes with the call.',
      '  Settings → Test my emergency setup places the test call.',
      `Every message the answering point receives is written to ${gw.sipDumpDir}`,
      'Nothing leaves this machine. Ctrl+C stops the demo and everything it started.',
      '',
    ].join('\n'),
  );
}
