/**
 * `npm run bench:compare`: this app side by side with a baseline, a minimal sip.js 0.21.2 page
 * (bench/baseline, SimpleUser with the default session description handler), in one run, against
 * the same gateway and the same Chromium. Runs alternate app / baseline so that a change of load
 * on the machine hits both alike. Prints one table of medians (min–max) with the ratio app/baseline
 * and writes it to bench/results.md (only with BENCH_RUNS ≥ 7, so short trial runs leave it alone).
 *
 * Clocks: the key press is stamped in the page by a capture-phase click listener, INVITEs sent and
 * first RTP received by the page probes (page-probes.js), all as performance.timeOrigin +
 * performance.now(); the gateway's INVITE when its Kamailio log line reaches this process
 * (Date.now()); the edge's from its sipdump (Kamailio's gettimeofday); the far end's first RTP
 * when baresip's CALL_RTPESTAB event reaches this process. One system clock throughout.
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_ARGS } from '../playwright.config';
import { FAR_END_EXTENSION, startGateway } from '../test/gateway/harness';
import { readSipDump } from '../test/gateway/sipdump';
import { startSilentUdp } from '../test/gateway/stun-server';
import { accountFor, launchWebHost, type WebHost } from '../test/e2e/fixtures';
import { GatewayInvites, machineDescription, median, PAGE_PROBES, probes, sleep, writeProvisioning } from './lib';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** Between the last digit and the press: a person moving to the Call button. */
const THINK_MS = 500;
const EMERGENCY = '112';

type VariantName = 'app' | 'baseline';

interface Session {
  page: Page;
  /** Fills the number, waits THINK_MS, presses Call; returns the press time stamped in the page. */
  dial(target: string, emergency: boolean): Promise<number>;
  waitEstablished(): Promise<void>;
  /** Hangs up (confirming an emergency hang-up) and waits until the page shows no call. */
  hangup(emergency: boolean): Promise<void>;
  close(): Promise<void>;
}

interface Opened {
  session: Session;
  /** Start of the host (the app's web host process; the baseline's static server) → 200 OK to REGISTER. */
  hostStartToRegistered: number;
  /** Navigation start → 200 OK to REGISTER. */
  pageLoadToRegistered: number;
  /** The app only: host start / navigation start → the dialer first on screen and usable. */
  hostStartToDialer?: number;
  pageLoadToDialer?: number;
}

/** Which app was measured: the tree changes under other hands, and web mode serves out/renderer as built. */
function appState(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    // Porcelain lines are `XY path`: not trimmed, or the first loses its leading blank.
    const dirty = git('status', '--porcelain', '--', 'src', 'renderer', 'main').split('\n').filter(Boolean).map((l) => l.slice(3));
    const built = statSync(join(ROOT, 'out', 'renderer', 'index.html')).mtime.toISOString();
    return `- app: git ${git('rev-parse', '--short', 'HEAD').trim()}${dirty.length ? ` plus uncommitted changes to ${dirty.join(', ')}` : ''}; renderer built ${built}`;
  } catch {
    return '- app: git state unknown';
  }
}
const measuredApp = appState();

const invites = new GatewayInvites();
const gw = await startGateway({ log: invites.onLog });
const stunDead = await startSilentUdp();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const chromiumVersion = browser.version();
const baselineJs = await buildBaseline();
const baselineHtml = readFileSync(join(HERE, 'baseline', 'index.html'));

/** The baseline's script, bundled and minified in memory (esbuild, as vite's build would). */
async function buildBaseline(): Promise<Uint8Array> {
  const out = await build({
    entryPoints: [join(HERE, 'baseline', 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  return (out.outputFiles[0] as { contents: Uint8Array }).contents;
}

/** The baseline's tiny static server on 127.0.0.1. */
async function serveBaseline(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(baselineHtml);
    else if (path === '/main.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(baselineJs);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function newProbedPage(b: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await b.newContext({ permissions: ['microphone'] });
  await context.addInitScript({ path: PAGE_PROBES });
  return { context, page: await context.newPage() };
}

/** Times of the registration, from the page's probes once it shows 'registered'. */
async function registrationTimes(page: Page, t0: number): Promise<{ hostStartToRegistered: number; pageLoadToRegistered: number }> {
  await page.waitForFunction(() => (window as unknown as { __bench: { registeredAt: number[] } }).__bench.registeredAt.length > 0, undefined, { timeout: 20_000 });
  const { registeredAt } = await probes(page);
  const origin = await page.evaluate(() => performance.timeOrigin);
  const at = registeredAt[0] as number;
  return { hostStartToRegistered: at - t0, pageLoadToRegistered: at - origin };
}

async function pressedSince(page: Page, before: number): Promise<number> {
  const { presses } = await probes(page);
  const p = presses.filter((x) => x >= before).pop();
  if (p === undefined) throw new Error('no key press was stamped in the page');
  return p;
}

async function openApp(iceServers: string[]): Promise<Opened> {
  const dir = mkdtempSync(join(tmpdir(), 'softphone-compare-'));
  const provisioningPath = writeProvisioning(dir, accountFor(gw, 'alice'), iceServers);
  // The browser is up before the host, as a web-mode user's is: its start is not the host's.
  const { context, page } = await newProbedPage(browser);
  const t0 = Date.now();
  const host: WebHost = await launchWebHost({ dataDir: join(dir, 'data'), provisioningPath });
  await page.goto(host.url);
  const times = await registrationTimes(page, t0);
  await page.locator('[data-testid="registration"][data-status="registered"]').waitFor({ timeout: 20_000 });
  // Stamped by the Dialer's first mount (renderer/src/components/Dialer.tsx).
  const dialer = await page.evaluate(() => ({ origin: performance.timeOrigin, at: performance.getEntriesByName('dialer-interactive')[0]?.startTime }));
  const dialerTimes = dialer.at === undefined ? {} : { hostStartToDialer: dialer.origin + dialer.at - t0, pageLoadToDialer: dialer.at };
  const call = page.getByTestId('call');
  return {
    ...times,
    ...dialerTimes,
    session: {
      page,
      dial: async (target, emergency) => {
        await page.getByLabel('Number or SIP address').fill(target);
        const button = emergency ? page.getByTestId('emergency-call-button') : page.getByRole('button', { name: 'Call', exact: true });
        await button.waitFor();
        await sleep(THINK_MS);
        const before = Date.now() - 5;
        await button.click();
        return pressedSince(page, before);
      },
      waitEstablished: () => page.locator('[data-testid="call"][data-call-state="established"]').waitFor({ timeout: 20_000 }),
      hangup: async (emergency) => {
        await call.getByRole('button', { name: 'Hang up' }).click();
        if (emergency) await page.getByRole('button', { name: 'Yes, hang up' }).click();
        await call.waitFor({ state: 'detached', timeout: 10_000 });
      },
      close: async () => {
        await context.close();
        await host.stop();
      },
    },
  };
}

async function openBaseline(iceServers: string[]): Promise<Opened> {
  const bob = gw.users.find((u) => u.user === 'bob');
  const { context, page } = await newProbedPage(browser);
  const t0 = Date.now();
  const server = await serveBaseline();
  const q = new URLSearchParams({ server: gw.wsUrl, domain: gw.domain, user: 'bob', password: bob?.password ?? '' });
  for (const s of iceServers) q.append('stun', s);
  await page.goto(`${server.url}?${q}`);
  const times = await registrationTimes(page, t0);
  await page.locator('#status[data-status="registered"]').waitFor({ timeout: 20_000 });
  return {
    ...times,
    session: {
      page,
      dial: async (target) => {
        await page.locator('#dial').fill(target);
        await sleep(THINK_MS);
        const before = Date.now() - 5;
        await page.locator('#call').click();
        return pressedSince(page, before);
      },
      waitEstablished: () => page.locator('#call-state[data-state="established"]').waitFor({ timeout: 20_000 }),
      hangup: async () => {
        await page.locator('#hangup').click();
        await page.locator('#call-state[data-state="idle"]').waitFor({ timeout: 10_000 });
      },
      close: async () => {
        await context.close();
        await server.close();
      },
    },
  };
}

const open = (v: VariantName, iceServers: string[]): Promise<Opened> => (v === 'app' ? openApp(iceServers) : openBaseline(iceServers));

interface CallSample {
  inviteSent?: number;
  inviteGateway?: number;
  inviteEdge?: number;
  rtpPage?: number;
  rtpFarEnd?: number;
  rtpPackets?: number;
  rtpInterval?: number;
  /** How much earlier than the estimate the first packet could have come (see page-probes.js). */
  rtpSlack?: number;
  pollMs?: number;
  pollMaxMs?: number;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** One call, timed from the press; hung up and gone from the page before it returns. */
async function measureCall(s: Session, target: string, emergency: boolean): Promise<CallSample> {
  const mark = gw.farEnd.mark();
  // Started before the press: the event is timed when it reaches us.
  const farRtp = gw.farEnd.waitEvent('CALL_RTPESTAB', 25_000, mark).then(() => Date.now());
  farRtp.catch(() => undefined);
  const press = await s.dial(target, emergency);
  await gw.farEnd.waitEvent('CALL_ESTABLISHED', 20_000, mark);
  await s.waitEstablished();
  const out: CallSample = {};
  const invite = await until('the INVITE sent by the page', async () => (await probes(s.page)).sent.find((x) => x.method === 'INVITE' && x.at >= press), 10_000);
  out.inviteSent = invite.at - press;
  out.inviteGateway = (await until('the INVITE at the gateway', () => invites.firstOf(invite.callId), 5_000)) - press;
  const rtp = await until('first RTP in the page', async () => (await probes(s.page)).rtp.find((r) => r.seenAt > press), 15_000);
  out.rtpPage = rtp.at - press;
  out.rtpPackets = rtp.packets;
  out.rtpInterval = rtp.interval;
  out.rtpSlack = rtp.at - rtp.lowerBound;
  out.pollMs = rtp.pollMs;
  out.pollMaxMs = rtp.pollMaxMs;
  out.rtpFarEnd = (await farRtp) - press;
  await s.hangup(emergency);
  await gw.farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  if (emergency) {
    // sipdump writes its files a little after the fact; its times are when Kamailio got each message.
    const edge = await until(
      'the INVITE at the emergency edge',
      () => readSipDump(gw.sipDumpDir).find((m) => m.direction === 'in' && m.method === 'INVITE' && m.callId === invite.callId),
      5_000,
    );
    out.inviteEdge = edge.time * 1000 - press;
  }
  await sleep(300);
  return out;
}

type Samples = Record<string, number[]>;
const samples: Record<VariantName, Samples> = { app: {}, baseline: {} };
const add = (v: VariantName, key: string, x: number | undefined): void => {
  if (x === undefined || !Number.isFinite(x)) return;
  (samples[v][key] ??= []).push(x);
};
const VARIANTS: VariantName[] = ['app', 'baseline'];

/** The page's Date.now() (the system clock, as Node's) minus its timeOrigin + now(), median of many. */
async function clockOffset(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const d: number[] = [];
    for (let i = 0; i < 200; i++) {
      d.push(Date.now() - (performance.timeOrigin + performance.now()));
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 3));
    }
    return d.sort((a, b) => a - b)[100] as number;
  });
}

const started = Date.now();
const notes: string[] = [];
try {
  // 1. Start → registered: a fresh host (or server) and page each time.
  for (let i = 0; i < RUNS; i++) {
    for (const v of VARIANTS) {
      const o = await open(v, []);
      add(v, 'hostStart', o.hostStartToRegistered);
      add(v, 'pageLoad', o.pageLoadToRegistered);
      add(v, 'hostDialer', o.hostStartToDialer);
      add(v, 'pageDialer', o.pageLoadToDialer);
      await o.session.close();
    }
  }
  console.log(`registration runs done (${((Date.now() - started) / 1000).toFixed(0)} s)`);

  // 2. Calls from a warm page: no STUN server, then an unreachable one.
  for (const [stun, iceServers] of [['none', []], ['dead', [stunDead.url]]] as const) {
    const sessions = { app: (await open('app', [...iceServers])).session, baseline: (await open('baseline', [...iceServers])).session };
    if (stun === 'none') {
      const c = await clockOffset(sessions.app.page);
      notes.push(`Clock check: in the page, Date.now() (the system clock, which Node and Kamailio read too) − (performance.timeOrigin + performance.now()) = ${c.toFixed(1)} ms (median; Date.now() counts whole ms, so −0.5 is a perfect match).`);
    }
    // One warm-up call of each kind, not counted.
    for (const v of VARIANTS) {
      await measureCall(sessions[v], EMERGENCY, true);
      await measureCall(sessions[v], FAR_END_EXTENSION, false);
    }
    for (let i = 0; i < RUNS; i++) {
      for (const v of VARIANTS) {
        const e = await measureCall(sessions[v], EMERGENCY, true);
        add(v, `e.${stun}.sent`, e.inviteSent);
        add(v, `e.${stun}.gateway`, e.inviteGateway);
        add(v, `e.${stun}.edge`, e.inviteEdge);
        add(v, `e.${stun}.rtpPage`, e.rtpPage);
        add(v, `e.${stun}.rtpFar`, e.rtpFarEnd);
        add(v, 'rtpPackets', e.rtpPackets);
        add(v, 'rtpInterval', e.rtpInterval);
        add(v, 'rtpSlack', e.rtpSlack);
        add(v, 'pollMs', e.pollMs);
        add(v, 'pollMaxMs', e.pollMaxMs);
      }
      for (const v of VARIANTS) {
        const o = await measureCall(sessions[v], FAR_END_EXTENSION, false);
        add(v, `o.${stun}.sent`, o.inviteSent);
        add(v, `o.${stun}.gateway`, o.inviteGateway);
        add(v, `o.${stun}.rtpPage`, o.rtpPage);
        add(v, `o.${stun}.rtpFar`, o.rtpFarEnd);
      }
      console.log(`${stun === 'none' ? 'no STUN' : 'unreachable STUN'}: run ${i + 1}/${RUNS} done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    await sessions.app.close();
    await sessions.baseline.close();
  }
} finally {
  await browser.close();
  await stunDead.close();
  await gw.stop();
}

// 3. Bundle sizes, gzip (node:zlib, default level) of what the page loads as JS.
const appAssets = join(ROOT, 'out', 'renderer', 'assets');
const appJs = readdirSync(appAssets).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(appAssets, f)));
const kib = (n: number): number => n / 1024;
const bundle = {
  app: kib(appJs.reduce((n, b) => n + gzipSync(b).length, 0)),
  appRaw: kib(appJs.reduce((n, b) => n + b.length, 0)),
  baseline: kib(gzipSync(baselineJs).length),
  baselineRaw: kib(baselineJs.length),
};

interface Row {
  label: string;
  key: string;
  /** Goal of issue 13 on the app's median: at most `max`, and at most `ratio` × the baseline's. */
  max?: number;
  ratio?: number;
}
const ROWS: Row[] = [
  { label: 'emergency 112: press → INVITE sent by the page (WebSocket send)', key: 'e.none.sent' },
  { label: 'emergency 112: press → INVITE at the gateway', key: 'e.none.gateway', max: 30, ratio: 0.3 },
  { label: 'emergency 112: press → INVITE at the emergency edge (sipdump)', key: 'e.none.edge' },
  { label: 'emergency 112: press → first RTP received in the page', key: 'e.none.rtpPage', max: 100 },
  { label: 'emergency 112: press → first RTP at the far end (baresip CALL_RTPESTAB)', key: 'e.none.rtpFar', max: 100 },
  { label: 'emergency 112, unreachable STUN: press → INVITE at the gateway', key: 'e.dead.gateway', max: 30 },
  { label: 'ordinary call: press → INVITE at the gateway', key: 'o.none.gateway', max: 50 },
  { label: 'ordinary call, unreachable STUN: press → INVITE at the gateway', key: 'o.dead.gateway', max: 80 },
  { label: 'ordinary call: press → first RTP received in the page', key: 'o.none.rtpPage' },
  { label: 'host start → registered', key: 'hostStart', max: 1500 },
  { label: 'page load → registered', key: 'pageLoad', max: 300 },
  { label: 'host start → first interactive dialer (the app only)', key: 'hostDialer' },
  { label: 'page load → first interactive dialer (the app only)', key: 'pageDialer' },
];

const cell = (xs: number[] | undefined): string =>
  !xs || xs.length === 0 ? 'no samples' : `**${median(xs).toFixed(0)}** (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

function verdict(r: Row, app: number[] | undefined, base: number[] | undefined): string {
  if (r.max === undefined && r.ratio === undefined) return '';
  if (!app?.length) return 'not measured';
  const m = median(app);
  const misses: string[] = [];
  if (r.max !== undefined && m > r.max) misses.push(`+${(m - r.max).toFixed(0)} ms over ${r.max} ms`);
  if (r.ratio !== undefined && base?.length && m / median(base) > r.ratio) misses.push(`${(m / median(base)).toFixed(2)}× > ${r.ratio}×`);
  return misses.length ? `missed: ${misses.join('; ')}` : 'met';
}

const goalText = (r: Row): string => [r.max !== undefined ? `≤ ${r.max} ms` : '', r.ratio !== undefined ? `≤ ${r.ratio}× baseline` : ''].filter(Boolean).join(', ');
const ratio = (a: number[] | undefined, b: number[] | undefined): string => (a?.length && b?.length ? `${(median(a) / median(b)).toFixed(2)}×` : '–');
const table = [
  '| figure (ms: median (min–max)) | app | baseline (sip.js SimpleUser) | app/baseline | goal (issue 13) | app vs goal |',
  '|---|---|---|---|---|---|',
  ...ROWS.map((r) => {
    const a = samples.app[r.key];
    const b = samples.baseline[r.key];
    return `| ${r.label} | ${cell(a)} | ${cell(b)} | ${ratio(a, b)} | ${goalText(r)} | ${verdict(r, a, b)} |`;
  }),
  `| renderer JS bundle, gzip (raw) | **${bundle.app.toFixed(1)} KiB** (${bundle.appRaw.toFixed(0)} KiB) | **${bundle.baseline.toFixed(1)} KiB** (${bundle.baselineRaw.toFixed(0)} KiB) | ${(bundle.app / bundle.baseline).toFixed(2)}× | ≤ 1024 KiB gzip (issue 10) | ${bundle.app <= 1024 ? 'met' : 'missed'} |`,
];
const n = Math.min(...ROWS.filter((r) => !r.label.includes('the app only')).flatMap((r) => VARIANTS.map((v) => samples[v][r.key]?.length ?? 0)));
const both = (key: string): number[] => [...(samples.app[key] ?? []), ...(samples.baseline[key] ?? [])];
const range = (xs: number[]): string => (xs.length ? `median ${median(xs).toFixed(1)}, ${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}` : 'no samples');
notes.push(
  `Page RTP (emergency calls): getStats() polled from the answer on, every ${range(both('pollMs'))} ms (each call's median gap; its longest: ${range(both('pollMaxMs'))} ms, a getStats() answered late while the connection is set up); Chromium serves a cached report for 50 ms, so a fresh one comes about every 50 ms. The first fresh report with inbound audio showed ${range(both('rtpPackets'))} packets; the first packet is placed at its lastPacketReceivedTimestamp − (packets − 1) × the interval between packets measured from the next report (${range(both('rtpInterval'))} ms), never before the last report without audio, which was ${range(both('rtpSlack'))} ms before that estimate (the most the estimate could be late).`,
);
const report = [
  '# App vs a minimal sip.js page, side by side (`npm run bench:compare`)',
  '',
  `Medians of ${n} runs per figure and variant (min–max in brackets), one run of bench/compare.ts, ${((Date.now() - started) / 60_000).toFixed(1)} min, app and baseline alternating.`,
  '',
  ...machineDescription(chromiumVersion),
  measuredApp,
  '',
  ...table,
  '',
  '## How',
  '',
  '- **Same gateway, same Chromium** (test/gateway/harness.ts: Kamailio + rtpengine + baresip; CHROMIUM_ARGS of playwright.config.ts), all on 127.0.0.1. The app runs in web mode (its Node host, main/web/cli.ts, and out/renderer in Chromium) registered as alice; the baseline is bench/baseline: sip.js 0.21.2 `Web.SimpleUser` as its documentation shows it, default session description handler, `iceServers: []` (or the unreachable local STUN server in those rows), bundled by esbuild (minified) and served by a tiny HTTP server on 127.0.0.1, registered as bob.',
  '- **sip.js is the patched copy in node_modules** (patches/sip.js+0.21.2.patch: urn: URIs in From/To and multipart offers marked as sessions), used by both as is; the patch touches nothing the baseline does.',
  '- **The baseline has no emergency features**: its "emergency call" is a plain INVITE to sip:112@127.0.0.1, routed by the gateway to the emergency edge like the app\'s. The app\'s carries PIDF-LO and RFC 7852 blocks in a multipart body and waits (≤ 150 ms) for its call record\'s first line.',
  `- **Press**: the number is filled in, then after ${THINK_MS} ms (the user moving to the button; the app opens the microphone meanwhile for an emergency number) the Call button is clicked; a capture-phase click listener stamps the press in the page. Each page is warm: registered, with one call of each kind made and not counted.`,
  '- **INVITE**: "sent by the page" is the WebSocket send (page probes); "at the gateway" is when the gateway Kamailio\'s `REQ INVITE` log line for that Call-ID reaches the bench process (the first, unauthenticated INVITE; the gateway then asks for credentials); "at the emergency edge" is the edge Kamailio\'s sipdump time of the (authenticated) INVITE it received.',
  '- **First RTP**: in the page, the first inbound-rtp audio packet (getStats, see below); at the far end, baresip\'s CALL_RTPESTAB event (first RTP packet it received, via rtpengine), timed when it reaches the bench over ctrl_tcp.',
  '- **Registration**: "host start" is from the spawn of the app\'s web host (node out/main/web.js, as electron-vite builds main/web/cli.ts; a cold start), or the start of the baseline\'s in-process static server (it has no host), to the 200 OK to REGISTER as the page\'s WebSocket receives it; the browser context and its blank page are made before (a web-mode user\'s browser is already running). "Page load" is from the navigation start (performance.timeOrigin) to the same 200 OK. A fresh host or server, context and page each run.',
  '- **Bundle**: every out/renderer/assets/*.js of the app (`npx electron-vite build`), and the baseline\'s esbuild bundle, gzipped with node:zlib at its default level.',
  '- Baresip as a native third column was left out: the far end is baresip, so it would call itself through the gateway with no WebRTC (no ICE, no DTLS), which says little about a browser softphone.',
  '',
  ...notes.map((x) => `- ${x}`),
  '',
];
/** Where the hand-written part of bench/results.md begins. */
const HAND_WRITTEN = '## Why the goals that are missed are missed';
const text = report.join('\n');
console.log(`\n${text}`);
if (n >= 7) {
  // The hand-written analysis after the measured part survives a new run.
  const file = join(HERE, 'results.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const kept = previous.indexOf(HAND_WRITTEN);
  writeFileSync(file, kept >= 0 ? `${text}\n${previous.slice(kept)}` : text);
  console.log('written to bench/results.md');
} else console.log(`(${n} runs: bench/results.md left as it is; it needs BENCH_RUNS ≥ 7)`);
