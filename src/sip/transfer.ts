/**
 * Call transfer with REFER (RFC 3515, RFC 5589): asking the other party to call someone else
 * (blind), or to take over a consultation call (attended, REFER with Replaces, RFC 3891), and
 * following the NOTIFYs that say how their new call went.
 */
import type { Session, URI } from 'sip.js';

export type TransferState = 'trying' | 'accepted' | 'done' | 'failed';

/** The status line of a `message/sipfrag` NOTIFY body ("SIP/2.0 200 OK"), or null. */
export function sipfragStatus(body: string | undefined): number | null {
  const m = /^SIP\/2\.0\s+(\d{3})\b/.exec((body ?? '').trimStart());
  return m ? Number(m[1]) : null;
}

/**
 * Sends the REFER and reports its progress: accepted (202), then done or failed as the other
 * party's new call goes (the sipfrag of each NOTIFY; 1xx ones are progress only).
 */
export async function sendRefer(session: Session, target: URI | Session, progress: (state: TransferState, detail?: string) => void): Promise<void> {
  await session.refer(target, {
    requestDelegate: {
      onAccept: () => progress('accepted'),
      onReject: (response) => progress('failed', `${response.message.statusCode} ${response.message.reasonPhrase}`),
    },
    onNotify: (notification) => {
      void notification.accept().catch(() => undefined);
      const status = sipfragStatus(notification.request.body);
      if (status === null || status < 200) return;
      progress(status < 300 ? 'done' : 'failed', String(status));
    },
  });
}
