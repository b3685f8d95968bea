import { Button } from '@fluentui/react-components';
import { CallInboundRegular, CallMissedRegular, CallOutboundRegular, CallRegular, DeleteRegular, DocumentTextRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallHistoryEntry } from '../../../src/host-api';
import { useApp } from '../store';

function icon(e: CallHistoryEntry): React.JSX.Element {
  if (e.direction === 'incoming' && e.outcome === 'missed') return <CallMissedRegular />;
  return e.direction === 'incoming' ? <CallInboundRegular /> : <CallOutboundRegular />;
}

function duration(s: number): string {
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Today's calls by the time alone; older ones with their date. */
function when(iso: string, lang: string): string {
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today
    ? d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString(lang, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

function HistoryItem({ entry: e }: { entry: CallHistoryEntry }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const redial = useApp((s) => s.redial);
  const openRecord = useApp((s) => s.openEmergencyRecord);
  const who = e.name && e.name !== e.number ? e.name : e.number;
  const missed = e.direction === 'incoming' && e.outcome === 'missed';
  const emergency = e.kind === 'emergency';
  return (
    <li
      className={`history-item${missed ? ' history-missed' : ''}${emergency ? ' history-emergency' : ''}`}
      data-testid="history-entry"
      data-outcome={e.outcome}
      data-direction={e.direction}
      data-kind={e.kind}
      data-number={e.number}
    >
      <span className="history-icon" aria-hidden="true">
        {icon(e)}
      </span>
      <div className="history-text">
        <p className="history-who">
          {who}
          {emergency && <span className="history-tag">{t('history.emergency')}</span>}
          {e.kind === 'test' && <span className="history-tag history-tag-test">{t('history.test')}</span>}
        </p>
        <p className="history-detail">
          {who !== e.number && <span>{e.number} · </span>}
          {t(`history.outcome.${e.direction}.${e.outcome}`)}
          {e.reason === 'doNotDisturb' || e.reason === 'emergencyCall' ? ` (${t(`history.reason.${e.reason}`)})` : ''} · <time dateTime={e.startedAt}>{when(e.startedAt, i18n.language)}</time>
          {e.durationSeconds !== null && e.outcome === 'answered' && <span> · {duration(e.durationSeconds)}</span>}
        </p>
      </div>
      <div className="history-actions">
        {e.emergencyRecordId && (
          <Button size="small" appearance="subtle" icon={<DocumentTextRegular />} onClick={() => openRecord(e.emergencyRecordId as string)}>
            {t('history.record')}
          </Button>
        )}
        <Button
          size="small"
          appearance={emergency ? 'primary' : 'secondary'}
          className={emergency ? 'history-redial history-redial-emergency' : 'history-redial'}
          icon={<CallRegular />}
          aria-label={t('history.redial', { who })}
          onClick={() => redial(e)}
        >
          {t('history.call')}
        </Button>
      </div>
    </li>
  );
}

/** Every call, newest first: redial in one click, emergency calls linked to their record. Local only. */
export function HistoryView(): React.JSX.Element {
  const { t } = useTranslation();
  const history = useApp((s) => s.history);
  const error = useApp((s) => s.historyError);
  const clear = useApp((s) => s.clearHistory);
  const [confirming, setConfirming] = useState(false);
  const entries = history?.entries ?? [];
  return (
    <section className="history" aria-labelledby="history-title" data-testid="history">
      <h2 id="history-title" className="visually-hidden">
        {t('history.title')}
      </h2>
      {error && (
        <p role="alert" className="error">
          {t('history.error', { message: error })}
        </p>
      )}
      {entries.length === 0 ? (
        <p className="history-empty">{t('history.empty')}</p>
      ) : (
        <ul className="history-list">
          {entries.map((e) => (
            <HistoryItem key={e.id} entry={e} />
          ))}
        </ul>
      )}
      <p className="hint">{t('history.local')}</p>
      {entries.length > 0 &&
        (confirming ? (
          <div className="confirm-clear" role="alertdialog" aria-labelledby="confirm-clear-title">
            <p id="confirm-clear-title">{t('history.clearConfirm')}</p>
            <div className="call-controls">
              <Button appearance="primary" autoFocus onClick={() => setConfirming(false)}>
                {t('history.clearNo')}
              </Button>
              <Button icon={<DeleteRegular />} onClick={() => void clear().then(() => setConfirming(false))}>
                {t('history.clearYes')}
              </Button>
            </div>
          </div>
        ) : (
          <Button icon={<DeleteRegular />} onClick={() => setConfirming(true)}>
            {t('history.clear')}
          </Button>
        ))}
    </section>
  );
}
