/**
 * Starts the real test gateway on 127.0.0.1: rtpengine (media), Kamailio (WebSocket registrar,
 * digest auth, routing) and baresip (the far end: auto-answers, plays a tone, records what it
 * hears, reports events over ctrl_tcp). Used by the e2e tests, the benches and `npm run gateway`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync, existsSync, readdirSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface TestUser {
  user: string;
  password: string;
}

export interface GatewayOptions {
  /** Fixed ports for `npm run gateway`; tests take free ones. */
  sipPort?: number;
  wsPort?: number;
  runDir?: string;
  users?: TestUser[];
  /** Kamailio debug level (2 = info, shows each request). */
  debug?: number;
  log?: (line: string) => void;
}

export const DOMAIN = '127.0.0.1';
export const FAR_END_EXTENSION = '1000';
/** The far end's account that plays the emergency answering point (PSAP). */
export const PSAP_USER = 'psap';
/** The security desk's user at the gateway: its MESSAGEs are recorded by the test line's edge. */
export const SECURITY_DESK_USER = 'security';
/** The test line (US 933): routed to the ordinary far end through an edge of its own. */
export const TEST_LINE = '933';
/** The emergency number whose route answers 424 Bad Location Information to an INVITE with location. */
export const BAD_LOCATION_NUMBER = '196';
/** What the test gateway routes to the emergency edge: the French list, 112, 911, 999 and friends. */
export const EMERGENCY_ROUTE_RE = '^(112|15|17|18|114|115|116000|116117|119|191|196|197|911|999|000|110)$';
/** How long the slow gateway holds an emergency INVITE: past the app's no-response bound (2.5 s). */
export const SLOW_GATEWAY_HOLD_MS = 3500;
export const DEFAULT_USERS: TestUser[] = [
  { user: 'alice', password: 'alice-secret' },
  { user: 'bob', password: 'bob-secret' },
  // A third softphone, for attended transfer between three browsers.
  { user: 'carol', password: 'carol-secret' },
];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A UDP port free for both UDP and TCP use. */
async function freeUdpPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    const ok = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`gateway: timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** rtpengine's ng protocol over UDP: bencoded dictionaries behind a cookie. */
async function rtpenginePing(port: number): Promise<boolean | null> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); resolve(null); }, 300);
    s.on('message', (msg) => {
      clearTimeout(timer);
      s.close();
      resolve(msg.toString().includes('pong') ? true : null);
    });
    s.send('ping1 d7:command4:pinge', port, '127.0.0.1');
  });
}

async function tcpOpen(port: number): Promise<boolean | null> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(null));
  });
}

/** Sends one SIP OPTIONS over UDP and returns the status line of the answer. */
export async function sipOptions(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); resolve(null); }, 300);
    s.on('message', (msg) => { clearTimeout(timer); s.close(); resolve(msg.toString().split('\r\n')[0] ?? null); });
    s.bind(0, '127.0.0.1', () => {
      const local = s.address().port;
      const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
      const req = [
        `OPTIONS sip:${DOMAIN}:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:probe@127.0.0.1>;tag=${branch}`,
        `To: <sip:${DOMAIN}:${port}>`,
        `Call-ID: ${branch}@probe`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '', '',
      ].join('\r\n');
      s.send(req, port, '127.0.0.1');
    });
  });
}

export interface FarEndEvent {
  type: string;
  class?: string;
  peeruri?: string;
  param?: string;
  [k: string]: unknown;
}

/** Drives baresip through its ctrl_tcp module (netstring-framed JSON). */
export class FarEndControl {
  private buf = Buffer.alloc(0);
  private readonly events: FarEndEvent[] = [];
  private waiters: Array<() => void> = [];
  private responses: Array<(r: { ok: boolean; data: string }) => void> = [];

  private constructor(private readonly sock: Socket) {
    sock.on('data', (d) => this.onData(d));
  }

  static async connect(port: number): Promise<FarEndControl> {
    const sock = await waitFor('baresip ctrl_tcp', () => new Promise<Socket | null>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(null));
    }), 10_000);
    return new FarEndControl(sock);
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const colon = this.buf.indexOf(':');
      if (colon < 0) return;
      const len = Number(this.buf.subarray(0, colon).toString());
      if (this.buf.length < colon + 1 + len + 1) return;
      const body = this.buf.subarray(colon + 1, colon + 1 + len).toString();
      this.buf = this.buf.subarray(colon + 1 + len + 1);
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(body) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (msg.event) {
        if (process.env.GATEWAY_LOG) console.log(`[far end event] ${body}`);
        this.events.push(msg as FarEndEvent);
        const w = this.waiters;
        this.waiters = [];
        w.forEach((f) => f());
      } else if (msg.response) {
        this.responses.shift()?.({ ok: Boolean(msg.ok), data: String(msg.data ?? '') });
      }
    }
  }

  command(command: string, params = ''): Promise<{ ok: boolean; data: string }> {
    const json = JSON.stringify({ command, params, token: String(Date.now()) });
    const frame = `${Buffer.byteLength(json)}:${json},`;
    return new Promise((resolve) => {
      this.responses.push(resolve);
      this.sock.write(frame);
    });
  }

  /** Waits for an event of `type` that arrived after index `from` (see `mark`). */
  async waitEvent(type: string, timeoutMs = 15_000, from = 0): Promise<FarEndEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find((e) => e.type === type);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`far end: no ${type} event; saw ${this.events.slice(from).map((e) => e.type).join(', ') || 'nothing'}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Index to pass to waitEvent so that only later events count. */
  mark(): number {
    return this.events.length;
  }

  close(): void {
    this.sock.destroy();
  }
}

interface DtmfEvent {
  digit: string;
  at: number;
}

/** RFC 4733 event codes: 0-9, then *, #, A-D. */
function dtmfDigit(code: number | string): string {
  const n = Number(code);
  return Number.isInteger(n) ? ('0123456789*#ABCD'[n] ?? '?') : String(code);
}

export interface RecordingMark {
  existing: ReadonlySet<string>;
}

export interface Gateway {
  wsUrl: string;
  /** Same registrar, but answers emergency INVITEs with 503: for failover tests. */
  wsUrlFailing: string;
  /** Same registrar; answers emergency INVITEs with 404 Not Found. */
  wsUrlRejecting: string;
  /** Same registrar; answers emergency INVITEs with 100 Trying, then nothing ever. */
  wsUrlTryingOnly: string;
  /** Same registrar; holds emergency INVITEs silently for SLOW_GATEWAY_HOLD_MS, then routes them. */
  wsUrlSlow: string;
  /** Same registrar; routes emergency INVITEs to the SIPp answering point on `sippPsapPort`. */
  wsUrlSipp: string;
  /** Where a test starts the SIPp answering point (test/gateway/sipp.ts) when it needs one. */
  sippPsapPort: number;
  /** Where the emergency edge's sipdump writes every message it saw. */
  sipDumpDir: string;
  /** The same for the test line's edge (calls to TEST_LINE). */
  testLineDumpDir: string;
  sipPort: number;
  /** baresip's own port: its accounts are sip:1000@127.0.0.1:<port> and sip:psap@127.0.0.1:<port>. */
  farEndPort: number;
  domain: string;
  users: TestUser[];
  farEnd: FarEndControl;
  /** SIP URI that reaches the far end from the softphone. */
  farEndUri: string;
  recordingsDir: string;
  runDir: string;
  /** Digits of the RFC 4733 DTMF events rtpengine relayed so far. */
  dtmfDigits(): string;
  /** Kills the WebSocket gateway (Kamailio), as an outage would; its registrations are lost. */
  stopSignalling(): Promise<void>;
  /** Starts it again on the same ports. */
  startSignalling(): Promise<void>;
  /** Call before a call: `recordingSince` then finds only the files that call made. */
  recordingMark(): RecordingMark;
  /**
   * The WAV the far end recorded of what it heard (decoded side) in the one call made since `mark`.
   * Throws if there is none, or more than one: never another call's recording.
   */
  recordingSince(mark: RecordingMark): string;
  stop(): Promise<void>;
}

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/@@([A-Z_]+)@@/g, (_, k: string) => {
    if (!(k in values)) throw new Error(`gateway: no value for @@${k}@@`);
    return String(values[k]);
  });
}

/**
 * Starts the stack; if a piece fails to come up (a port taken between choosing and binding it, say),
 * everything is stopped and started again on fresh ports, up to three times.
 */
export async function startGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const recent: string[] = [];
    try {
      return await startGatewayOnce({
        ...opts,
        log: (line) => {
          recent.push(line);
          if (recent.length > 40) recent.shift();
          opts.log?.(line);
        },
      });
    } catch (err) {
      lastError = new Error(`${err instanceof Error ? err.message : String(err)}\n${recent.join('\n')}`);
      if (opts.sipPort || opts.wsPort) break; // fixed ports: retrying cannot help
    }
  }
  throw lastError;
}

async function startGatewayOnce(opts: GatewayOptions): Promise<Gateway> {
  const log = opts.log ?? (() => {});
  const runDir = opts.runDir ?? mkdtempSync(join(tmpdir(), 'softphone-gw-'));
  mkdirSync(runDir, { recursive: true });
  const users = opts.users ?? DEFAULT_USERS;
  const sipPort = opts.sipPort ?? (await freeUdpPort());
  const wsPort = opts.wsPort ?? (await freePort());
  const wsFailingPort = await freePort();
  const wsRejectingPort = await freePort();
  const wsTryingPort = await freePort();
  const wsSlowPort = await freePort();
  const wsSippPort = await freePort();
  const sippPsapPort = await freeUdpPort();
  const edgePort = await freeUdpPort();
  const testEdgePort = await freeUdpPort();
  const ngPort = await freeUdpPort();
  const ctrlPort = await freePort();
  const farEndPort = await freeUdpPort();
  // rtpengine reports each RFC 4733 DTMF event it relays here, as JSON.
  const dtmfEvents: DtmfEvent[] = [];
  const dtmfSocket = createSocket('udp4');
  dtmfSocket.on('message', (msg) => {
    try {
      const ev = JSON.parse(msg.toString()) as { event?: number | string; callid?: string; events?: Array<{ event: number | string }> };
      for (const e of ev.events ?? [ev]) if (e.event !== undefined) dtmfEvents.push({ digit: dtmfDigit(e.event), at: Date.now() });
    } catch {
      // not ours
    }
  });
  const dtmfPort = await new Promise<number>((r) => dtmfSocket.bind(0, '127.0.0.1', () => r(dtmfSocket.address().port)));
  const rtpMin = 30000 + Math.floor(Math.random() * 300) * 100;
  const children: ChildProcess[] = [];

  const startChild = (name: string, cmd: string, args: string[]): ChildProcess => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: runDir });
    const out = (d: Buffer): void => {
      for (const line of d.toString().split('\n')) if (line.trim()) log(`[${name}] ${line}`);
    };
    child.stdout?.on('data', out);
    child.stderr?.on('data', out);
    child.on('exit', (code, sig) => log(`[${name}] exited ${code ?? sig}`));
    children.push(child);
    return child;
  };

  const stop = async (): Promise<void> => {
    farEnd?.close();
    dtmfSocket.close();
    for (const c of children.reverse()) {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGTERM');
        await Promise.race([new Promise((r) => c.once('exit', r)), sleep(2000)]);
        if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      }
    }
  };
  let farEnd: FarEndControl | undefined;

  try {
    // rtpengine first, and only once it answers: Kamailio disables an unanswering one for 60 s.
    startChild('rtpengine', 'rtpengine', [
      '--foreground', '--table=-1', '--config-file=none', '--interface=127.0.0.1',
      `--listen-ng=127.0.0.1:${ngPort}`, `--port-min=${rtpMin}`, `--port-max=${rtpMin + 99}`,
      `--dtmf-log-dest=127.0.0.1:${dtmfPort}`, '--log-stderr', `--log-level=${opts.debug && opts.debug > 2 ? 7 : 5}`, `--pidfile=${join(runDir, 'rtpengine.pid')}`,
    ]);
    await waitFor('rtpengine ng ping', () => rtpenginePing(ngPort), 10_000);

    const farEndUri = `sip:${FAR_END_EXTENSION}@${DOMAIN}:${sipPort}`;
    const routes = [
      // "callback-<user>" plays emergency services calling back: marked as RFC 7090 does.
      `if ($rU =~ "^callback-") {`,
      `\t$rU = $(rU{s.substr,9,0}); append_hf("Priority: psap-callback\\r\\n");`,
      `\tif (!lookup("location")) { sl_send_reply("480", "Temporarily Unavailable"); exit; }`,
      `\troute(RELAY); exit;`,
      '}',
      `if ($rU == "${FAR_END_EXTENSION}") { $ru = "sip:${FAR_END_EXTENSION}@127.0.0.1:${farEndPort}"; route(RELAY); exit; }`,
      // The far end's own Contact (baresip's "1000-0x…" user), as an attended transfer's Refer-To names it.
      `if ($rU =~ "^${FAR_END_EXTENSION}-") { $ru = "sip:" + $rU + "@127.0.0.1:${farEndPort}"; route(RELAY); exit; }`,
      // The security desk: the test line's edge takes its MESSAGEs (and records them).
      `if ($rU == "${SECURITY_DESK_USER}") { $ru = "sip:" + $rU + "@127.0.0.1:${testEdgePort}"; route(RELAY); exit; }`,
      // The test line: its own edge, in front of the ordinary far end; no emergency route involved.
      // By dial string, or by service URN (urn:service:test.*) as the Request-URI.
      `if ($rU == "${TEST_LINE}" || $ru =~ "^urn:service:test\\.") { route(TO_TEST_EDGE); exit; }`,
      // Emergency numbers, or an RFC 5031 sos URN as the Request-URI, go to the emergency edge;
      // the misbehaving listeners answer as their names say instead.
      `if ($rU =~ "${EMERGENCY_ROUTE_RE}" || $ru =~ "^urn:service:sos") {`,
      `\tif ($Rp == ${wsFailingPort}) { sl_send_reply("503", "Service Unavailable"); exit; }`,
      `\tif ($Rp == ${wsRejectingPort}) { sl_send_reply("404", "Not Found"); exit; }`,
      `\tif ($Rp == ${wsTryingPort}) { sl_send_reply("100", "Trying"); exit; }`,
      // Nothing at all goes back meanwhile: no 100 either (tm sends it only from t_relay on).
      `\tif ($Rp == ${wsSlowPort} && is_method("INVITE")) { usleep("${SLOW_GATEWAY_HOLD_MS * 1000}"); }`,
      // 196 plays a route that cannot use the location it was sent (RFC 6442 424).
      `\tif ($rU == "${BAD_LOCATION_NUMBER}" && is_present_hf("Geolocation")) { sl_send_reply("424", "Bad Location Information"); exit; }`,
      // The SIPp answering point, for calls that came in on its listener.
      `\tif ($Rp == ${wsSippPort}) { $var(next) = "${sippPsapPort}"; } else { $var(next) = "${edgePort}"; }`,
      // A URN Request-URI reaches the answering point unchanged; a dial string is readdressed.
      `\tif ($ru =~ "^urn:") { $du = "sip:127.0.0.1:" + $var(next); } else { $ru = "sip:" + $rU + "@127.0.0.1:" + $var(next); }`,
      `\troute(RELAY); exit;`,
      '}',
    ].join('\n\t');
    /** Fills a Kamailio config template, writes it to its own run dir, starts it, waits for SIP. */
    const startKamailio = async (name: string, template: string, port: number, values: Record<string, string | number>): Promise<() => Promise<ChildProcess>> => {
      const dir = join(runDir, name);
      mkdirSync(dir, { recursive: true });
      const cfgPath = join(dir, template);
      writeFileSync(cfgPath, fill(readFileSync(join(HERE, template), 'utf8'), { DEBUG: opts.debug ?? 2, ...values }));
      const launch = async (): Promise<ChildProcess> => {
        const child = startChild(name, 'kamailio', ['-DD', '-E', '-f', cfgPath, '-Y', dir, '-w', dir]);
        await waitFor(`${name} SIP`, async () => ((await sipOptions(port)) ? true : null), 15_000);
        return child;
      };
      signalling = await launch();
      return launch;
    };
    let signalling: ChildProcess | undefined;
    const relaunchGateway = await startKamailio('kamailio', 'kamailio-gateway.cfg', sipPort, {
      SIP_PORT: sipPort,
      WS_PORT: wsPort,
      WS_FAILING_PORT: wsFailingPort,
      WS_REJECTING_PORT: wsRejectingPort,
      WS_TRYING_PORT: wsTryingPort,
      WS_SLOW_PORT: wsSlowPort,
      WS_SIPP_PORT: wsSippPort,
      TEST_EDGE_PORT: testEdgePort,
      RTPENGINE_NG_PORT: ngPort,
      RUN_DIR: runDir,
      DOMAIN,
      USERS: users.map((u) => `\t$sht(users=>${u.user}) = "${u.password}";`).join('\n'),
      ROUTES: routes,
    });
    await waitFor('kamailio WebSocket', () => tcpOpen(wsPort), 5_000);
    let gatewayProcess = signalling;

    // The emergency edge: sipdump of everything, multipart reduced to SDP, on to the answering point.
    const dumpDir = join(runDir, 'sipdump');
    mkdirSync(dumpDir, { recursive: true });
    await startKamailio('edge', 'kamailio-edge.cfg', edgePort, {
      EDGE_PORT: edgePort,
      DUMP_DIR: dumpDir,
      PSAP_USER: PSAP_USER,
      PSAP_PORT: farEndPort,
    });
    const testDumpDir = join(runDir, 'sipdump-test-line');
    mkdirSync(testDumpDir, { recursive: true });
    await startKamailio('test-edge', 'kamailio-edge.cfg', testEdgePort, {
      EDGE_PORT: testEdgePort,
      DUMP_DIR: testDumpDir,
      PSAP_USER: FAR_END_EXTENSION,
      PSAP_PORT: farEndPort,
    });

    const recordingsDir = join(runDir, 'recordings');
    const baresipDir = join(runDir, 'baresip');
    mkdirSync(recordingsDir, { recursive: true });
    mkdirSync(baresipDir, { recursive: true });
    writeFileSync(join(baresipDir, 'config'), fill(readFileSync(join(HERE, 'baresip.conf'), 'utf8'), {
      SIP_LISTEN: `127.0.0.1:${farEndPort}`,
      CTRL_PORT: ctrlPort,
      RECORDINGS: recordingsDir,
    }));
    writeFileSync(join(baresipDir, 'accounts'), [
      `<sip:${FAR_END_EXTENSION}@127.0.0.1:${farEndPort}>;answermode=auto;regint=0;outbound="sip:127.0.0.1:${sipPort}"`,
      `<sip:${PSAP_USER}@127.0.0.1:${farEndPort}>;answermode=auto;regint=0;outbound="sip:127.0.0.1:${sipPort}"`,
      '',
    ].join('\n'));
    startChild('baresip', 'baresip', ['-f', baresipDir]);
    farEnd = await FarEndControl.connect(ctrlPort);

    const decodedRecordings = (): string[] => (existsSync(recordingsDir) ? readdirSync(recordingsDir).filter((f) => f.endsWith('-dec.wav')) : []);
    const recordingSince = (mark: RecordingMark): string => {
      // baresip names files by the second the call started: a name not seen at the mark is this call's.
      const made = decodedRecordings().filter((f) => !mark.existing.has(f));
      if (made.length !== 1) throw new Error(`far end: expected one recording since the mark, found ${made.length}: ${made.join(', ')}`);
      return join(recordingsDir, made[0] as string);
    };
    return {
      wsUrl: `ws://127.0.0.1:${wsPort}`,
      wsUrlFailing: `ws://127.0.0.1:${wsFailingPort}`,
      wsUrlRejecting: `ws://127.0.0.1:${wsRejectingPort}`,
      wsUrlTryingOnly: `ws://127.0.0.1:${wsTryingPort}`,
      wsUrlSlow: `ws://127.0.0.1:${wsSlowPort}`,
      wsUrlSipp: `ws://127.0.0.1:${wsSippPort}`,
      sippPsapPort,
      farEndPort,
      sipDumpDir: dumpDir,
      testLineDumpDir: testDumpDir,
      sipPort,
      domain: DOMAIN,
      users,
      farEnd,
      farEndUri,
      recordingsDir,
      runDir,
      recordingMark: () => ({ existing: new Set(decodedRecordings()) }),
      recordingSince,
      dtmfDigits: () => dtmfEvents.map((e) => e.digit).join(''),
      stopSignalling: async () => {
        const child = gatewayProcess;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        // SIGTERM: Kamailio's main process then stops its workers too, freeing the ports.
        child.kill('SIGTERM');
        await exited;
      },
      startSignalling: async () => {
        gatewayProcess = await relaunchGateway();
        await waitFor('kamailio WebSocket', () => tcpOpen(wsPort), 5_000);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
