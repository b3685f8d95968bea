/**
 * `npm run soak`: SOAK_CALLS (default 300) calls back to back through the real gateway, in ONE page
 * of the app (web mode): ordinary calls to the far end (some held and resumed), emergency calls to
 * 112 (answered by the emergency edge's answering point, hung up through the confirmation), and
 * incoming calls from the far end, answered; every 25 calls the gateway's Kamailio is restarted and
 * the page must register again.
 *
 * Fails (exit 1) on any failed call, on anything a call left open (an RTCPeerConnection that took
 * part in a call and is not closed, or more than one spare never used; a live MediaStream track; a
 * WebSocket besides the registration's: page-probes.js), or when the
 * page's JS heap without compiled code (after forced GC, from heap snapshots) or the web host's RSS
 * grew by more than 10% from call 20 to the last call; the whole heap is reported too. CI runs it with SOAK_CALLS=40
 * (test/run-all.ts), once more when failed calls were its only problem (exit 3).
 */
import { chromium, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../playwright.config';
import { FAR_END_EXTENSION, PSAP_USER, startGateway } from '../test/gateway/harness';
import { readSipDump } from '../test/gateway/sipdump';
import { accountFor, launchWebHost } from '../test/e2e/fixtures';
import { audioCounters, openThings, PAGE_PROBES, sleep, writeProvisioning, type OpenThings } from './lib';

const CALLS = Number(process.env.SOAK_CALLS ?? 300);
const REREGISTER_EVERY = 25;
/** Memory is measured first after call 20 (after half the calls in a short trial run). */
const MEMORY_BASE_AT = Math.min(20, Math.ceil(Number(process.env.SOAK_CALLS ?? 300) / 2));
const GROWTH_LIMIT = 0.1;
/** Where to write heap snapshots of the page (after call 20 and the last), to find what grows. */
const SNAPSHOTS = process.env.SOAK_HEAP_SNAPSHOTS ?? '';
/** A call that got stuck is abandoned; this many in a row and the soak stops. */
const MAX_FAILURES_IN_A_ROW = 3;

type Kind = 'ordinary' | 'hold' | 'emergency' | 'incoming';
/** Per ten calls: 3 ordinary, 2 held and resumed, 2 emergency, 3 incoming. */
const PATTERN: Kind[] = ['ordinary', 'emergency', 'incoming', 'hold', 'ordinary', 'incoming', 'emergency', 'hold', 'ordinary', 'incoming'];
const kindOf = (i: number): Kind => PATTERN[(i - 1) % PATTERN.length] as Kind;

if (!Number.isInteger(CALLS) || CALLS < 2) {
  console.error(`soak: SOAK_CALLS must be a whole number of at least 2 (got ${process.env.SOAK_CALLS})`);
  process.exit(2);
}

const started = Date.now();
const failures: Array<{ call: number; kind: Kind; error: string }> = [];
const leaks: Array<{ call: number; kind: Kind; open: OpenThings }> = [];
const counts: Record<Kind, number> = { ordinary: 0, hold: 0, emergency: 0, incoming: 0 };
let reregistrations = 0;
const consoleMessages: Record<string, number> = {};
const consoleSamples: string[] = [];

const gw = await startGateway();
const dir = mkdtempSync(join(tmpdir(), 'softphone-soak-'));
const host = await launchWebHost({ dataDir: join(dir, 'data'), provisioningPath: writeProvisioning(dir, accountFor(gw, 'alice'), []) });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  // gc() in the page; exact (not bucketed) performance.memory figures.
  args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc', '--enable-precise-memory-info'],
});

interface Memory {
  heap: number;
  /** From a heap snapshot (taken only at the two measuring points). */
  snapshot?: { code: number; other: number };
  rss: number;
  /** Chromium's DOM counters (CDP Memory.getDOMCounters), after the GCs: a leak of nodes or listeners shows here. */
  nodes: number;
  listeners: number;
}

/** The page's JS heap after forced GCs (smallest of three), its DOM counters, and the web host process's RSS. */
async function memory(page: Page): Promise<Memory> {
  await sleep(1000); // let the last call's timers run out
  const heap = await page.evaluate(async () => {
    const w = window as unknown as { gc(): void };
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      w.gc();
      await new Promise((r) => setTimeout(r, 100));
      sizes.push((performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize);
    }
    return Math.min(...sizes);
  });
  const cdp = await page.context().newCDPSession(page);
  const dom = (await cdp.send('Memory.getDOMCounters')) as { nodes: number; jsEventListeners: number };
  await cdp.detach();
  const status = readFileSync(`/proc/${host.process.pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)\s*kB/.exec(status)?.[1] ?? NaN) * 1024;
  return { heap, rss, nodes: dom.nodes, listeners: dom.jsEventListeners };
}

/**
 * A V8 heap snapshot of the page: its live objects' sizes, split into compiled code (bytecode and
 * machine code, which V8's optimising compilers keep adding for hot functions for a long while)
 * and everything else (where a leak would show). Written to SOAK_HEAP_SNAPSHOTS when set.
 */
async function heapSnapshot(page: Page, name: string): Promise<{ code: number; other: number }> {
  const cdp = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await cdp.detach();
  const json = chunks.join('');
  if (SNAPSHOTS) {
    mkdirSync(SNAPSHOTS, { recursive: true });
    writeFileSync(join(SNAPSHOTS, `${name}.heapsnapshot`), json);
  }
  const snap = JSON.parse(json) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[] };
  const fields = snap.snapshot.meta.node_fields;
  const typeAt = fields.indexOf('type');
  const sizeAt = fields.indexOf('self_size');
  const code = snap.snapshot.meta.node_types[0].indexOf('code');
  let codeBytes = 0;
  let other = 0;
  for (let n = 0; n < snap.nodes.length; n += fields.length) {
    const size = snap.nodes[n + sizeAt] as number;
    if (snap.nodes[n + typeAt] === code) codeBytes += size;
    else other += size;
  }
  return { code: codeBytes, other };
}

const mb = (n: number): string => `${(n / 2 ** 20).toFixed(2)} MB`;
const growth = (a: number, b: number): number => (b - a) / a;
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

async function waitAudioBothWays(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-testid="audio-stats"]');
      return Number(el?.getAttribute('data-packets-received') ?? 0) > 0 && Number(el?.getAttribute('data-packets-sent') ?? 0) > 0;
    },
    undefined,
    { polling: 50, timeout: 15_000 },
  );
}

/** Packets keep coming in after a resume. */
async function waitAudioResumed(page: Page): Promise<void> {
  const before = (await audioCounters(page))?.received ?? 0;
  const deadline = Date.now() + 10_000;
  while (((await audioCounters(page))?.received ?? 0) < before + 5) {
    if (Date.now() > deadline) throw new Error('no audio received after resume');
    await sleep(100);
  }
}

async function placeCall(page: Page, kind: Kind, i: number): Promise<void> {
  const { farEnd } = gw;
  const mark = farEnd.mark();
  const call = page.getByTestId('call');
  const established = page.locator('[data-testid="call"][data-call-state="established"]');
  if (kind === 'incoming') {
    await farEnd.command('dial', `sip:alice@127.0.0.1:${gw.sipPort}`);
    await page.getByTestId('incoming-call').getByRole('button', { name: 'Answer' }).click();
  } else {
    await page.getByLabel('Number or SIP address').fill(kind === 'emergency' ? '112' : FAR_END_EXTENSION);
    await (kind === 'emergency' ? page.getByTestId('emergency-call-button') : page.getByRole('button', { name: 'Call', exact: true })).click();
  }
  const answered = await farEnd.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  if (kind === 'emergency' && !String(answered.accountaor ?? '').includes(`sip:${PSAP_USER}@`)) throw new Error(`emergency call answered by ${String(answered.accountaor)}`);
  await established.waitFor();
  await waitAudioBothWays(page);
  await farEnd.waitEvent('CALL_RTPESTAB', 10_000, mark);
  if (kind === 'hold') {
    await call.getByRole('button', { name: 'Hold' }).click();
    await call.getByText('On hold').waitFor();
    await call.getByRole('button', { name: 'Resume' }).click();
    await call.getByRole('button', { name: 'Hold', exact: true, pressed: false, disabled: false }).waitFor();
    await waitAudioResumed(page);
  }
  // Incoming calls end from either side in turn; the others from the page.
  if (kind === 'incoming' && i % 2 === 0) await farEnd.command('hangup');
  else {
    await call.getByRole('button', { name: 'Hang up' }).click();
    if (kind === 'emergency') await page.getByRole('button', { name: 'Yes, hang up' }).click();
  }
  await farEnd.waitEvent('CALL_CLOSED', 10_000, mark);
  await call.waitFor({ state: 'detached', timeout: 10_000 });
}

/** What a failed call left to see: the call panels as the user sees them, and what reached the emergency edge. */
async function diagnose(page: Page, since: number): Promise<void> {
  for (const panel of await page.getByTestId('call').all()) {
    const state = await panel.getAttribute('data-call-state').catch(() => null);
    const text = (await panel.innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 400);
    console.log(`  call panel (${state}): ${text}`);
  }
  const edge = readSipDump(gw.sipDumpDir).filter((m) => m.time * 1000 >= since - 5);
  console.log(`  emergency edge since the press: ${edge.length ? edge.map((m) => `${m.direction} ${m.raw.split('\r\n')[0]}`).join(' | ') : 'nothing'}`);
}

/** After a failed call: hang up whatever is left, on both ends, and wait for a registered, idle page. */
async function recover(page: Page): Promise<void> {
  await gw.farEnd.command('hangup').catch(() => undefined);
  for (const name of ['Yes, hang up', 'Hang up', 'Decline']) {
    for (const b of await page.getByRole('button', { name, exact: true }).all()) await b.click({ timeout: 2_000 }).catch(() => undefined);
  }
  await page.getByTestId('call').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
  await page.locator('[data-testid="registration"][data-status="registered"]').waitFor({ timeout: 20_000 }).catch(() => undefined);
}

/** Nothing of the call may stay open; closing may take a moment (a BYE's answer, a socket's close). */
async function leftOpen(page: Page): Promise<OpenThings | null> {
  let open: OpenThings | null = null;
  for (let tries = 0; tries < 10; tries++) {
    open = await openThings(page);
    if (open.openPeerConnections.length === 0 && open.liveTracks.length === 0 && open.openSockets.length <= 1 && open.sparePeerConnections <= 1) return null;
    await sleep(300);
  }
  return open;
}

async function reregister(page: Page): Promise<void> {
  await gw.stopSignalling();
  await page.locator('[data-testid="registration"]:not([data-status="registered"])').waitFor({ timeout: 15_000 });
  await gw.startSignalling();
  await page.locator('[data-testid="registration"][data-status="registered"]').waitFor({ timeout: 20_000 });
  reregistrations += 1;
}

let base: Memory | undefined;
const trend: Array<Memory & { call: number }> = [];
let last: Memory | undefined;
let stoppedEarly = '';
let done = 0;
try {
  const context = await browser.newContext({ permissions: ['microphone'] });
  await context.addInitScript({ path: PAGE_PROBES });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  // Messages the page logs are kept by DevTools while Playwright listens: counted, as they hold memory.
  page.on('console', (m) => {
    consoleMessages[m.type()] = (consoleMessages[m.type()] ?? 0) + 1;
    if ((m.type() === 'error' || m.type() === 'warning') && consoleSamples.length < 5) consoleSamples.push(`${m.type()}: ${m.text().slice(0, 200)}`);
  });
  await page.goto(host.url);
  await page.locator('[data-testid="registration"][data-status="registered"]').waitFor({ timeout: 20_000 });
  let inARow = 0;
  for (let i = 1; i <= CALLS; i++) {
    const kind = kindOf(i);
    const callStarted = Date.now();
    try {
      await placeCall(page, kind, i);
      counts[kind] += 1;
      inARow = 0;
    } catch (err) {
      inARow += 1;
      const error = (err instanceof Error ? err.message : String(err)).split('\n')[0] as string;
      failures.push({ call: i, kind, error });
      console.log(`call ${i} (${kind}) FAILED: ${error}`);
      await diagnose(page, callStarted);
      await recover(page);
    }
    done = i;
    const open = await leftOpen(page);
    if (open) {
      leaks.push({ call: i, kind, open });
      console.log(`call ${i} (${kind}) left open: ${JSON.stringify(open)}`);
    }
    if (i === MEMORY_BASE_AT) {
      base = await memory(page);
      base.snapshot = await heapSnapshot(page, `after-call-${i}`);
    }
    // The trend every 10 calls, to tell a steady leak from a one-off step.
    if (i % 10 === 0) {
      const m = i === MEMORY_BASE_AT ? (base as Memory) : await memory(page);
      trend.push({ call: i, ...m });
      console.log(`${i}/${CALLS} calls, ${failures.length} failed, ${((Date.now() - started) / 1000).toFixed(0)} s; page heap ${mb(m.heap)}, DOM nodes ${m.nodes}, listeners ${m.listeners}; host RSS ${mb(m.rss)}`);
    }
    if (inARow >= MAX_FAILURES_IN_A_ROW) {
      stoppedEarly = `stopped after ${MAX_FAILURES_IN_A_ROW} failed calls in a row`;
      break;
    }
    if (i % REREGISTER_EVERY === 0 && i < CALLS) {
      try {
        await reregister(page);
      } catch (err) {
        failures.push({ call: i, kind, error: `re-registration: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}` });
        stoppedEarly = 'the page did not register again';
        break;
      }
    }
  }
  last = await memory(page);
  last.snapshot = await heapSnapshot(page, `after-call-${done}`);
  await context.close();
} catch (err) {
  // Setup or measurement broke: still a closing line, and a failure.
  stoppedEarly = `aborted: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
} finally {
  await browser.close();
  await host.stop();
  await gw.stop();
}

const seconds = (Date.now() - started) / 1000;
const problems: string[] = [];
if (stoppedEarly) problems.push(stoppedEarly);
if (failures.length) problems.push(`${failures.length} failed calls`);
if (leaks.length) problems.push(`${leaks.length} calls left something open`);
console.log(`\nsoak: ${done} calls in ${seconds.toFixed(0)} s (${((seconds * 1000) / Math.max(done, 1)).toFixed(0)} ms a call, re-registrations included): ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}; ${reregistrations} re-registrations`);
if (Object.keys(consoleMessages).length) console.log(`page console messages: ${Object.entries(consoleMessages).map(([k, n]) => `${n} ${k}`).join(', ')}${consoleSamples.map((x) => `\n  ${x}`).join('')}`);
for (const f of failures) console.log(`  failed: call ${f.call} (${f.kind}): ${f.error}`);
for (const l of leaks) console.log(`  left open after call ${l.call} (${l.kind}): ${JSON.stringify(l.open)}`);
if (trend.length) console.log(`every 10 calls, page heap (MB): ${trend.map((t) => (t.heap / 2 ** 20).toFixed(2)).join(' ')}; host RSS (MB): ${trend.map((t) => (t.rss / 2 ** 20).toFixed(1)).join(' ')}`);
if (base && last) {
  const heapGrowth = growth(base.heap, last.heap);
  const rssGrowth = growth(base.rss, last.rss);
  console.log(`page JS heap (after GC): ${mb(base.heap)} after call ${MEMORY_BASE_AT}, ${mb(last.heap)} after call ${done} (${pct(heapGrowth)})`);
  console.log(`web host RSS:            ${mb(base.rss)} after call ${MEMORY_BASE_AT}, ${mb(last.rss)} after call ${done} (${pct(rssGrowth)})`);
  console.log(`page DOM nodes / JS event listeners: ${base.nodes} / ${base.listeners} after call ${MEMORY_BASE_AT}, ${last.nodes} / ${last.listeners} after call ${done}`);
  const b = base.snapshot as { code: number; other: number };
  const l = last.snapshot as { code: number; other: number };
  const dataGrowth = growth(b.other, l.other);
  console.log(`page heap snapshot: objects ${mb(b.other)} → ${mb(l.other)} (${pct(dataGrowth)}), compiled code ${mb(b.code)} → ${mb(l.code)} (${pct(growth(b.code, l.code))})`);
  // The limit applies to the heap without compiled code: V8 keeps compiling hot functions for
  // hundreds of calls (with --jitless the whole heap stays flat), which is not a leak.
  if (dataGrowth > GROWTH_LIMIT) {
    problems.push(`page heap objects grew ${pct(dataGrowth)} (limit +${GROWTH_LIMIT * 100}%)`);
    if (!SNAPSHOTS) console.log('(SOAK_HEAP_SNAPSHOTS=<dir> writes heap snapshots after call 20 and the last, to compare in DevTools)');
  }
  if (heapGrowth > GROWTH_LIMIT && dataGrowth <= GROWTH_LIMIT) console.log(`note: the whole JS heap grew ${pct(heapGrowth)}, all but ${mb(l.other - b.other)} of it compiled code`);
  if (rssGrowth > GROWTH_LIMIT) problems.push(`host RSS grew ${pct(rssGrowth)} (limit +${GROWTH_LIMIT * 100}%)`);
} else problems.push('memory not measured');
if (done < CALLS) problems.push(`${done} of ${CALLS} calls made`);
console.log(problems.length ? `soak: FAILED: ${problems.join('; ')}` : `soak: passed: ${done} calls, 0 failures, nothing left open, memory within +${GROWTH_LIMIT * 100}%`);
// 3: failed calls and nothing else (no leak, memory within bounds), which CI runs once more.
const callsOnly = problems.length > 0 && leaks.length === 0 && failures.length > 0 && !problems.some((p) => /grew|not measured|aborted|register/.test(p));
process.exit(problems.length === 0 ? 0 : callsOnly ? 3 : 1);
