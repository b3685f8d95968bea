import { Button, Input, ToggleButton } from '@fluentui/react-components';
import {
  ArrowForwardRegular,
  CallEndRegular,
  CallRegular,
  CallTransferRegular,
  DialpadRegular,
  DismissRegular,
  MicOffRegular,
  MicRegular,
  PauseRegular,
  PeopleSwapRegular,
  PlayRegular,
  WarningFilled,
} from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';
import { silenceToReport } from '../../../src/call-audio';
import { useTranslation } from 'react-i18next';
import type { AudioStats, CallSnapshot } from '../../../src/sip/phone';
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

/**
 * What the caller hears and sends, as two level meters, and a warning when no sound has come in
 * for a few seconds. The packet counts stay in data attributes for tests and support.
 */
function AudioLevels({ callId, held, stats }: { callId: string; held: boolean; stats: AudioStats | undefined }): React.JSX.Element {
  const { t } = useTranslation();
  const heardAt = useApp((s) => s.heardAt[callId]);
  const silence = silenceToReport(heardAt, Date.now(), held);
  return (
    <div
      className="audio-stats"
      data-testid="audio-stats"
      data-packets-sent={stats?.packetsSent ?? 0}
      data-packets-received={stats?.packetsReceived ?? 0}
      data-audio-level={stats?.audioLevel ?? 0}
      role="group"
      aria-label={t('call.levels')}
    >
      <label className="level">
        <span>{t('call.speaking')}</span>
        <meter min={0} max={1} value={Math.sqrt(stats?.sendLevel ?? 0)} />
      </label>
      <label className="level">
        <span>{t('call.hearing')}</span>
        <meter min={0} max={1} value={Math.sqrt(stats?.audioLevel ?? 0)} />
      </label>
      {silence !== null && (
        <p className="no-audio" role="alert" data-testid="no-audio">
          <WarningFilled aria-hidden="true" /> {t('call.noAudio', { seconds: silence })}
        </p>
      )}
    </div>
  );
}

/** Transfer: to whom, then now (blind) or after speaking to them first (attended). */
function TransferForm({ callId, onDone }: { callId: string; onDone: () => void }): React.JSX.Element {
  const { t } = useTranslation();
  const transfer = useApp((s) => s.transfer);
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string | null>(null);
  const go = (consult: boolean): void =>
    void transfer(callId, target, consult).then((err) => {
      setError(err);
      if (!err) onDone();
    });
  return (
    <div className="transfer-form" role="group" aria-labelledby={`transfer-${callId}`}>
      <label id={`transfer-${callId}`} htmlFor={`transfer-target-${callId}`}>
        {t('transfer.to')}
      </label>
      <Input
        id={`transfer-target-${callId}`}
        value={target}
        autoFocus
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `transfer-error-${callId}` : undefined}
        onChange={(_, d) => setTarget(d.value)}
      />
      {error && (
        <p id={`transfer-error-${callId}`} role="alert" className="error">
          {error}
        </p>
      )}
      <div className="call-controls">
        <Button appearance="primary" icon={<ArrowForwardRegular />} disabled={target.trim() === ''} onClick={() => go(false)}>
          {t('transfer.now')}
        </Button>
        <Button icon={<PeopleSwapRegular />} disabled={target.trim() === ''} onClick={() => go(true)}>
          {t('transfer.consult')}
        </Button>
        <Button appearance="subtle" icon={<DismissRegular />} onClick={onDone}>
          {t('transfer.cancelForm')}
        </Button>
      </div>
    </div>
  );
}

export function CallPanel({ call }: { call: CallSnapshot }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const service = useApp((s) => s.emergencyServices[call.id]);
  const name = useApp((s) => s.nameForCall(call));
  const stats = useApp((s) => s.stats[call.id]);
  const { requestHangup, hangup, cancelHangup, toggleMute, toggleHold, sendDtmf } = useApp();
  const confirming = useApp((s) => s.confirmHangup === call.id);
  const emergency = call.emergency;
  const [showKeys, setShowKeys] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const completeTransfer = useApp((s) => s.completeTransfer);
  const cancelTransfer = useApp((s) => s.cancelTransfer);
  const consultedName = useApp((s) => (call.consultFor ? s.phone.calls.find((c) => c.id === call.consultFor)?.remoteName : undefined));
  const hangupRef = useRef<HTMLButtonElement>(null);
  // A keyboard user who just placed or answered a call can hang up at once.
  useEffect(() => hangupRef.current?.focus(), []);
  const elapsed = useElapsed(call.answeredAt);
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
      <h2 className="call-remote">{name}</h2>
      {service && <p className="call-service" data-testid="call-service">{service[i18n.language === 'fr' ? 'fr' : 'en']}</p>}
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
      {call.referredBy && <p className="call-note">{t('transfer.referredBy', { name: call.referredBy })}</p>}
      {call.consultFor && consultedName && <p className="call-note">{t('transfer.consulting', { name: consultedName })}</p>}
      {call.transfer && (
        <p className={`call-note transfer-${call.transfer.state}`} role="status" data-testid="transfer-status" data-state={call.transfer.state}>
          {t(`transfer.state.${call.transfer.state}`, { name: call.transfer.target, detail: call.transfer.detail ?? '' })}
        </p>
      )}
      {emergency && !emergency.locationSent && <p className="emergency-note">{t('emergency.noLocationSent')}</p>}
      {emergency && <EmergencyAddress />}
      {established && <AudioLevels callId={call.id} held={call.held} stats={stats} />}
      <div className="call-controls">
        {established && (
          <>
            <ToggleButton checked={call.muted} aria-pressed={call.muted} icon={call.muted ? <MicOffRegular /> : <MicRegular />} onClick={() => toggleMute(call.id)}>
              {call.muted ? t('call.unmute') : t('call.mute')}
            </ToggleButton>
            {/* An emergency call cannot be put on hold. */}
            {!emergency && (
              <ToggleButton checked={call.held} aria-pressed={call.held} disabled={call.holdPending} icon={call.held ? <PlayRegular /> : <PauseRegular />} onClick={() => toggleHold(call.id)}>
                {call.held ? t('call.resume') : t('call.hold')}
              </ToggleButton>
            )}
            <Button aria-expanded={showKeys} icon={<DialpadRegular />} onClick={() => setShowKeys((v) => !v)}>
              {t('call.keypad')}
            </Button>
            {/* An emergency call is never transferred by the user. */}
            {!emergency && !call.consultFor && (
              <Button aria-expanded={transferring} icon={<CallTransferRegular />} onClick={() => setTransferring((v) => !v)}>
                {t('transfer.button')}
              </Button>
            )}
            {call.consultFor && (
              <>
                <Button appearance="primary" icon={<CallTransferRegular />} onClick={() => completeTransfer(call.id)}>
                  {t('transfer.complete')}
                </Button>
                <Button icon={<DismissRegular />} onClick={() => cancelTransfer(call.id)}>
                  {t('transfer.abandon')}
                </Button>
              </>
            )}
          </>
        )}
        {call.state !== 'ended' && (
          <Button ref={hangupRef} className="hangup" icon={<CallEndRegular />} onClick={() => requestHangup(call.id)}>
            {t('call.hangup')}
          </Button>
        )}
      </div>
      {confirming && (
        <div className="confirm-hangup" role="alertdialog" aria-labelledby={`confirm-${call.id}`} aria-describedby={`confirm-help-${call.id}`}>
          <p id={`confirm-${call.id}`} className="confirm-title">
            {t('emergency.confirmHangup')}
          </p>
          <p id={`confirm-help-${call.id}`}>{t('emergency.confirmHangupHelp')}</p>
          <div className="call-controls">
            <Button appearance="primary" autoFocus onClick={cancelHangup}>
              {t('emergency.confirmHangupNo')}
            </Button>
            <Button className="hangup" icon={<CallEndRegular />} onClick={() => hangup(call.id)}>
              {t('emergency.confirmHangupYes')}
            </Button>
          </div>
        </div>
      )}
      {established && transferring && !emergency && <TransferForm callId={call.id} onDone={() => setTransferring(false)} />}
      {established && showKeys && (
        <div className="keypad" role="group" aria-label={t('call.keypad')}>
          {DTMF_KEYS.map((k) => (
            <Button key={k} aria-label={t('call.dtmf', { key: k })} onClick={() => sendDtmf(call.id, k)}>
              {k}
            </Button>
          ))}
        </div>
      )}
    </section>
  );
}

export function IncomingCall({ call }: { call: CallSnapshot }): React.JSX.Element {
  const { t } = useTranslation();
  const { answer, decline } = useApp();
  const name = useApp((s) => s.nameForCall(call));
  // Call waiting: another call is up; answering this one holds it.
  const current = useApp((s) => s.phone.calls.find((c) => c.id !== call.id && c.state === 'established' && !c.held));
  return (
    <section
      className={`incoming${call.possibleCallback ? ' incoming-callback' : ''}${current ? ' incoming-waiting' : ''}`}
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
      <h2 id={`in-${call.id}`}>{t('call.incomingFrom', { name })}</h2>
      <p className="incoming-uri">{call.remoteUri}</p>
      {current && (
        <p className="incoming-waiting-note" data-testid="call-waiting">
          {t('call.waiting', { name: current.remoteName })}
        </p>
      )}
      <div className="call-controls">
        <Button className="answer" autoFocus icon={<CallRegular />} onClick={() => answer(call.id)}>
          {t('call.answer')}
        </Button>
        <Button className="hangup" icon={<CallEndRegular />} onClick={() => decline(call.id)}>
          {t('call.decline')}
        </Button>
      </div>
    </section>
  );
}
