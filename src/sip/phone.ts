/**
 * The phone engine on sip.js: registration with failover across gateways, outgoing and incoming
 * calls, mute, hold, DTMF. It owns no UI; it publishes plain snapshots (`PhoneSnapshot`) that a
 * store renders. WebRTC itself is reached only through sip.js's session description handler.
 */
import {
  Invitation,
  Inviter,
  Messager,
  Registerer,
  RegistererState,
  type Session,
  SessionState,
  UserAgent,
  type UserAgentOptions,
} from 'sip.js';
import type { IncomingResponse, OutgoingRequestMessage } from 'sip.js/lib/core';
import {
  defaultSessionDescriptionHandlerFactory,
  SessionDescriptionHandler,
  type SessionDescriptionHandlerOptions,
} from 'sip.js/lib/platform/web';
import type { SessionDescriptionHandlerFactory } from 'sip.js';
import type { AccountWithPassword } from '../account';
import { emergencyHeaders, multipartOffer, shouldFailOver, type MultipartBody } from './emergency-invite';
import { stripComfortNoise } from './sdp';

export type RegistrationFailure = 'wrongCredentials' | 'forbidden' | 'gatewayUnreachable' | 'rejected' | 'noAccount';

export type RegistrationState =
  | { status: 'unconfigured' }
  | { status: 'connecting'; gateway: string }
  | { status: 'registering'; gateway: string }
  | { status: 'registered'; gateway: string }
  | { status: 'failed'; reason: RegistrationFailure; detail: string; gateway?: string; retryInMs?: number };

export type CallState = 'dialing' | 'ringing' | 'progress' | 'established' | 'ended';

export interface EmergencyAttempt {
  gateway: string;
  /** SIP status, 'no response' or a transport error. */
  result: string;
}

export interface EmergencyInfo {
  dialString: string;
  urn?: string;
  /** Whether a PIDF-LO went with the INVITE. */
  locationSent: boolean;
  /** Gateways tried, in order; the last one carries the call. */
  attempts: EmergencyAttempt[];
  /** Every gateway failed: the user must use another phone. */
  allGatewaysFailed?: boolean;
  /** A test of the emergency setup, to a test line. */
  test?: boolean;
}

export interface CallSnapshot {
  id: string;
  emergency?: EmergencyInfo;
  /** An incoming call that may be emergency services calling back (RFC 7090, or the window after a call). */
  possibleCallback?: boolean;
  direction: 'outgoing' | 'incoming';
  remoteUri: string;
  remoteName: string;
  state: CallState;
  muted: boolean;
  held: boolean;
  /** A hold/resume re-INVITE is under way. */
  holdPending: boolean;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  /** SIP status or reason shown when the call ends without being answered. */
  endReason?: string;
}

export interface PhoneSnapshot {
  registration: RegistrationState;
  calls: CallSnapshot[];
}

export interface AudioStats {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Level of the received audio, 0..1, from the inbound RTP stats. */
  audioLevel: number;
}

/** What the UI asks for when it places an emergency call. */
export interface EmergencyCallRequest {
  /** The bare emergency number, dialled at the gateway: `sip:112@gateway-domain`. */
  dialString: string;
  urn?: string;
  /** The PIDF-LO to send, or null when the location is unknown. */
  pidfLo: string | null;
  /** The call record's start line being written: the first INVITE waits for it (briefly). */
  recorded?: Promise<unknown>;
  /** A call to a test line (setup check): shown as such; no real emergency service is dialled. */
  test?: boolean;
}

/** The record must not hold the call back for long if the disk is slow. */
const RECORD_WAIT_MS = 150;

export interface PhoneOptions {
  account: AccountWithPassword;
  /** The platform's getUserMedia; injected so the core has no DOM dependency. */
  getUserMedia: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** Incoming calls are turned away while it says so (never emergency ones of ours). */
  doNotDisturb?: () => boolean;
  /** Random token source (boundaries, Content-IDs). */
  random?: () => string;
  /** Each successful registration, with the public address the gateway saw (Via received). */
  onRegistered?: (viaReceived: string | null) => void;
  /** After an emergency call, incoming calls ring through do-not-disturb this long (RFC 6881 ED-68). */
  callbackWindowMs?: number;
  /** Called with the remote stream of a call, to be played by the UI's audio element. */
  onRemoteStream?: (callId: string, stream: MediaStream) => void;
  onChange: (snapshot: PhoneSnapshot) => void;
  /** Microphone choice; '' for the default device. */
  audioInputId?: () => string;
  /** Normal calls must not wait sip.js's default 5 s on an unreachable STUN server. */
  iceGatheringTimeoutMs?: number;
  userAgentString?: string;
}

interface ManagedCall {
  snapshot: CallSnapshot;
  session: Session;
  /** A connection made only for this call (emergency failover); stopped when the call ends. */
  ownUserAgent?: UserAgent;
  /** The user hung up: an emergency call must not move on to another gateway after that. */
  hungUp?: boolean;
}

/**
 * Back-off between rounds over all gateways. Short on purpose: emergency calling must come back
 * within seconds of the gateway or the network, and a WebSocket attempt costs little.
 */
const RECONNECT_DELAYS_MS = [500, 1000, 1500];
/** Emergency INVITEs wait at most this long for ICE candidates: host candidates come in a few ms. */
export const EMERGENCY_ICE_GATHERING_MS = 40;
/** A gateway that has not answered an emergency INVITE at all by then is skipped. */
export const EMERGENCY_NO_RESPONSE_MS = 2500;
/** How long a failed emergency call stays on screen with its "use another phone" message. */
const FAILED_EMERGENCY_LINGER_MS = 120_000;
/** A pre-acquired microphone stream is released if no call uses it by then. */
const WARM_MEDIA_TTL_MS = 30_000;

export class Phone {
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private registration: RegistrationState = { status: 'unconfigured' };
  private readonly calls = new Map<string, ManagedCall>();
  private gatewayIndex = 0;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private authFailed = false;
  private nextId = 1;
  private currentGateway = '';
  /** When the last (real) emergency call ended: the callback window runs from there. */
  private lastEmergencyAt = 0;
  private warmMedia: { stream: Promise<MediaStream>; timer: ReturnType<typeof setTimeout> } | undefined;
  /**
   * Emergency sessions: their first offer may go out as SDP + PIDF-LO (`wrap`), and only once the
   * call record's start line is written (`gate`), which happens while ICE candidates are gathered.
   */
  private readonly emergencyOffers = new WeakMap<Session, { wrap?: (sdp: string) => MultipartBody; gate?: Promise<unknown> }>();
  private readonly sdhFactory: SessionDescriptionHandlerFactory;

  constructor(private readonly opts: PhoneOptions) {
    const base = defaultSessionDescriptionHandlerFactory((constraints) => this.takeMedia(constraints));
    // Wraps only the initial offer of an emergency call; re-INVITEs and answers are plain SDP.
    this.sdhFactory = (session, options) => {
      const sdh = base(session, options) as SessionDescriptionHandler;
      const emergency = this.emergencyOffers.get(session);
      if (emergency) {
        const original = sdh.getDescription.bind(sdh);
        let first = true;
        sdh.getDescription = async (o, m) => {
          const description = await original(o, m);
          if (!first) return description;
          first = false;
          if (emergency.gate) await emergency.gate;
          return emergency.wrap ? emergency.wrap(description.body) : description;
        };
      }
      return sdh;
    };
  }

  /** The microphone, from a pre-acquired stream when there is one (emergency digits typed). */
  private takeMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
    const warm = this.warmMedia;
    if (warm) {
      clearTimeout(warm.timer);
      this.warmMedia = undefined;
      return warm.stream;
    }
    return this.opts.getUserMedia(constraints);
  }

  /** Opens the microphone ahead of the call, so an emergency INVITE does not wait for it. */
  prewarmMedia(): void {
    if (this.warmMedia) return;
    const stream = this.opts.getUserMedia(this.mediaOptions(true).constraints as MediaStreamConstraints);
    stream.catch(() => undefined);
    const timer = setTimeout(() => this.releaseWarmMedia(), WARM_MEDIA_TTL_MS);
    this.warmMedia = { stream, timer };
  }

  releaseWarmMedia(): void {
    const warm = this.warmMedia;
    if (!warm) return;
    clearTimeout(warm.timer);
    this.warmMedia = undefined;
    void warm.stream.then((s) => s.getTracks().forEach((t) => t.stop())).catch(() => undefined);
  }

  private random(): string {
    return this.opts.random?.() ?? Math.random().toString(36).slice(2, 12);
  }

  get snapshot(): PhoneSnapshot {
    return { registration: this.registration, calls: [...this.calls.values()].map((c) => ({ ...c.snapshot })) };
  }

  private emit(): void {
    this.opts.onChange(this.snapshot);
  }

  private setRegistration(r: RegistrationState): void {
    this.registration = r;
    this.emit();
  }

  private get domain(): string {
    return UserAgent.makeURI(this.opts.account.sipUri)?.host ?? '';
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  /** Connects to the current gateway; on failure moves on to the next one, then backs off. */
  private async connect(): Promise<void> {
    if (this.stopped) return;
    const { account } = this.opts;
    const gateway = account.gateways[this.gatewayIndex % account.gateways.length] ?? '';
    const uri = UserAgent.makeURI(account.sipUri);
    if (!uri || !gateway) {
      this.setRegistration({ status: 'failed', reason: 'noAccount', detail: 'The account is incomplete.' });
      return;
    }
    await this.teardownUserAgent();
    this.authFailed = false;
    this.currentGateway = gateway;
    this.setRegistration({ status: 'connecting', gateway });
    const options: UserAgentOptions = {
      ...this.userAgentOptions(gateway),
      delegate: {
        onInvite: (invitation) => this.onInvite(invitation),
        onDisconnect: (error) => {
          if (this.stopped) return;
          this.setRegistration({
            status: 'failed',
            reason: 'gatewayUnreachable',
            detail: error?.message || 'The connection to the gateway was lost.',
            gateway,
          });
          this.scheduleReconnect();
        },
      },
    };
    const ua = new UserAgent(options);
    this.ua = ua;
    void uri;
    try {
      await ua.start();
    } catch (err) {
      if (this.ua !== ua) return;
      this.setRegistration({
        status: 'failed',
        reason: 'gatewayUnreachable',
        detail: gateway.startsWith('wss:')
          ? `Cannot reach ${gateway} (network down, gateway stopped, or its TLS certificate is not trusted).`
          : `Cannot reach ${gateway}.`,
        gateway,
      });
      void err;
      this.scheduleReconnect();
      return;
    }
    if (this.ua !== ua) return;
    this.attempt = 0;
    await this.register(ua, gateway);
  }

  private userAgentOptions(gateway: string): UserAgentOptions {
    const { account } = this.opts;
    return {
      uri: UserAgent.makeURI(account.sipUri),
      transportOptions: { server: gateway, connectionTimeout: 5, keepAliveInterval: 25 },
      authorizationUsername: account.authUser,
      authorizationPassword: account.password,
      displayName: account.displayName || undefined,
      userAgentString: this.opts.userAgentString ?? 'SecoursSoftphone/0.1',
      logBuiltinEnabled: false,
      logLevel: 'error',
      noAnswerTimeout: 120,
      sessionDescriptionHandlerFactory: this.sdhFactory,
      sessionDescriptionHandlerFactoryOptions: {
        // Only the account's ICE servers: never sip.js's public default STUN server.
        peerConnectionConfiguration: { iceServers: account.iceServers.map((s) => ({ ...s })) },
        iceGatheringTimeout: this.opts.iceGatheringTimeoutMs ?? 1000,
      },
    };
  }

  private async register(ua: UserAgent, gateway: string): Promise<void> {
    this.setRegistration({ status: 'registering', gateway });
    const registerer = new Registerer(ua, { expires: 300, refreshFrequency: 90 });
    this.registerer = registerer;
    registerer.stateChange.addListener((state) => {
      if (this.registerer !== registerer) return;
      if (state === RegistererState.Registered) this.setRegistration({ status: 'registered', gateway });
    });
    const onReject = (response: IncomingResponse): void => {
      const code = response.message.statusCode ?? 0;
      const phrase = response.message.reasonPhrase ?? '';
      if (code === 401 || code === 407) {
        this.authFailed = true;
        this.setRegistration({ status: 'failed', reason: 'wrongCredentials', detail: 'The gateway refused the user name or password.', gateway });
      } else if (code === 403) {
        this.authFailed = true;
        this.setRegistration({ status: 'failed', reason: 'forbidden', detail: `The gateway refused this account (${code} ${phrase}).`, gateway });
      } else {
        this.setRegistration({ status: 'failed', reason: 'rejected', detail: `The gateway answered ${code} ${phrase}.`, gateway });
        this.scheduleReconnect();
      }
    };
    const onAccept = (response: IncomingResponse): void => {
      const via = response.message.getHeader('Via') ?? '';
      this.opts.onRegistered?.(/;\s*received=([0-9A-Fa-f:.]+)/.exec(via)?.[1] ?? null);
    };
    try {
      await registerer.register({ requestDelegate: { onReject, onAccept } });
    } catch (err) {
      this.setRegistration({ status: 'failed', reason: 'rejected', detail: String(err), gateway });
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.authFailed || this.reconnectTimer) return;
    const { gateways } = this.opts.account;
    // Try each other gateway at once before backing off.
    const cycled = this.attempt % gateways.length === gateways.length - 1;
    const delay = cycled ? RECONNECT_DELAYS_MS[Math.min(Math.floor(this.attempt / gateways.length), RECONNECT_DELAYS_MS.length - 1)] ?? 1500 : 0;
    this.attempt += 1;
    this.gatewayIndex = (this.gatewayIndex + 1) % gateways.length;
    if (this.registration.status === 'failed') {
      this.registration = { ...this.registration, retryInMs: delay };
      this.emit();
    }
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  /** The network came back (or changed): reconnect now rather than wait for the back-off. */
  reconnectNow(): void {
    if (this.stopped || this.registration.status === 'registered') return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    void this.connect();
  }

  private async teardownUserAgent(): Promise<void> {
    const ua = this.ua;
    const registerer = this.registerer;
    this.ua = undefined;
    this.registerer = undefined;
    if (registerer && registerer.state === RegistererState.Registered) {
      await registerer.unregister().catch(() => undefined);
    }
    if (ua) await ua.stop().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    for (const id of [...this.calls.keys()]) await this.hangup(id).catch(() => undefined);
    await this.teardownUserAgent();
    this.setRegistration({ status: 'unconfigured' });
  }

  /** Microphone constraints; an emergency call keeps background sound (no noise suppression). */
  private mediaOptions(emergency = false): SessionDescriptionHandlerOptions & { constraints: MediaStreamConstraints } {
    const id = this.opts.audioInputId?.() ?? '';
    const audio: MediaTrackConstraints = { ...(id ? { deviceId: { exact: id } } : {}), ...(emergency ? { noiseSuppression: false } : {}) };
    return { constraints: { audio: Object.keys(audio).length ? audio : true, video: false } };
  }

  /** Starts following a call; `session` null means it is bound later (emergency attempts). */
  private track(session: Session | null, direction: 'outgoing' | 'incoming', remoteUri: string, remoteName: string): ManagedCall {
    const id = `call-${this.nextId++}`;
    const call: ManagedCall = {
      session: session ?? NO_SESSION,
      snapshot: {
        id,
        direction,
        remoteUri,
        remoteName,
        state: direction === 'incoming' ? 'ringing' : 'dialing',
        muted: false,
        held: false,
        holdPending: false,
        startedAt: Date.now(),
      },
    };
    this.calls.set(id, call);
    if (session) this.bind(call, session);
    this.emit();
    return call;
  }

  /** Follows a session's state; a replaced session (emergency failover) no longer counts. */
  private bind(call: ManagedCall, session: Session, onTerminated?: () => boolean): void {
    call.session = session;
    session.stateChange.addListener((state) => {
      if (call.session !== session) return;
      if (state === SessionState.Established) {
        call.snapshot.state = 'established';
        call.snapshot.answeredAt = Date.now();
        this.attachRemoteMedia(call);
      } else if (state === SessionState.Terminated) {
        // The emergency path may move the call to another gateway instead of ending it.
        if (onTerminated?.()) return;
        this.endCall(call);
      }
      this.emit();
    });
  }

  private endCall(call: ManagedCall): void {
    if (call.snapshot.state === 'ended' && call.snapshot.endedAt) return;
    if (call.snapshot.emergency && !call.snapshot.emergency.test) this.lastEmergencyAt = Date.now();
    call.snapshot.state = 'ended';
    call.snapshot.endedAt = Date.now();
    void call.ownUserAgent?.stop().catch(() => undefined);
    // Keep ended calls briefly so the UI can say how they ended; a failed emergency call stays
    // longer, since what it says (use another phone) is what the user must act on.
    setTimeout(
      () => {
        this.calls.delete(call.snapshot.id);
        this.emit();
      },
      call.snapshot.emergency?.allGatewaysFailed ? FAILED_EMERGENCY_LINGER_MS : 1500,
    );
    this.emit();
  }

  private activeEmergency(): ManagedCall | undefined {
    return [...this.calls.values()].find((c) => c.snapshot.emergency && c.snapshot.state !== 'ended');
  }

  /**
   * Places an emergency call. Never refused: other calls are held or ended, and a gateway that
   * answers 5xx, 408 or nothing at all is replaced at once by the next one.
   */
  callEmergency(req: EmergencyCallRequest): string {
    // Already connected to emergency services: never drop that call for a second one.
    const ongoing = this.activeEmergency();
    if (ongoing) return ongoing.snapshot.id;
    const { account } = this.opts;
    const target = `sip:${req.dialString}@${this.domain}`;
    for (const other of this.calls.values()) {
      if (other.snapshot.state === 'ended') continue;
      if (other.snapshot.state === 'established') void this.setHold(other.snapshot.id, true).catch(() => this.hangup(other.snapshot.id));
      else void this.hangup(other.snapshot.id).catch(() => undefined);
    }
    const call = this.track(null, 'outgoing', target, req.dialString);
    call.snapshot.emergency = { dialString: req.dialString, urn: req.urn, locationSent: req.pidfLo !== null, attempts: [], test: req.test };
    // Start from the gateway we are registered on, then the others in their configured order.
    const order = [...account.gateways];
    const current = order.indexOf(this.currentGateway);
    if (current > 0) order.unshift(...order.splice(current, 1));
    void this.attemptEmergency(call, req, order, 0);
    return call.snapshot.id;
  }

  private async attemptEmergency(call: ManagedCall, req: EmergencyCallRequest, gateways: string[], index: number): Promise<void> {
    const info = call.snapshot.emergency as EmergencyInfo;
    if (isEnded(call)) return;
    const gateway = gateways[index];
    if (gateway === undefined) {
      info.allGatewaysFailed = true;
      call.snapshot.endReason = 'allGatewaysFailed';
      this.endCall(call);
      return;
    }
    const attempt: EmergencyAttempt = { gateway, result: 'trying' };
    info.attempts.push(attempt);
    this.emit();
    const next = (result: string): void => {
      attempt.result = result;
      void this.attemptEmergency(call, req, gateways, index + 1);
    };

    let ua: UserAgent;
    try {
      ua = await this.userAgentFor(gateway, call);
    } catch (err) {
      next(err instanceof Error ? err.message : 'unreachable');
      return;
    }
    if (isEnded(call)) {
      // Hung up while connecting: a connection made for this call goes too.
      if (ua !== this.ua) void ua.stop().catch(() => undefined);
      return;
    }
    const target = UserAgent.makeURI(`sip:${req.dialString}@${this.domain}`);
    if (!target) throw new Error(`bad emergency target ${req.dialString}`);
    const parts = {
      callbackUri: this.opts.account.sipUri,
      urn: req.urn,
      pidfLo: req.pidfLo,
      contentId: `loc-${this.random()}@${this.domain}`,
    };
    const inviter = new Inviter(ua, target, {
      extraHeaders: emergencyHeaders(parts),
      sessionDescriptionHandlerOptions: { ...this.mediaOptions(true), iceGatheringTimeout: EMERGENCY_ICE_GATHERING_MS } as SessionDescriptionHandlerOptions,
      // ED-73: no silence suppression on an emergency call.
      sessionDescriptionHandlerModifiers: [async (d) => ({ type: d.type, sdp: stripComfortNoise(d.sdp ?? '') })],
    });
    const pidf = req.pidfLo;
    this.emergencyOffers.set(inviter, {
      wrap: pidf ? (sdp) => multipartOffer(sdp, pidf, parts.contentId, () => this.random()) : undefined,
      // The record's start line before the first INVITE; never more than RECORD_WAIT_MS.
      gate:
        index === 0 && req.recorded
          ? Promise.race([req.recorded.catch(() => undefined), new Promise((r) => setTimeout(r, RECORD_WAIT_MS))])
          : undefined,
    });
    if (pidf) declareOfferInBody(inviter.request);
    let movedOn = false;
    let heard = false;
    const moveOn = (result: string): boolean => {
      if (movedOn || call.hungUp || call.snapshot.state === 'established') return false;
      movedOn = true;
      clearTimeout(silence);
      next(result);
      return true;
    };
    const silence = setTimeout(() => {
      if (heard) return;
      if (moveOn('no response')) void inviter.cancel().catch(() => undefined);
    }, EMERGENCY_NO_RESPONSE_MS);
    // Unanswered, the INVITE's outcome decides (next gateway, or the end): not the state change.
    this.bind(call, inviter, () => !call.snapshot.answeredAt);
    attempt.result = 'sent';
    this.emit();
    inviter
      .invite({
        requestDelegate: {
          onTrying: () => void (heard = true),
          onProgress: (response) => {
            heard = true;
            if ((response.message.statusCode ?? 0) >= 180 && call.snapshot.state === 'dialing') {
              call.snapshot.state = 'progress';
              this.emit();
            }
          },
          onAccept: () => {
            heard = true;
            clearTimeout(silence);
            attempt.result = '200';
          },
          onReject: (response) => {
            heard = true;
            clearTimeout(silence);
            const code = response.message.statusCode ?? 0;
            const result = `${code} ${response.message.reasonPhrase ?? ''}`.trim();
            if (shouldFailOver(code) && moveOn(result)) return;
            // 424 Bad Location Information (RFC 6442): the call matters more than the location.
            if (code === 424 && req.pidfLo && !movedOn && !call.hungUp) {
              movedOn = true;
              attempt.result = result;
              info.locationSent = false;
              void this.attemptEmergency(call, { ...req, pidfLo: null }, gateways, index);
              return;
            }
            attempt.result = result;
            call.snapshot.endReason = result;
            this.endCall(call);
          },
        },
      })
      .catch((err: unknown) => {
        clearTimeout(silence);
        // Only this attempt failed to send: the next gateway, else the end (never an answered call).
        if (!moveOn(err instanceof Error ? err.message : String(err)) && !movedOn && call.snapshot.state !== 'established') this.endCall(call);
      });
  }

  /** The registered connection when it serves `gateway`, else a connection made for this call. */
  private async userAgentFor(gateway: string, call: ManagedCall): Promise<UserAgent> {
    if (this.ua && this.currentGateway === gateway && this.ua.isConnected()) return this.ua;
    const ua = new UserAgent({
      ...this.userAgentOptions(gateway),
      transportOptions: { server: gateway, connectionTimeout: 2, keepAliveInterval: 25 },
    });
    await ua.start();
    void call.ownUserAgent?.stop().catch(() => undefined);
    call.ownUserAgent = ua;
    return ua;
  }

  private attachRemoteMedia(call: ManagedCall): void {
    const sdh = call.session.sessionDescriptionHandler;
    if (sdh instanceof SessionDescriptionHandler && sdh.remoteMediaStream) {
      this.opts.onRemoteStream?.(call.snapshot.id, sdh.remoteMediaStream);
    }
  }

  /** Places a call to a SIP URI. Returns the call id. */
  call(targetUri: string, extraHeaders: string[] = []): string {
    const ua = this.ua;
    const target = UserAgent.makeURI(targetUri);
    if (!target) throw new Error(`Not a valid SIP address: ${targetUri}`);
    if (!ua) throw new Error('Not connected to a gateway.');
    const inviter = new Inviter(ua, target, {
      extraHeaders,
      sessionDescriptionHandlerOptions: this.mediaOptions(),
    });
    const call = this.track(inviter, 'outgoing', target.toString(), target.user ?? target.toString());
    inviter
      .invite({
        requestDelegate: {
          onProgress: (response) => {
            if ((response.message.statusCode ?? 0) >= 180 && call.snapshot.state === 'dialing') {
              call.snapshot.state = 'progress';
              this.emit();
            }
          },
          onReject: (response) => {
            call.snapshot.endReason = `${response.message.statusCode} ${response.message.reasonPhrase}`;
            this.emit();
          },
        },
      })
      .catch((err: unknown) => {
        call.snapshot.endReason = err instanceof Error ? err.message : String(err);
        call.snapshot.state = 'ended';
        this.emit();
      });
    return call.snapshot.id;
  }

  private onInvite(invitation: Invitation): void {
    // Nothing interrupts an emergency call: no call waiting, the caller hears busy.
    if (this.activeEmergency()) {
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      return;
    }
    const marked = /^\s*psap-callback\s*$/i.test(invitation.request.getHeader('Priority') ?? '');
    const inWindow = this.lastEmergencyAt > 0 && Date.now() - this.lastEmergencyAt < (this.opts.callbackWindowMs ?? 30 * 60_000);
    const possibleCallback = marked || inWindow;
    // Do-not-disturb never turns emergency services away (RFC 6881 ED-68, RFC 7090).
    if (this.opts.doNotDisturb?.() && !possibleCallback) {
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      return;
    }
    const remote = invitation.remoteIdentity;
    const call = this.track(invitation, 'incoming', remote.uri.toString(), remote.displayName || remote.uri.user || remote.uri.toString());
    if (possibleCallback) {
      call.snapshot.possibleCallback = true;
      this.emit();
    }
  }

  private get(id: string): ManagedCall {
    const c = this.calls.get(id);
    if (!c) throw new Error(`No call ${id}`);
    return c;
  }

  async answer(id: string): Promise<void> {
    const { session } = this.get(id);
    if (session instanceof Invitation) await session.accept({ sessionDescriptionHandlerOptions: this.mediaOptions() });
  }

  async decline(id: string): Promise<void> {
    const { session } = this.get(id);
    if (session instanceof Invitation && session.state === SessionState.Initial) await session.reject({ statusCode: 603 });
  }

  async hangup(id: string): Promise<void> {
    const call = this.get(id);
    const { session } = call;
    call.hungUp = true;
    if (call.snapshot.emergency && session.state === SessionState.Initial) {
      // Not sent yet, or between gateways: stop trying.
      call.snapshot.endReason = 'cancelled';
      this.endCall(call);
    }
    switch (session.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        if (session instanceof Inviter) await session.cancel();
        else if (session instanceof Invitation) await session.reject({ statusCode: 486 });
        break;
      case SessionState.Established:
        await session.bye();
        break;
      default:
        break;
    }
  }

  setMute(id: string, muted: boolean): void {
    const call = this.get(id);
    call.snapshot.muted = muted;
    this.enableSenders(call, !muted && !call.snapshot.held);
    this.emit();
  }

  private enableSenders(call: ManagedCall, enabled: boolean): void {
    const pc = this.peerConnection(call.snapshot.id);
    pc?.getSenders().forEach((s) => {
      if (s.track) s.track.enabled = enabled;
    });
  }

  async setHold(id: string, held: boolean): Promise<void> {
    const call = this.get(id);
    const { session } = call;
    if (call.snapshot.emergency) throw new Error('An emergency call cannot be put on hold.');
    if (session.state !== SessionState.Established || call.snapshot.held === held || call.snapshot.holdPending) return;
    call.snapshot.holdPending = true;
    this.emit();
    session.sessionDescriptionHandlerOptionsReInvite = { ...session.sessionDescriptionHandlerOptionsReInvite, hold: held } as SessionDescriptionHandlerOptions;
    await new Promise<void>((resolve, reject) => {
      session
        .invite({
          requestDelegate: {
            onAccept: () => {
              call.snapshot.held = held;
              call.snapshot.holdPending = false;
              this.enableSenders(call, !held && !call.snapshot.muted);
              this.emit();
              resolve();
            },
            onReject: (response) => {
              call.snapshot.holdPending = false;
              this.emit();
              reject(new Error(`Hold refused: ${response.message.statusCode} ${response.message.reasonPhrase}`));
            },
          },
        })
        .catch((err: unknown) => {
          call.snapshot.holdPending = false;
          this.emit();
          reject(err instanceof Error ? err : new Error(String(err)));
        });
    });
  }

  /** RFC 4733 telephone-events in the media; SIP INFO where the far end did not offer them. */
  sendDtmf(id: string, tone: string): void {
    if (!/^[0-9A-D*#]$/.test(tone)) throw new Error(`Not a DTMF key: ${tone}`);
    const { session } = this.get(id);
    if (session.state !== SessionState.Established) return;
    const sdh = session.sessionDescriptionHandler;
    if (sdh instanceof SessionDescriptionHandler && sdh.sendDtmf(tone, { duration: 120, interToneGap: 70 })) return;
    void session.info({
      requestOptions: {
        body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${tone}\r\nDuration=120` },
      },
    });
  }

  /**
   * Sends a SIP MESSAGE (text/plain) through the registered gateway. Resolves with the outcome, never
   * throws: a notification must not disturb a call.
   */
  async sendMessage(targetUri: string, text: string): Promise<{ ok: boolean; detail: string }> {
    const target = UserAgent.makeURI(targetUri);
    if (!target || !this.ua) return { ok: false, detail: !target ? `bad address ${targetUri}` : 'not connected' };
    return new Promise((resolve) => {
      new Messager(this.ua as UserAgent, target, text, 'text/plain')
        .message({
          requestDelegate: {
            onAccept: (r) => resolve({ ok: true, detail: `${r.message.statusCode}` }),
            onReject: (r) => resolve({ ok: false, detail: `${r.message.statusCode} ${r.message.reasonPhrase}` }),
          },
        })
        .catch((err: unknown) => resolve({ ok: false, detail: err instanceof Error ? err.message : String(err) }));
    });
  }

  peerConnection(id: string): RTCPeerConnection | undefined {
    const sdh = this.calls.get(id)?.session.sessionDescriptionHandler;
    return sdh instanceof SessionDescriptionHandler ? sdh.peerConnection : undefined;
  }

  /** Packet counters of the call's audio, from the peer connection's stats. */
  async audioStats(id: string): Promise<AudioStats | null> {
    const pc = this.peerConnection(id);
    if (!pc) return null;
    const stats: AudioStats = { packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0, audioLevel: 0 };
    const report = await pc.getStats();
    report.forEach((s: Record<string, unknown>) => {
      if (s.kind !== 'audio' && s.mediaType !== 'audio') return;
      if (s.type === 'outbound-rtp') {
        stats.packetsSent += Number(s.packetsSent ?? 0);
        stats.bytesSent += Number(s.bytesSent ?? 0);
      } else if (s.type === 'inbound-rtp') {
        stats.packetsReceived += Number(s.packetsReceived ?? 0);
        stats.bytesReceived += Number(s.bytesReceived ?? 0);
        stats.audioLevel = Math.max(stats.audioLevel, Number(s.audioLevel ?? 0));
      }
    });
    return stats;
  }

  get sipDomain(): string {
    return this.domain;
  }
}

/** Stands for the session of an emergency call between gateway attempts. */
const NO_SESSION = { state: SessionState.Initial } as unknown as Session;

function isEnded(call: ManagedCall): boolean {
  return call.snapshot.state === 'ended';
}

/**
 * sip.js infers Content-Disposition `session` only for a bare application/sdp body, and would
 * otherwise take the 200 OK for an offer and put a new offer in the ACK. This tells its offer/answer
 * logic that the multipart INVITE carries the offer, without adding a header to the wire: inside the
 * body, the application/sdp part is of disposition `session` by default.
 */
function declareOfferInBody(request: OutgoingRequestMessage): void {
  const getHeader = request.getHeader.bind(request);
  const isMultipart = (): boolean => {
    const body = request.body as { contentType?: string } | string | undefined;
    return typeof body === 'object' && /^multipart\//i.test(body.contentType ?? '');
  };
  request.getHeader = (name: string): string | undefined =>
    name.toLowerCase() === 'content-disposition' && isMultipart() ? 'session' : getHeader(name);
}
