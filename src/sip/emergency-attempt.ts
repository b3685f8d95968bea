/**
 * One emergency INVITE to one gateway: its two silence bounds, its outcome, and its release when
 * another gateway takes the call over.
 */
import { Inviter, SessionState, type UserAgent } from 'sip.js';
import type { AckableIncomingResponseWithSession } from 'sip.js/lib/core';

/** A gateway that has not answered an emergency INVITE at all by then is skipped. */
export const EMERGENCY_NO_RESPONSE_MS = 2500;
/**
 * A gateway that answered 100 Trying but neither rings (18x) nor answers by then is skipped too.
 * A healthy route rings within a second or two (about 0.1 s here, through two proxies); a gateway
 * that answers 100 and cannot route otherwise holds the caller until its own timeout (30 s, measured).
 */
export const EMERGENCY_NO_PROGRESS_MS = 5000;
/** RFC 3326: the answering point can tell a duplicate from an abandoned call. */
export const SUPERSEDED_REASON = 'SIP;cause=200;text="Call completed elsewhere"';

/**
 * An Inviter that can be released as superseded: a CANCEL as soon as a provisional reply allows
 * one (sip.js holds it until then), and a BYE if a 2xx comes anyway, both with the Reason.
 */
export class EmergencyInviter extends Inviter {
  private releaseReason: string | undefined;
  private onLateAnswer: (() => void) | undefined;

  /** `onLateAnswer`: a 2xx came after all, and was released with a BYE. */
  release(reason: string, onLateAnswer?: () => void): Promise<void> {
    this.releaseReason = reason;
    this.onLateAnswer = onLateAnswer;
    const extraHeaders = [`Reason: ${reason}`];
    if (this.state === SessionState.Established) return this.bye({ requestOptions: { extraHeaders } }).then(() => undefined);
    if (this.state === SessionState.Initial || this.state === SessionState.Establishing) return this.cancel({ extraHeaders });
    return Promise.resolve();
  }

  // A 2xx after the CANCEL: sip.js ACKs it and sends a BYE; ours carries the Reason.
  protected override ackAndBye(response: AckableIncomingResponseWithSession, statusCode?: number, reasonPhrase?: string): void {
    if (!this.releaseReason || statusCode) {
      super.ackAndBye(response, statusCode, reasonPhrase);
      return;
    }
    response.ack();
    response.session.bye(undefined, { extraHeaders: [`Reason: ${this.releaseReason}`] });
    this.onLateAnswer?.();
  }
}

export interface GatewayAttemptDelegate {
  /** 180 or later provisional response. */
  onRinging(): void;
  onAnswered(): void;
  /** A final failure, or the INVITE could not be sent; `code` 0 when there was no response. */
  onFailed(result: string, code: number): void;
  /** A silence bound passed: 'no response' at all, or 'no progress' after 100 Trying. */
  onSilent(result: 'no response' | 'no progress'): void;
}

/** A superseded attempt's own connection is closed by then at the latest. */
const OWN_CONNECTION_MAX_MS = 64_000;

export class GatewayAttempt {
  private heard = false;
  private progressed = false;
  private superseded = false;
  private timers: Array<ReturnType<typeof setTimeout>> = [];

  /**
   * @param ownUserAgent - a connection made only for this attempt (not the registered one): closed
   *   when the attempt's session ends.
   */
  constructor(
    readonly gateway: string,
    readonly inviter: EmergencyInviter,
    private readonly delegate: GatewayAttemptDelegate,
    private readonly ownUserAgent?: UserAgent,
  ) {}

  start(): void {
    this.timers = [
      setTimeout(() => !this.heard && this.silent('no response'), EMERGENCY_NO_RESPONSE_MS),
      setTimeout(() => !this.progressed && this.silent('no progress'), EMERGENCY_NO_PROGRESS_MS),
    ];
    if (this.ownUserAgent) this.closeConnectionWhenDone(this.ownUserAgent);
    this.inviter
      .invite({
        requestDelegate: {
          onTrying: () => void (this.heard = true),
          onProgress: (response) => {
            this.heard = true;
            if ((response.message.statusCode ?? 0) < 180 || this.superseded) return;
            this.progressed = true;
            this.delegate.onRinging();
          },
          onAccept: () => {
            this.finish();
            if (!this.superseded) this.delegate.onAnswered();
          },
          onReject: (response) => {
            this.finish();
            const code = response.message.statusCode ?? 0;
            if (!this.superseded) this.delegate.onFailed(`${code} ${response.message.reasonPhrase ?? ''}`.trim(), code);
          },
        },
      })
      .catch((err: unknown) => {
        this.finish();
        if (!this.superseded) this.delegate.onFailed(err instanceof Error ? err.message : String(err), 0);
      });
  }

  /** Another gateway takes over: release this one, telling the far end why. */
  supersede(onLateAnswer?: () => void): Promise<void> {
    this.superseded = true;
    this.finish();
    // A gateway that never answers the CANCEL must not keep its connection for ever.
    if (this.ownUserAgent) setTimeout(() => void this.ownUserAgent?.stop().catch(() => undefined), OWN_CONNECTION_MAX_MS);
    return this.inviter.release(SUPERSEDED_REASON, onLateAnswer).catch(() => undefined);
  }

  get isSuperseded(): boolean {
    return this.superseded;
  }

  /** The user hung up before an answer. */
  cancel(): Promise<void> {
    this.finish();
    return this.inviter.cancel().catch(() => undefined);
  }

  private silent(result: 'no response' | 'no progress'): void {
    if (!this.superseded) this.delegate.onSilent(result);
  }

  private finish(): void {
    this.heard = true;
    this.progressed = true;
    this.timers.forEach(clearTimeout);
  }

  private closeConnectionWhenDone(ua: UserAgent): void {
    const close = (): void => {
      // Let the last request (BYE, CANCEL, ACK) leave first.
      setTimeout(() => void ua.stop().catch(() => undefined), 500);
    };
    this.inviter.stateChange.addListener((state) => {
      if (state === SessionState.Terminated) close();
    });
  }
}
