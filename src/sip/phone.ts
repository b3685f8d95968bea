/**
 * The phone engine's facade, what the store talks to: registration (`Registration`), ordinary
 * calls in and out, mute, hold, DTMF and MESSAGE, and emergency calls (`EmergencyCall`). It owns
 * no UI; it publishes plain snapshots (`PhoneSnapshot`) that a store renders. WebRTC itself is
 * reached only through sip.js's session description handler.
 */
import { Invitation, Inviter, Messager, type Session, SessionState, UserAgent, type UserAgentOptions } from 'sip.js';
import {
  defaultSessionDescriptionHandlerFactory,
  SessionDescriptionHandler,
  type SessionDescriptionHandlerOptions,
} from 'sip.js/lib/platform/web';
import type { SessionDescriptionHandlerFactory } from 'sip.js';
import type { AccountWithPassword } from '../account';
import type { CallSnapshot, ManagedCall } from './call';
import { EmergencyInviter } from './emergency-attempt';
import { EmergencyCall, type EmergencyCallRequest } from './emergency-call';
import { emergencyHeaders, multipartOffer, pidfPart, type MultipartBody } from './emergency-invite';
import { serviceUrnInvite } from './service-urn';
import { DEFAULT_GATEWAY_PROFILE } from '../emergency/gateway-profile';
import { Registration, type RegistrationState } from './registration';
import { identityOptions, USER_AGENT_STRING } from './identity';
import { stripComfortNoise } from './sdp';
import { sendRefer, type TransferState } from './transfer';
import type { Referral } from 'sip.js';

export type { CallSnapshot, CallState, EmergencyAttempt, EmergencyInfo } from './call';
export type { RegistrationFailure, RegistrationState } from './registration';
export type { EmergencyCallRequest } from './emergency-call';
export { EMERGENCY_NO_PROGRESS_MS, EMERGENCY_NO_RESPONSE_MS } from './emergency-attempt';

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
  /** Level of the microphone's audio being sent, 0..1, from the media-source stats. */
  sendLevel: number;
}

/** The record must not hold the call back for long if the disk is slow. */
const RECORD_WAIT_MS = 150;

/** An incoming call answered busy at once: do-not-disturb, or an emergency call under way. */
export interface TurnedAway {
  remoteUri: string;
  remoteName: string;
  reason: 'doNotDisturb' | 'emergencyCall';
  at: number;
}

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
  /** An incoming call answered busy without ringing (for the call history). */
  onTurnedAway?: (call: TurnedAway) => void;
  /** Microphone choice; '' for the default device. */
  audioInputId?: () => string;
  /** Normal calls must not wait sip.js's default 5 s on an unreachable STUN server. */
  iceGatheringTimeoutMs?: number;
  /** Makes the DTLS certificate once, ahead of any call, so no offer waits for one (injected: no DOM here). */
  generateCertificate?: () => Promise<RTCCertificate>;
  userAgentString?: string;
}

/** Emergency INVITEs wait at most this long for ICE candidates: host candidates come in a few ms. */
export const EMERGENCY_ICE_GATHERING_MS = 40;
/** How long a failed emergency call stays on screen with its "use another phone" message. */
const FAILED_EMERGENCY_LINGER_MS = 120_000;
/** A pre-acquired microphone stream is released if no call uses it by then. */
const WARM_MEDIA_TTL_MS = 30_000;

/** How long an attended transfer's target has to end the consultation call it replaced. */
const REPLACED_GRACE_MS = 4000;

export class Phone {
  private readonly registration: Registration;
  private readonly calls = new Map<string, ManagedCall>();
  private nextId = 1;
  /** When the last (real) emergency call ended: the callback window runs from there. */
  private lastEmergencyAt = 0;
  private warmMedia: { stream: Promise<MediaStream>; timer: ReturnType<typeof setTimeout> } | undefined;
  /**
   * The next offer of an emergency session: SDP + PIDF-LO (`wrap`), sent only once the call record's
   * start line is written (`gate`), which happens while ICE candidates are gathered. Used once: the
   * first INVITE, then any re-INVITE that carries a new location (RFC 6881 ED-38).
   */
  private readonly nextOffer = new WeakMap<Session, { wrap?: (sdp: string) => MultipartBody; gate?: Promise<unknown>; hostCandidatesSuffice?: boolean }>();
  private readonly sdhFactory: SessionDescriptionHandlerFactory;
  private certificates: RTCCertificate[] | undefined;

  constructor(private readonly opts: PhoneOptions) {
    const base = defaultSessionDescriptionHandlerFactory((constraints) => this.takeMedia(constraints));
    this.sdhFactory = (session, options) => {
      const sdh = base(session, options) as SessionDescriptionHandler;
      if (this.nextOffer.get(session)?.hostCandidatesSuffice) sendOnHostCandidates(sdh);
      const original = sdh.getDescription.bind(sdh);
      sdh.getDescription = async (o, m) => {
        const description = await original(o, m);
        const next = this.nextOffer.get(session);
        if (!next) return description;
        this.nextOffer.delete(session);
        if (next.gate) await next.gate;
        return next.wrap ? next.wrap(description.body) : description;
      };
      return sdh;
    };
    this.registration = new Registration({
      gateways: opts.account.gateways,
      sipUri: opts.account.sipUri,
      userAgentOptions: (gateway) => this.userAgentOptions(gateway),
      onInvite: (invitation) => this.onInvite(invitation),
      onRegistered: opts.onRegistered,
      onChange: () => this.emit(),
    });
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
    // Copies all the way down: a store compares the snapshot before and after a change.
    return {
      registration: this.registration.state,
      calls: [...this.calls.values()].map(({ snapshot: s }) => ({
        ...s,
        emergency: s.emergency && { ...s.emergency, attempts: s.emergency.attempts.map((a) => ({ ...a })) },
      })),
    };
  }

  private emit(): void {
    this.opts.onChange(this.snapshot);
  }

  private get domain(): string {
    return UserAgent.makeURI(this.opts.account.sipUri)?.host ?? '';
  }

  get sipDomain(): string {
    return this.domain;
  }

  async start(): Promise<void> {
    // The certificate is made while registering, not before: calls use it once it is there
    // (before that, the browser makes one for the call, as it would anyway).
    void this.opts.generateCertificate?.().then(
      (certificate) => void (this.certificates = [certificate]),
      () => undefined,
    );
    await this.registration.start();
  }

  /** The network came back (or changed): reconnect now rather than wait for the back-off. */
  reconnectNow(): void {
    this.registration.reconnectNow();
  }

  async stop(): Promise<void> {
    for (const id of [...this.calls.keys()]) await this.hangup(id).catch(() => undefined);
    await this.registration.stop();
  }

  private userAgentOptions(gateway: string): UserAgentOptions {
    const { account } = this.opts;
    return {
      ...identityOptions(account),
      transportOptions: { server: gateway, connectionTimeout: 5, keepAliveInterval: 25 },
      userAgentString: this.opts.userAgentString ?? USER_AGENT_STRING,
      logBuiltinEnabled: false,
      logLevel: 'error',
      noAnswerTimeout: 120,
      sessionDescriptionHandlerFactory: this.sdhFactory,
      sessionDescriptionHandlerFactoryOptions: {
        // Only the account's ICE servers: never sip.js's public default STUN server.
        peerConnectionConfiguration: { iceServers: account.iceServers.map((s) => ({ ...s })), ...(this.certificates ? { certificates: this.certificates } : {}) },
        iceGatheringTimeout: this.opts.iceGatheringTimeoutMs ?? 1000,
      },
    };
  }

  /** Microphone constraints; an emergency call keeps background sound (no noise suppression). */
  private mediaOptions(emergency = false): SessionDescriptionHandlerOptions & { constraints: MediaStreamConstraints } {
    const id = this.opts.audioInputId?.() ?? '';
    const audio: MediaTrackConstraints = { ...(id ? { deviceId: { exact: id } } : {}), ...(emergency ? { noiseSuppression: false } : {}) };
    return { constraints: { audio: Object.keys(audio).length ? audio : true, video: false } };
  }

  /** Starts following a call; `session` null means it is bound later (emergency attempts). */
  private track(session: Session | null, direction: 'outgoing' | 'incoming', remoteUri: string, remoteName: string, possibleCallback = false): ManagedCall {
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
        // Known from the first snapshot: the ring and the notification say so at once.
        ...(possibleCallback ? { possibleCallback } : {}),
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
    // The other party may ask us to call someone else (REFER): followed, never left to sip.js.
    session.delegate = { ...session.delegate, onRefer: (referral) => this.onRefer(call, referral) };
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

  /** A real emergency call in progress; a test call never counts (it gives way to a real one). */
  private activeEmergency(): ManagedCall | undefined {
    return [...this.calls.values()].find((c) => c.snapshot.emergency && !c.snapshot.emergency.test && c.snapshot.state !== 'ended');
  }

  /**
   * Places an emergency call. Never refused: other calls are held or ended, and the call moves on
   * to the next gateway after any failure or silence (see `EmergencyCall`).
   */
  callEmergency(req: EmergencyCallRequest): string {
    // Already connected to emergency services: never drop that call for a second one.
    const ongoing = this.activeEmergency();
    if (ongoing) return ongoing.snapshot.id;
    for (const other of this.calls.values()) {
      if (other.snapshot.state === 'ended') continue;
      // A test call, even answered, is ended: its line is not needed any more.
      if (other.snapshot.state === 'established' && !other.snapshot.emergency) void this.setHold(other.snapshot.id, true).catch(() => this.hangup(other.snapshot.id));
      else void this.hangup(other.snapshot.id).catch(() => undefined);
    }
    const call = this.track(null, 'outgoing', `sip:${req.dialString}@${this.domain}`, req.dialString);
    call.snapshot.emergency = { dialString: req.dialString, urn: req.urn, locationSent: req.pidfLo !== null, attempts: [], test: req.test };
    // Start from the gateway we are registered on, then the others in their configured order.
    const order = [...this.opts.account.gateways];
    const current = order.indexOf(this.registration.currentGateway);
    if (current > 0) order.unshift(...order.splice(current, 1));
    new EmergencyCall(call, order, {
      connect: (gateway) => this.connectionFor(gateway),
      makeInviter: (ua, r, first) => this.emergencyInviter(ua, r, first),
      bind: (c, session, onTerminated) => this.bind(c, session, onTerminated),
      endCall: (c) => this.endCall(c),
      emit: () => this.emit(),
    }).start(req);
    return call.snapshot.id;
  }

  private emergencyInviter(ua: UserAgent, req: EmergencyCallRequest, first: boolean): EmergencyInviter {
    const profile = req.profile ?? DEFAULT_GATEWAY_PROFILE;
    // RFC 6881 ED-4/ED-62: the service URN as Request-URI and To; the dial string stays readable.
    const byUrn = profile.requestUri === 'service-urn' && req.urn !== undefined;
    const { target, extraHeaders: dialHeaders } = byUrn ? serviceUrnInvite(req.urn as string, req.dialString) : { target: UserAgent.makeURI(`sip:${req.dialString}@${this.domain}`), extraHeaders: [] };
    if (!target) throw new Error(`bad emergency target ${req.dialString}`);
    const pidfLo = profile.location === 'none' ? null : req.pidfLo;
    const contentId = `loc-${this.random()}@${this.domain}`;
    const extra = profile.additionalData ? (req.additionalData ?? []) : [];
    const bodyParts = [...(pidfLo ? [pidfPart(pidfLo, contentId)] : []), ...extra];
    const headers = emergencyHeaders({
      callbackUri: this.opts.account.sipUri,
      urn: byUrn ? undefined : req.urn,
      pidfLo,
      contentId,
      identity: profile.identity === 'p-preferred-identity',
      callInfo: extra.map((p) => p.callInfo),
    });
    const inviter = new EmergencyInviter(ua, target, {
      extraHeaders: [...headers, ...dialHeaders],
      sessionDescriptionHandlerOptions: { ...this.mediaOptions(true), iceGatheringTimeout: EMERGENCY_ICE_GATHERING_MS } as SessionDescriptionHandlerOptions,
      sessionDescriptionHandlerModifiers: [NO_COMFORT_NOISE],
    });
    this.nextOffer.set(inviter, {
      hostCandidatesSuffice: this.hostCandidatesSuffice(),
      wrap: bodyParts.length > 0 ? (sdp) => multipartOffer(sdp, bodyParts, () => this.random()) : undefined,
      // The record's start line before the first INVITE; never more than RECORD_WAIT_MS.
      gate: first && req.recorded ? Promise.race([req.recorded.catch(() => undefined), new Promise((r) => setTimeout(r, RECORD_WAIT_MS))]) : undefined,
    });
    return inviter;
  }

  /**
   * Sends a new location during an emergency call (RFC 6881 ED-38): a re-INVITE with the same media
   * and the new PIDF-LO. Resolves with the outcome, never throws: the call matters more.
   */
  updateEmergencyLocation(id: string, pidfLo: string): Promise<{ ok: boolean; detail: string }> {
    const call = this.calls.get(id);
    const session = call?.session;
    if (!call?.snapshot.emergency || !session || session.state !== SessionState.Established) return Promise.resolve({ ok: false, detail: 'no emergency call up' });
    const contentId = `loc-${this.random()}@${this.domain}`;
    this.nextOffer.set(session, { wrap: (sdp) => multipartOffer(sdp, [pidfPart(pidfLo, contentId)], () => this.random()) });
    return new Promise((resolve) => {
      session
        .invite({
          requestOptions: { extraHeaders: [`Geolocation: <cid:${contentId}>`, 'Geolocation-Routing: yes'] },
          sessionDescriptionHandlerModifiers: [NO_COMFORT_NOISE],
          requestDelegate: {
            onAccept: (r) => resolve({ ok: true, detail: `${r.message.statusCode}` }),
            onReject: (r) => resolve({ ok: false, detail: `${r.message.statusCode} ${r.message.reasonPhrase}` }),
          },
        })
        .catch((err: unknown) => {
          this.nextOffer.delete(session);
          resolve({ ok: false, detail: err instanceof Error ? err.message : String(err) });
        });
    });
  }

  /** The registered connection when it serves `gateway`, else a connection made for one attempt. */
  private connectionFor(gateway: string): { ua: UserAgent; own: boolean } | Promise<{ ua: UserAgent; own: boolean }> {
    const registered = this.registration.userAgent;
    if (registered && this.registration.currentGateway === gateway && registered.isConnected()) return { ua: registered, own: false };
    const ua = new UserAgent({
      ...this.userAgentOptions(gateway),
      transportOptions: { server: gateway, connectionTimeout: 2, keepAliveInterval: 25 },
    });
    return ua.start().then(() => ({ ua, own: true }));
  }

  /**
   * Without TURN, the gateway's media relay learns our public address from our connectivity checks,
   * so an offer need not wait for STUN. With TURN the administrator says a relay may be needed:
   * then the offer waits for its candidates (bounded by the gathering timeout).
   */
  private hostCandidatesSuffice(): boolean {
    return !this.opts.account.iceServers.some((s) => s.urls.some((u) => /^turns?:/i.test(u)));
  }

  private attachRemoteMedia(call: ManagedCall): void {
    const sdh = call.session.sessionDescriptionHandler;
    if (sdh instanceof SessionDescriptionHandler && sdh.remoteMediaStream) {
      this.opts.onRemoteStream?.(call.snapshot.id, sdh.remoteMediaStream);
    }
  }

  /** Places a call to a SIP URI. Returns the call id. */
  call(targetUri: string, extraHeaders: string[] = []): string {
    const ua = this.registration.userAgent;
    const target = UserAgent.makeURI(targetUri);
    if (!target) throw new Error(`Not a valid SIP address: ${targetUri}`);
    if (!ua) throw new Error('Not connected to a gateway.');
    const inviter = new Inviter(ua, target, {
      extraHeaders,
      sessionDescriptionHandlerOptions: this.mediaOptions(),
    });
    if (this.hostCandidatesSuffice()) this.nextOffer.set(inviter, { hostCandidatesSuffice: true });
    const call = this.track(inviter, 'outgoing', target.toString(), target.user ?? target.toString());
    this.sendInvite(call, inviter);
    return call.snapshot.id;
  }

  /** Sends an outgoing call's INVITE, following its progress and failure. */
  private sendInvite(call: ManagedCall, inviter: Inviter): void {
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
  }

  /**
   * Blind transfer: the other party is asked (REFER) to call `targetUri`. This call ends once their
   * new call is answered; if it fails, this call stays, resumed.
   */
  async transfer(id: string, targetUri: string): Promise<void> {
    const call = this.get(id);
    if (call.snapshot.emergency) throw new Error('An emergency call cannot be transferred.');
    const target = UserAgent.makeURI(targetUri);
    if (!target) throw new Error(`Not a valid SIP address: ${targetUri}`);
    // Held while they place the new call (RFC 5589 §6), as a desk phone does.
    await this.setHold(id, true).catch(() => undefined);
    await this.referFrom(call, target, { kind: 'blind', target: targetUri, state: 'trying' });
  }

  /** Attended transfer, step 1: `id` is held and the consultation call to `targetUri` placed. */
  async consult(id: string, targetUri: string): Promise<string> {
    const call = this.get(id);
    if (call.snapshot.emergency) throw new Error('An emergency call cannot be transferred.');
    await this.setHold(id, true);
    const consultId = this.call(targetUri);
    this.get(consultId).snapshot.consultFor = id;
    this.emit();
    return consultId;
  }

  /**
   * Attended transfer, step 2: the other party of `id` is put through to the party of the
   * consultation call (REFER with Replaces); both our calls end once they are connected.
   * Abandoning instead is hanging up the consultation call and resuming `id`.
   */
  async completeTransfer(id: string, consultId: string): Promise<void> {
    const call = this.get(id);
    const consultation = this.get(consultId);
    if (call.snapshot.emergency || consultation.snapshot.emergency) throw new Error('An emergency call cannot be transferred.');
    if (consultation.session.state !== SessionState.Established) throw new Error('The consultation call is not answered yet.');
    await this.referFrom(call, consultation.session, { kind: 'attended', target: consultation.snapshot.remoteName, state: 'trying' }, consultation);
  }

  private async referFrom(call: ManagedCall, target: Parameters<typeof sendRefer>[1], transfer: NonNullable<CallSnapshot['transfer']>, consultation?: ManagedCall): Promise<void> {
    call.snapshot.transfer = transfer;
    this.emit();
    const progress = (state: TransferState, detail?: string): void => {
      if (!call.snapshot.transfer || call.snapshot.transfer.state === 'done') return;
      call.snapshot.transfer = { ...call.snapshot.transfer, state, ...(detail ? { detail } : {}) };
      this.emit();
      if (state === 'done') {
        // They are connected: our part is over. The target ends the consultation call itself when
        // it takes it over (Replaces, RFC 5589 §7.2); one still up after a while is hung up here.
        void this.hangup(call.snapshot.id).catch(() => undefined);
        if (consultation) {
          setTimeout(() => {
            if (consultation.snapshot.state !== 'ended') void this.hangup(consultation.snapshot.id).catch(() => undefined);
          }, REPLACED_GRACE_MS);
        }
      }
      // A blind transfer that failed gives the call back, resumed.
      if (state === 'failed' && transfer.kind === 'blind') void this.setHold(call.snapshot.id, false).catch(() => undefined);
    };
    try {
      await sendRefer(call.session, target, progress);
    } catch (err) {
      progress('failed', err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * The other party asks us to call someone else (REFER). Accepted and followed: the new call is
   * tracked like any other; sip.js tells the referrer how it goes (NOTIFY). An emergency call
   * referred by emergency services (RFC 6881 ED-64) stays the same emergency call: same screen,
   * same record, its new session bound to it.
   */
  private onRefer(call: ManagedCall, referral: Referral): void {
    if (call.snapshot.state !== 'established') {
      void referral.reject({ statusCode: 488 }).catch(() => undefined);
      return;
    }
    const emergency = Boolean(call.snapshot.emergency && !call.snapshot.emergency.test);
    void referral
      .accept()
      .then(() => {
        const inviter = referral.makeInviter({ sessionDescriptionHandlerOptions: this.mediaOptions(emergency) });
        if (emergency) {
          // The old session's end no longer counts: bind() follows the current session only.
          this.bind(call, inviter);
          call.snapshot.state = 'dialing';
          call.snapshot.answeredAt = undefined;
          this.emit();
        } else {
          const target = referral.referTo.uri;
          const next = this.track(inviter, 'outgoing', target.toString(), referral.referTo.displayName || target.user || target.toString());
          next.snapshot.referredBy = call.snapshot.remoteName;
          this.sendInvite(next, inviter);
          return;
        }
        this.sendInvite(call, inviter);
      })
      .catch(() => undefined);
  }

  /** The established call whose dialog a Replaces header (RFC 3891) names, if any. */
  private replacedBy(header: string): ManagedCall | undefined {
    const [callId, ...params] = header.split(';').map((p) => p.trim());
    const tag = (name: string): string | undefined => params.find((p) => p.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1);
    const tags = [tag('to-tag'), tag('from-tag')].sort().join(' ');
    return [...this.calls.values()].find((c) => {
      const d = c.session.dialog;
      return c.snapshot.state === 'established' && d !== undefined && d.callId === callId && [d.localTag, d.remoteTag].sort().join(' ') === tags;
    });
  }

  private onInvite(invitation: Invitation): void {
    // Attended transfer to us: this INVITE takes over a call we have (RFC 3891). Answered at once,
    // never rung; the replaced call ends. An emergency call is never replaced.
    const replaces = invitation.request.getHeader('Replaces');
    if (replaces) {
      const replaced = this.replacedBy(replaces);
      if (!replaced || replaced.snapshot.emergency) {
        void invitation.reject({ statusCode: 481 }).catch(() => undefined);
        return;
      }
      const remote = invitation.remoteIdentity;
      const call = this.track(invitation, 'incoming', remote.uri.toString(), remote.displayName || remote.uri.user || remote.uri.toString());
      call.snapshot.referredBy = replaced.snapshot.remoteName;
      void invitation
        .accept({ sessionDescriptionHandlerOptions: this.mediaOptions() })
        .then(() => this.hangup(replaced.snapshot.id))
        .catch(() => undefined);
      return;
    }
    // Nothing interrupts an emergency call: no call waiting, the caller hears busy.
    if (this.activeEmergency()) {
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      this.turnedAway(invitation, 'emergencyCall');
      return;
    }
    const marked = /^\s*psap-callback\s*$/i.test(invitation.request.getHeader('Priority') ?? '');
    const inWindow = this.lastEmergencyAt > 0 && Date.now() - this.lastEmergencyAt < (this.opts.callbackWindowMs ?? 30 * 60_000);
    const possibleCallback = marked || inWindow;
    // Do-not-disturb never turns emergency services away (RFC 6881 ED-68, RFC 7090).
    if (this.opts.doNotDisturb?.() && !possibleCallback) {
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      this.turnedAway(invitation, 'doNotDisturb');
      return;
    }
    // The answer, too, leaves once the host candidates are in.
    if (this.hostCandidatesSuffice()) this.nextOffer.set(invitation, { hostCandidatesSuffice: true });
    const remote = invitation.remoteIdentity;
    const call = this.track(invitation, 'incoming', remote.uri.toString(), remote.displayName || remote.uri.user || remote.uri.toString(), possibleCallback);
    invitation.delegate = {
      ...invitation.delegate,
      // Before sip.js ends the call: a call taken on another device is not a missed one.
      onCancel: (cancel) => {
        if (/cause\s*=\s*200\b/i.test(cancel.request.getHeader('Reason') ?? '')) call.snapshot.answeredElsewhere = true;
      },
    };
  }

  /** A call turned away without ringing still belongs in the history. */
  private turnedAway(invitation: Invitation, reason: TurnedAway['reason']): void {
    const remote = invitation.remoteIdentity;
    this.opts.onTurnedAway?.({ remoteUri: remote.uri.toString(), remoteName: remote.displayName || remote.uri.user || remote.uri.toString(), reason, at: Date.now() });
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
    const call = this.get(id);
    const { session } = call;
    if (session instanceof Invitation && session.state === SessionState.Initial) {
      call.snapshot.declined = true;
      await session.reject({ statusCode: 603 });
    }
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
        else if (session instanceof Invitation) {
          call.snapshot.declined = true;
          await session.reject({ statusCode: 486 });
        }
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
    const ua = this.registration.userAgent;
    if (!target || !ua) return { ok: false, detail: !target ? `bad address ${targetUri}` : 'not connected' };
    return new Promise((resolve) => {
      new Messager(ua, target, text, 'text/plain')
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
    const stats: AudioStats = { packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0, audioLevel: 0, sendLevel: 0 };
    const report = await pc.getStats();
    report.forEach((s: Record<string, unknown>) => {
      if (s.kind !== 'audio' && s.mediaType !== 'audio') return;
      if (s.type === 'media-source') stats.sendLevel = Math.max(stats.sendLevel, Number(s.audioLevel ?? 0));
      else if (s.type === 'outbound-rtp') {
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

}

/** Host candidates come in one burst: this long after the first, the offer has them all. */
const HOST_CANDIDATE_GRACE_MS = 3;

/**
 * An offer goes out as soon as its host candidates are in, not when gathering ends (a STUN answer
 * takes a round trip, an unreachable one the whole gathering timeout). The gateway's media relay
 * still reaches us: it learns our public address from our connectivity checks (peer-reflexive
 * candidates, RFC 8445 7.2.5.3.1).
 */
function sendOnHostCandidates(sdh: SessionDescriptionHandler): void {
  type Waiting = { waitForIceGatheringComplete(restart?: boolean, timeout?: number): Promise<void> };
  const waiting = sdh as unknown as Waiting;
  const wait = waiting.waitForIceGatheringComplete.bind(sdh);
  waiting.waitForIceGatheringComplete = (restart, timeout) => {
    const done = wait(restart, timeout);
    const pc = sdh.peerConnection;
    const release = (): void => void setTimeout(() => sdh.iceGatheringComplete(), HOST_CANDIDATE_GRACE_MS);
    if (/ typ host/.test(pc?.localDescription?.sdp ?? '')) release();
    else
      pc?.addEventListener('icecandidate', function onCandidate(e: RTCPeerConnectionIceEvent) {
        if (e.candidate?.type !== 'host') return;
        pc.removeEventListener('icecandidate', onCandidate);
        release();
      });
    return done;
  };
}

/** ED-73: no silence suppression on an emergency call. */
const NO_COMFORT_NOISE = async (d: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> => ({ type: d.type, sdp: stripComfortNoise(d.sdp ?? '') });

/** Stands for the session of an emergency call between gateway attempts. */
const NO_SESSION = { state: SessionState.Initial } as unknown as Session;


