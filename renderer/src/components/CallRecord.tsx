import { Button } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EmergencyCallEntry } from '../../../src/host-api';
import { getHost } from '../host';
import { useApp } from '../store';

/** The local, append-only emergency call record: viewable, and exportable as JSON. */
export function CallRecordView(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const [entries, setEntries] = useState<EmergencyCallEntry[] | null>(null);
  const focus = useApp((s) => s.recordFocus);
  // From History: bring that call's entry into view and to the keyboard.
  useEffect(() => {
    if (!focus || !entries) return;
    const el = document.getElementById(`record-${focus}`);
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
    useApp.setState({ recordFocus: null });
  }, [focus, entries]);
  useEffect(() => {
    void getHost()
      .listEmergencyCalls()
      .then(setEntries)
      .catch(() => setEntries([]));
  }, []);
  const exportJson = (): void => {
    const blob = new Blob([JSON.stringify(entries ?? [], null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `emergency-calls-${new Date().toISOString().slice(0, 10)}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  return (
    <section className="call-record" aria-labelledby="call-record-title">
      <h3 id="call-record-title">{t('record.title')}</h3>
      {entries === null ? null : entries.length === 0 ? (
        <p>{t('record.empty')}</p>
      ) : (
        <>
          <ul data-testid="call-record">
            {entries.map((e) => (
              <li key={e.id} id={`record-${e.id}`} tabIndex={-1} data-testid="call-record-entry" data-result={e.result}>
                <strong>
                  {e.startedAt ? new Date(e.startedAt).toLocaleString(i18n.language) : ''} — {e.number} {e.service ? `(${e.service})` : ''}
                </strong>
                <span>
                  {' '}
                  {t(`record.result.${e.result ?? 'interrupted'}`)}
                  {e.durationSeconds != null ? ` · ${e.durationSeconds} s` : ''}
                  {e.failure ? ` · ${e.failure}` : ''}
                </span>
                {e.gateways && e.gateways.length > 0 && (
                  <p className="hint">
                    {t('record.gateways')} {e.gateways.map((g) => `${g.gateway} (${g.result})`).join(' → ')}
                  </p>
                )}
                <p className="hint">
                  {t('record.network')} {e.networkCountry ?? '—'}
                  {e.roamingWarning ? ` · ${t('record.roaming')}` : ''}
                </p>
                <details>
                  <summary>{e.pidfLo ? t('record.location', { source: e.locationSource ?? '' }) : t('record.noLocation')}</summary>
                  {e.pidfLo && <pre data-testid="call-record-pidf">{e.pidfLo}</pre>}
                </details>
              </li>
            ))}
          </ul>
          <Button onClick={exportJson}>
            {t('record.export')}
          </Button>
        </>
      )}
    </section>
  );
}
