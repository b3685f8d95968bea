/**
 * An emergency call across the account's gateways: one `GatewayAttempt` at a time, moving on after
 * any final failure or a silence bound, retrying once without location after a 424, and saying
 * "use another phone" only when every gateway has failed.
 */
import type { Session, UserAgent } from 'sip.js';
import { type EmergencyAttempt, type EmergencyInfo, type ManagedCall, isEnded } from './call';
import { type EmergencyInviter, GatewayAttempt } from './emergency-attempt';
import type { BodyPart } from './emergency-invite';
import type { GatewayProfile } from '../emergency/gateway-profile';

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
  /** What the gateway expects (Request-URI, location, identity, additional data); default if absent. */
  profile?: GatewayProfile;
  /** RFC 7852 blocks sent by value, each announced in a Call-Info header. */
  additionalData?: ReadonlyArray<BodyPart & { callInfo: string }>;
}

/** What an emergency call needs of the phone that places it. */
export interface EmergencyCallHost {
  /**
   * The registered connection when it serves `gateway` (at once: the INVITE leaves within the key
   * press's task), else a new one (`own`: made for this attempt).
   */
  connect(gateway: string): { ua: UserAgent; own: boolean } | Promise<{ ua: UserAgent; own: boolean }>;
  /** The INVITE for one attempt: headers, media, and the multipart offer when there is a location. */
  makeInviter(ua: UserAgent, req: EmergencyCallRequest, first: boolean): EmergencyInviter;
  /** Follows the session's state for the call; `onTerminated` true keeps the call going. */
  bind(call: ManagedCall, session: Session, onTerminated: () => boolean): void;
  endCall(call: ManagedCall): void;
  emit(): void;
}

export class EmergencyCall {
  private first = true;

  constructor(
    private readonly call: ManagedCall,
    private readonly gateways: readonly string[],
    private readonly host: EmergencyCallHost,
  ) {}

  private get info(): EmergencyInfo {
    return this.call.snapshot.emergency as EmergencyInfo;
  }

  start(req: EmergencyCallRequest): void {
    void this.attempt(0, req);
  }

  private stopped(): boolean {
    return isEnded(this.call) || this.call.hungUp === true;
  }

  private async attempt(index: number, req: EmergencyCallRequest): Promise<void> {
    const { call, host, info } = this;
    if (this.stopped()) return;
    const gateway = this.gateways[index];
    if (gateway === undefined) {
      info.allGatewaysFailed = true;
      call.snapshot.endReason = 'allGatewaysFailed';
      host.endCall(call);
      return;
    }
    const record: EmergencyAttempt = { gateway, result: 'trying' };
    info.attempts.push(record);
    host.emit();

    let connection: { ua: UserAgent; own: boolean };
    try {
      const made = host.connect(gateway);
      connection = made instanceof Promise ? await made : made;
    } catch (err) {
      record.result = err instanceof Error ? err.message : 'unreachable';
      void this.attempt(index + 1, req);
      return;
    }
    if (this.stopped()) {
      // Hung up while connecting: a connection made for this call goes too.
      if (connection.own) void connection.ua.stop().catch(() => undefined);
      return;
    }
    const inviter = host.makeInviter(connection.ua, req, this.first);
    this.first = false;
    const isLast = this.gateways[index + 1] === undefined;
    let movedOn = false;
    const moveOn = (result: string): boolean => {
      if (movedOn || call.hungUp || call.snapshot.state === 'established') return false;
      movedOn = true;
      record.result = result;
      void this.attempt(index + 1, req);
      return true;
    };

    const attempt = new GatewayAttempt(
      gateway,
      inviter,
      {
        onRinging: () => {
          if (call.snapshot.state !== 'dialing') return;
          call.snapshot.state = 'progress';
          host.emit();
        },
        onAnswered: () => {
          record.result = '200';
          host.emit();
        },
        onFailed: (result, code) => {
          if (movedOn) return;
          // 424 Bad Location Information (RFC 6442): the call matters more than the location.
          if (code === 424 && req.pidfLo && !call.hungUp) {
            movedOn = true;
            record.result = result;
            info.locationSent = false;
            void this.attempt(index, { ...req, pidfLo: null });
            return;
          }
          // Any other final failure: the next gateway may route it. Never after the user hung up.
          if (moveOn(result)) return;
          record.result = result;
          call.snapshot.endReason ??= result;
          host.endCall(call);
        },
        onSilent: (result) => {
          // The last gateway keeps its chance: nothing else could carry the call.
          if (isLast || !moveOn(result)) return;
          record.superseded = 'cancelled';
          void attempt.supersede(() => {
            record.superseded = 'answered late, released';
            host.emit();
          });
        },
      },
      connection.own ? connection.ua : undefined,
    );
    // Unanswered, the attempt's outcome decides (next gateway, or the end): not the state change.
    host.bind(call, inviter, () => !call.snapshot.answeredAt);
    record.result = 'sent';
    host.emit();
    attempt.start();
  }
}
