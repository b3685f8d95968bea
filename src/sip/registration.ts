/**
 * Registration: one connection to one of the account's gateways, registered, with failover to the
 * next gateway and a short back-off. It publishes a plain `RegistrationState`.
 */
import { type Invitation, Registerer, RegistererState, UserAgent, type UserAgentOptions } from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core';

export type RegistrationFailure = 'wrongCredentials' | 'forbidden' | 'gatewayUnreachable' | 'rejected' | 'noAccount';

export type RegistrationState =
  | { status: 'unconfigured' }
  | { status: 'connecting'; gateway: string }
  | { status: 'registering'; gateway: string }
  | { status: 'registered'; gateway: string }
  | { status: 'failed'; reason: RegistrationFailure; detail: string; gateway?: string; retryInMs?: number };

/**
 * Back-off between rounds over all gateways. Short on purpose: emergency calling must come back
 * within seconds of the gateway or the network, and a WebSocket attempt costs little.
 */
const RECONNECT_DELAYS_MS = [500, 1000, 1500];

export interface RegistrationOptions {
  gateways: readonly string[];
  sipUri: string;
  /** The user agent's options for a gateway (identity, credentials, media). */
  userAgentOptions: (gateway: string) => UserAgentOptions;
  onInvite: (invitation: Invitation) => void;
  /** Each successful registration, with the public address the gateway saw (Via received). */
  onRegistered?: (viaReceived: string | null) => void;
  onChange: (state: RegistrationState) => void;
}

export class Registration {
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private current: RegistrationState = { status: 'unconfigured' };
  private gatewayIndex = 0;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private authFailed = false;
  private gateway = '';

  constructor(private readonly opts: RegistrationOptions) {}

  get state(): RegistrationState {
    return this.current;
  }

  /** The connection to the gateway we register on, if any. */
  get userAgent(): UserAgent | undefined {
    return this.ua;
  }

  get currentGateway(): string {
    return this.gateway;
  }

  private set(state: RegistrationState): void {
    this.current = state;
    this.opts.onChange(state);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    await this.teardown();
    this.set({ status: 'unconfigured' });
  }

  /** The network came back (or changed): reconnect now rather than wait for the back-off. */
  reconnectNow(): void {
    if (this.stopped || this.current.status === 'registered') return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    void this.connect();
  }

  /** Connects to the current gateway; on failure moves on to the next one, then backs off. */
  private async connect(): Promise<void> {
    if (this.stopped) return;
    const { gateways } = this.opts;
    const gateway = gateways[this.gatewayIndex % gateways.length] ?? '';
    if (!UserAgent.makeURI(this.opts.sipUri) || !gateway) {
      this.set({ status: 'failed', reason: 'noAccount', detail: 'The account is incomplete.' });
      return;
    }
    await this.teardown();
    this.authFailed = false;
    this.gateway = gateway;
    this.set({ status: 'connecting', gateway });
    const ua = new UserAgent({
      ...this.opts.userAgentOptions(gateway),
      delegate: {
        onInvite: (invitation) => this.opts.onInvite(invitation),
        onDisconnect: (error) => {
          if (this.stopped || this.ua !== ua) return;
          this.set({ status: 'failed', reason: 'gatewayUnreachable', detail: error?.message || 'The connection to the gateway was lost.', gateway });
          this.scheduleReconnect();
        },
      },
    });
    this.ua = ua;
    try {
      await ua.start();
    } catch {
      if (this.ua !== ua) return;
      this.set({
        status: 'failed',
        reason: 'gatewayUnreachable',
        detail: gateway.startsWith('wss:')
          ? `Cannot reach ${gateway} (network down, gateway stopped, or its TLS certificate is not trusted).`
          : `Cannot reach ${gateway}.`,
        gateway,
      });
      this.scheduleReconnect();
      return;
    }
    if (this.ua !== ua) return;
    this.attempt = 0;
    await this.register(ua, gateway);
  }

  private async register(ua: UserAgent, gateway: string): Promise<void> {
    this.set({ status: 'registering', gateway });
    const registerer = new Registerer(ua, { expires: 300, refreshFrequency: 90 });
    this.registerer = registerer;
    registerer.stateChange.addListener((state) => {
      if (this.registerer === registerer && state === RegistererState.Registered) this.set({ status: 'registered', gateway });
    });
    const onReject = (response: IncomingResponse): void => {
      const code = response.message.statusCode ?? 0;
      const phrase = response.message.reasonPhrase ?? '';
      if (code === 401 || code === 407) {
        this.authFailed = true;
        this.set({ status: 'failed', reason: 'wrongCredentials', detail: 'The gateway refused the user name or password.', gateway });
      } else if (code === 403) {
        this.authFailed = true;
        this.set({ status: 'failed', reason: 'forbidden', detail: `The gateway refused this account (${code} ${phrase}).`, gateway });
      } else {
        this.set({ status: 'failed', reason: 'rejected', detail: `The gateway answered ${code} ${phrase}.`, gateway });
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
      this.set({ status: 'failed', reason: 'rejected', detail: String(err), gateway });
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.authFailed || this.reconnectTimer) return;
    const { gateways } = this.opts;
    // Try each other gateway at once before backing off.
    const cycled = this.attempt % gateways.length === gateways.length - 1;
    const delay = cycled ? (RECONNECT_DELAYS_MS[Math.min(Math.floor(this.attempt / gateways.length), RECONNECT_DELAYS_MS.length - 1)] ?? 1500) : 0;
    this.attempt += 1;
    this.gatewayIndex = (this.gatewayIndex + 1) % gateways.length;
    if (this.current.status === 'failed') this.set({ ...this.current, retryInMs: delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  private async teardown(): Promise<void> {
    const ua = this.ua;
    const registerer = this.registerer;
    this.ua = undefined;
    this.registerer = undefined;
    if (registerer && registerer.state === RegistererState.Registered) await registerer.unregister().catch(() => undefined);
    if (ua) await ua.stop().catch(() => undefined);
  }
}
