/**
 * A second, independent emergency answering point (PSAP): SIPp (Debian's sip-tester) running
 * sipp/psap-uas.xml, which judges each emergency INVITE with its own regular expressions rather
 * than with code written alongside the app. A good INVITE is answered (100, 180, 200 with PCMU and
 * telephone-event; the media is echoed back); a bad one gets 488 with a Warning naming the failed
 * checks, and counts as a failed call. Everything runs on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayProfile } from '../../src/emergency/gateway-profile';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PSAP_SCENARIO = join(HERE, 'sipp', 'psap-uas.xml');
const SIPP = process.env.SIPP_BIN ?? 'sipp';

/** What the answering point expects of an emergency INVITE. */
export interface PsapProfile {
  /**
   * The Request-URI: a dial string, expected as `sip:<dialString>@127.0.0.1:<port>` (port: the
   * PSAP's), or a service URN expected verbatim (e.g. `urn:service:sos`).
   */
  requestUri: { dialString: string } | { urn: string };
  /** true: Geolocation by cid to a PIDF-LO part with a civic address; false: no location at all. */
  location: boolean;
  /** The P-Preferred-Identity URI (without angle brackets), or null when there must be none. */
  identity: string | null;
  /** RFC 7852 blocks that must be referenced by Call-Info and carried as parts, e.g. 'DeviceInfo'. */
  additionalData: readonly string[];
}

const ALICE = 'sip:alice@127.0.0.1';

export const PSAP_PROFILES = {
  /** What the app sends today: 112 in the Request-URI, PIDF-LO, P-Preferred-Identity. */
  'dial-string': { requestUri: { dialString: '112' }, location: true, identity: ALICE, additionalData: [] },
  /** The service URN in the Request-URI (RFC 5031), the rest as above. */
  urn: { requestUri: { urn: 'urn:service:sos' }, location: true, identity: ALICE, additionalData: [] },
  /** No location known: no Geolocation, a plain application/sdp body. */
  'no-location': { requestUri: { dialString: '112' }, location: false, identity: ALICE, additionalData: [] },
  /** No account: no P-Preferred-Identity. */
  'no-identity': { requestUri: { dialString: '112' }, location: true, identity: null, additionalData: [] },
  /** RFC 7852 DeviceInfo beside the PIDF-LO. */
  'additional-data': { requestUri: { dialString: '112' }, location: true, identity: ALICE, additionalData: ['DeviceInfo'] },
} as const satisfies Record<string, PsapProfile>;

export type PsapProfileName = keyof typeof PSAP_PROFILES;

/**
 * What the answering point expects of a call the app places under a gateway profile
 * (src/emergency/gateway-profile.ts). The app's RFC 7852 blocks are ProviderInfo, DeviceInfo and
 * Comment, with SubscriberInfo only where provisioning allows it (`subscriberInfo`).
 */
export function psapProfileFor(
  gateway: GatewayProfile,
  opts: { dialString?: string; urn?: string; identity?: string; subscriberInfo?: boolean } = {},
): PsapProfile {
  return {
    requestUri: gateway.requestUri === 'service-urn' ? { urn: opts.urn ?? 'urn:service:sos' } : { dialString: opts.dialString ?? '112' },
    location: gateway.location === 'by-value',
    identity: gateway.identity === 'p-preferred-identity' ? (opts.identity ?? ALICE) : null,
    additionalData: gateway.additionalData ? ['ProviderInfo', 'DeviceInfo', ...(opts.subscriberInfo ? ['SubscriberInfo'] : []), 'Comment'] : [],
  };
}

export interface SippPsapOptions {
  profile: PsapProfileName | PsapProfile;
  /** The SIP port, e.g. the gateway's `sippPsapPort`; a free one by default. */
  port?: number;
  log?: (line: string) => void;
  /** How long each call rings before the 200 (a CANCEL is taken meanwhile); 100 ms steps. */
  ringMs?: number;
  /** Where SIPp writes its logs; a fresh temporary directory by default. */
  runDir?: string;
}

export interface SippPsapResult {
  /** Calls ended: answered and hung up, rejected, cancelled, or failed by SIPp itself. */
  calls: number;
  /** Calls rejected by a check, or failed by SIPp (an unexpected message, a timeout, ...). */
  failed: number;
  /** Every SIP message SIPp received, in order, as received. */
  messages: string[];
  /** The name of every failed check, one entry per failure, in order (e.g. 'priority'). */
  failedChecks: string[];
  /** Each PIDF-LO the PSAP got (the INVITE's and any re-INVITE's or UPDATE's); '' when none. */
  pidfLos: string[];
  /** SIPp's error log, less the check failures and its notes on ringing timeouts. */
  errors: string[];
}

export interface SippPsap {
  /** Where to send the INVITE (the next hop): `sip:127.0.0.1:<port>`. */
  uri: string;
  /** The Request-URI the INVITE must carry. */
  requestUri: string;
  port: number;
  mediaPort: number;
  runDir: string;
  result(): SippPsapResult;
  stop(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function bindUdp(port: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => { s.close(); resolve(null); });
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

function closeUdp(s: Socket): Promise<void> {
  return new Promise((r) => s.close(() => r()));
}

/** A UDP port free on 127.0.0.1, with `alsoFree` further offsets free too (SIPp's echo takes +2). */
async function freeUdpPort(alsoFree: number[] = []): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const s = await bindUdp(0);
    if (!s) continue;
    const port = s.address().port;
    const others = await Promise.all(alsoFree.map((d) => (port + d < 65536 ? bindUdp(port + d) : Promise.resolve(null))));
    await Promise.all([s, ...others].map((o) => (o ? closeUdp(o) : Promise.resolve())));
    if (others.every(Boolean)) return port;
  }
  throw new Error('sipp: no free UDP port');
}

/** Whether process `pid` has a UDP socket bound to 127.0.0.1:`port` (Linux /proc). */
function holdsUdpPort(pid: number | undefined, port: number): boolean {
  if (pid === undefined) return false;
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  // Fields: sl, local_address, rem_address, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode.
  const inodes = readText('/proc/net/udp').split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === local).map((f) => `socket:[${f[9]}]`);
  if (inodes.length === 0) return false;
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.includes(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return false; // exited
  }
}

function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** The messages of SIPp's -trace_msg file that it received (each framed by its byte count). */
function parseReceivedMessages(file: Buffer): string[] {
  const out: string[] = [];
  const text = file.toString('latin1'); // one char per byte: offsets stay byte offsets
  const re = /message received \[(\d+)\] bytes :\n\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const len = Number(m[1]);
    out.push(file.subarray(start, start + len).toString('utf8'));
    re.lastIndex = start + len;
  }
  return out;
}

/** SIPp's error log: entries are written back to back, each after a tab-separated timestamp. */
function parseErrorLog(text: string): string[] {
  return text
    .split(/\d{4}-\d\d-\d\d\t\d\d:\d\d:\d\d\.\d{6}\t\d+\.\d{6}: /)
    .slice(1)
    .map((e) => e.trim())
    .filter(Boolean);
}

/** The last row of SIPp's -trace_stat file: its own count of calls that succeeded and failed. */
function sippStats(csv: string): { successful: number; failed: number } {
  const rows = csv.split('\n').filter((l) => l.includes(';'));
  const head = rows[0]?.split(';') ?? [];
  const last = rows.length > 1 ? (rows[rows.length - 1] ?? '').split(';') : [];
  const col = (name: string): number => Number(last[head.indexOf(name)] ?? 0) || 0;
  return { successful: col('SuccessfulCall(C)'), failed: col('FailedCall(C)') };
}

/** The -set arguments that tell the scenario what to expect. */
function profileArgs(profile: PsapProfile, requestUri: string, ringMs: number): string[] {
  for (const t of profile.additionalData) {
    // Each name goes into a regexp and a Content-Type as it is.
    if (!/^[A-Za-z0-9]+$/.test(t)) throw new Error(`sipp: not an additional-data block name: ${t}`);
  }
  return [
    '-set', 'expect_ruri', requestUri,
    '-set', 'expect_location', profile.location ? 'yes' : 'no',
    '-set', 'expect_identity', profile.identity ?? 'none',
    '-set', 'expect_adr', profile.additionalData.join(' '),
    '-set', 'ring_ticks', String(Math.max(0, Math.round(ringMs / 100))),
  ];
}

export async function startSippPsap(opts: SippPsapOptions): Promise<SippPsap> {
  let lastError: unknown;
  // A port taken between choosing it and SIPp binding it: choose again (the media and control
  // ports, at least, when the SIP port is fixed).
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function startOnce(opts: SippPsapOptions): Promise<SippPsap> {
  const log = opts.log ?? (() => {});
  const profile: PsapProfile = typeof opts.profile === 'string' ? PSAP_PROFILES[opts.profile] : opts.profile;
  const runDir = opts.runDir ?? mkdtempSync(join(tmpdir(), 'softphone-sipp-'));
  mkdirSync(runDir, { recursive: true });
  const port = opts.port ?? (await freeUdpPort());
  const mediaPort = await freeUdpPort([2]);
  const ctrlPort = await freeUdpPort();
  const requestUri = 'urn' in profile.requestUri ? profile.requestUri.urn : `sip:${profile.requestUri.dialString}@127.0.0.1:${port}`;
  const files = {
    messages: join(runDir, `messages-${port}.log`),
    errors: join(runDir, `errors-${port}.log`),
    log: join(runDir, `psap-${port}.log`),
    stats: join(runDir, `stats-${port}.csv`),
  };
  const args = [
    '-sf', PSAP_SCENARIO,
    '-i', '127.0.0.1', '-p', String(port), '-t', 'u1',
    '-mi', '127.0.0.1', '-mp', String(mediaPort), '-rtp_echo',
    // The control socket listens on every address unless told otherwise.
    '-ci', '127.0.0.1', '-cp', String(ctrlPort),
    '-nostdin',
    ...profileArgs(profile, requestUri, opts.ringMs ?? 200),
    '-trace_msg', '-message_file', files.messages,
    '-trace_err', '-error_file', files.errors,
    '-trace_logs', '-log_file', files.log,
    '-trace_stat', '-stf', files.stats, '-fd', '1',
    // A loaded machine (Electron, Chromium and the gateway on two cores) must not make it quit.
    '-watchdog_minor_maxtriggers', '100000', '-watchdog_major_maxtriggers', '100000',
  ];
  log(`[sipp] ${SIPP} ${args.map((a) => (/^[\w.:/@=-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`);
  const child: ChildProcess = spawn(SIPP, args, { cwd: runDir, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) {
      if (!line.trim()) continue;
      stderr.push(line);
      log(`[sipp] ${line}`);
    }
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => { spawnError = err; });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('exit', (code, sig) => log(`[sipp] exited ${code ?? sig}`));
  const running = (): boolean => child.exitCode === null && child.signalCode === null && !spawnError;

  // Ready once this SIPp holds its SIP and media ports. Not an OPTIONS probe (each would be a
  // call to it), nor binding the port to see (that could take it first).
  const deadline = Date.now() + 10_000;
  while (!(holdsUdpPort(child.pid, port) && holdsUdpPort(child.pid, mediaPort))) {
    if (!running()) {
      await Promise.race([exited, sleep(1000)]);
      throw new Error(`sipp did not start: ${spawnError?.message ?? stderr.slice(-5).join(' | ')}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('sipp: timed out waiting for it to start');
    }
    await sleep(20);
  }

  const result = (): SippPsapResult => {
    const logText = readText(files.log);
    const allEnds = [...logText.matchAll(/^PSAP END call=\S* result=([\w-]+)$/gm)].map((m) => m[1]);
    // A request out of any call (an OPTIONS probe) is answered, and is no call.
    const outOfCall = allEnds.filter((r) => r === 'out-of-call').length;
    const ends = allEnds.filter((r) => r !== 'out-of-call');
    const pidfLos = [...logText.matchAll(/^PSAP PIDF-LO call=[^\n]*\n([\s\S]*?)\n?PSAP PIDF-LO END$/gm)].map((m) =>
      (m[1] ?? '').replace(/\s+$/, ''),
    );
    const failedChecks: string[] = [];
    const errors: string[] = [];
    for (const entry of parseErrorLog(readText(files.errors))) {
      const check = /^PSAP check failed:(.*) \(Call-ID .*\)$/.exec(entry);
      if (check) failedChecks.push(...(check[1] ?? '').trim().split(/\s+/).filter(Boolean));
      else if (!/receive timeout on message .* jumping to label/.test(entry)) errors.push(entry);
    }
    // SIPp's own counters are written once a second: they catch failures no check saw.
    const stats = sippStats(readText(files.stats));
    return {
      calls: Math.max(ends.length, stats.successful - outOfCall + stats.failed),
      failed: Math.max(ends.filter((r) => r === 'rejected').length, stats.failed),
      messages: existsSync(files.messages) ? parseReceivedMessages(readFileSync(files.messages)) : [],
      failedChecks,
      pidfLos,
      errors,
    };
  };

  // A test runner that dies must not leave an answering point behind.
  const killOnExit = (): void => { if (running()) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    // SIGUSR1 ends SIPp when no call is open; SIGTERM ends it at once, through its own exit
    // (final statistics written, nothing sent to the caller); SIGKILL if all else fails.
    for (const [signal, waitMs] of [['SIGUSR1', 300], ['SIGTERM', 2000], ['SIGKILL', 2000]] as const) {
      if (!running()) break;
      child.kill(signal);
      await Promise.race([exited, sleep(waitMs)]);
    }
    process.off('exit', killOnExit);
    if (running()) throw new Error(`sipp (pid ${child.pid}) did not exit`);
    await exited;
  };

  log(`[sipp] PSAP on udp 127.0.0.1:${port}, media ${mediaPort}, expecting ${requestUri}`);
  return { uri: `sip:127.0.0.1:${port}`, requestUri, port, mediaPort, runDir, result, stop };
}
