import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallSnapshot } from '../../../src/sip/phone';
import { useApp } from '../store';
import { EmergencyAddress } from './EmergencyAddress';

const DTMF_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

function useElapsed(since: number | undefined): string {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  if (!since) return '';
  const s = Math.max(0, Math.floor((now - since) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function CallPanel({ call }: { call: CallSnapshot }): React.JSX.Element {
  const { t } = useTranslation();
  const stats = useApp((s) => s.stats[call.id]);
  const { requestHangup, hangup, cancelHangup, toggleMute, toggleHold, sendDtmf } = useApp();
  const confirming = useApp((s) => s.confirmHangup === call.id);
  const emergency = call.emergency;
  const [showKeys, setShowKeys] = useState(false);
  const hangupRef = useRef<HTMLButtonElement>(null);
  // A keyboard user who just placed or answered a call can hang up at once.
  useEffect(() => hangupRef.current?.focus(), []);
  const elapsed = useElapsed(call.answeredAt);
  const flowing = Boolean(stats && stats.packetsSent > 0 && stats.packetsReceived > 0);
  const established = call.state === 'established';
  return (
    <section
      className={`call call-${call.state}${emergency ? ' call-emergency' : ''}`}
      aria-label={emergency ? t('emergency.inCall') : t('call.region')}
      data-testid="call"
      data-call-state={call.state}
      data-emergency={emergency ? 'true' : undefined}
    >
      {emergency && <p className="emergency-label">{emergency.test ? t('test.inCall') : t('emergency.inCall')}</p>}
      <h2 className="call-remote">{call.remoteName}</h2>
      <p className="call-state" role="status" aria-live="polite">
        {call.held ? t('call.onHold') : t(`call.${call.state}`)} {established && <span className="elapsed">{elapsed}</span>}
      </p>
      {emergency?.allGatewaysFailed ? (
        <p role="alert" className="error emergency-failed" data-testid="emergency-failed">
          {t('emergency.allFailed')}
        </p>
      ) : (
        call.endReason && <p className="call-end-reason">{t('call.endReason', { reason: call.endReason })}</p>
      )}
      {emergency &&
        emergency.attempts.slice(0, -1).map((a, i) => (
          <p key={i} className="emergency-failover" data-testid="emergency-failover">
            {t('emergency.failover', { gateway: a.gateway, result: a.result })}
          </p>
        ))}
      {emergency && !emergency.locationSent && <p className="emergency-note">{t('emergency.noLocationSent')}</p>}
      {emergency && <EmergencyAddress />}
      {established && (
        <p
          className="audio-stats"
          data-testid="audio-stats"
          data-packets-sent={stats?.packetsSent ?? 0}
          data-packets-received={stats?.packetsReceived ?? 0}
          data-audio-level={stats?.audioLevel ?? 0}
        >
          {flowing ? t('call.audioFlowing') : t('call.audioWaiting')} ·{' '}
          {t('call.audio', { sent: stats?.packetsSent ?? 0, received: stats?.packetsReceived ?? 0 })}
        </p>
      )}
      <div className="call-controls">
        {established && (
          <>
            <button type="button" aria-pressed={call.muted} onClick={() => toggleMute(call.id)}>
              {call.muted ? t('call.unmute') : t('call.mute')}
            </button>
            {/* An emergency call cannot be put on hold. */}
            {!emergency && (
              <button type="button" aria-pressed={call.held} disabled={call.holdPending} onClick={() => toggleHold(call.id)}>
                {call.held ? t('call.resume') : t('call.hold')}
              </button>
            )}
            <button type="button" aria-expanded={showKeys} onClick={() => setShowKeys((v) => !v)}>
              {t('call.keypad')}
            </button>
          </>
        )}
        {call.state !== 'ended' && (
          <button type="button" ref={hangupRef} className="hangup" onClick={() => requestHangup(call.id)}>
            {t('call.hangup')}
          </button>
        )}
      </div>
      {confirming && (
        <div className="confirm-hangup" role="alertdialog" aria-labelledby={`confirm-${call.id}`} aria-describedby={`confirm-help-${call.id}`}>
          <p id={`confirm-${call.id}`} className="confirm-title">
            {t('emergency.confirmHangup')}
          </p>
          <p id={`confirm-help-${call.id}`}>{t('emergency.confirmHangupHelp')}</p>
          <div className="call-controls">
            <button type="button" autoFocus onClick={cancelHangup}>
              {t('emergency.confirmHangupNo')}
            </button>
            <button type="button" className="hangup" onClick={() => hangup(call.id)}>
              {t('emergency.confirmHangupYes')}
            </button>
          </div>
        </div>
      )}
      {established && showKeys && (
        <div className="keypad" role="group" aria-label={t('call.keypad')}>
          {DTMF_KEYS.map((k) => (
            <button type="button" key={k} aria-label={t('call.dtmf', { key: k })} onClick={() => sendDtmf(call.id, k)}>
              {k}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}

export function IncomingCall({ call }: { call: CallSnapshot }): React.JSX.Element {
  const { t } = useTranslation();
  const { answer, decline } = useApp();
  return (
    <section
      className={`incoming${call.possibleCallback ? ' incoming-callback' : ''}`}
      role="alertdialog"
      aria-labelledby={`in-${call.id}`}
      data-testid="incoming-call"
      data-callback={call.possibleCallback ? 'true' : undefined}
    >
      {call.possibleCallback && (
        <p className="emergency-label" data-testid="callback-marker">
          {t('call.possibleCallback')}
        </p>
      )}
      <h2 id={`in-${call.id}`}>{t('call.incomingFrom', { name: call.remoteName })}</h2>
      <p className="incoming-uri">{call.remoteUri}</p>
      <div className="call-controls">
        <button type="button" className="answer" autoFocus onClick={() => answer(call.id)}>
          {t('call.answer')}
        </button>
        <button type="button" className="hangup" onClick={() => decline(call.id)}>
          {t('call.decline')}
        </button>
      </div>
    </section>
  );
}
