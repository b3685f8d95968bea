import { Button, CounterBadge, ToggleButton } from '@fluentui/react-components';
import { AlertOffFilled, AlertRegular, CallAddRegular, ContactCardRegular, DialpadRegular, HistoryRegular, SettingsRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../store';
import { AvailabilityPill, StatusReporter } from './Availability';
import { CallPanel, IncomingCall } from './CallPanel';
import { Dialer } from './Dialer';
import { FirstRun } from './FirstRun';
import { HistoryView } from './HistoryView';
import { ContactsView } from './ContactsView';
import { PanelBoundary } from './PanelBoundary';
import { RegistrationStatus } from './RegistrationStatus';
import { SettingsView } from './SettingsView';

function Notices(): React.JSX.Element | null {
  const { t } = useTranslation();
  const notices = useApp((s) => s.host?.notices ?? []);
  const soundBlocked = useApp((s) => s.soundBlocked);
  if (notices.length === 0 && !soundBlocked) return null;
  return (
    <div className="notices">
      {soundBlocked && (
        <div role="alert" className="notice" data-code="soundBlocked">
          <p>{t('notify.soundBlocked')}</p>
          {/* Any click in the page lifts the block; this one says so. */}
          <Button size="small" appearance="primary">
            {t('notify.soundUnblock')}
          </Button>
        </div>
      )}
      {notices.map((n, i) => (
        <p key={i} role="alert" className="notice" data-code={n.code}>
          {t(`notices.${n.code}`, { message: n.message })}
        </p>
      ))}
    </div>
  );
}

export function App(): React.JSX.Element {
  const { t } = useTranslation();
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const calls = useApp((s) => s.phone.calls);
  const dnd = useApp((s) => s.host?.preferences.doNotDisturb ?? false);
  const setPreferences = useApp((s) => s.setPreferences);
  const [newCall, setNewCall] = useState(false);
  const onboarding = useApp((s) => s.onboarding);
  const missed = useApp((s) => s.history?.unseenMissed ?? 0);
  // A possible callback from emergency services comes before any other ringing call.
  const ringing = calls
    .filter((c) => c.direction === 'incoming' && c.state === 'ringing' && !c.referredBy)
    .sort((a, b) => Number(Boolean(b.possibleCallback)) - Number(Boolean(a.possibleCallback)));
  // An incoming call that ended unanswered (missed, declined) never had a call screen: History has it.
  const active = calls.filter((c) => c.referredBy !== undefined || !(c.direction === 'incoming' && (c.state === 'ringing' || (c.state === 'ended' && c.answeredAt === undefined))));
  // While a call is up, its screen takes over the dialer view; "New call" brings the dialer back
  // (for an emergency number among others), and it returns by itself when the call ends.
  const inCall = active.some((c) => c.state !== 'ended');
  useEffect(() => {
    if (!inCall) setNewCall(false);
  }, [inCall]);
  const showDialer = !inCall || newCall;
  // During first run no view is current: either one leaves it.
  const current = onboarding ? null : view;
  return (
    <div className="app">
      <StatusReporter />
      <header className="app-header">
        <div className="app-title-row">
          <h1>{t('app.title')}</h1>
          <ToggleButton
            size="small"
            appearance={dnd ? 'primary' : 'subtle'}
            className={`dnd${dnd ? ' dnd-on' : ''}`}
            checked={dnd}
            icon={dnd ? <AlertOffFilled /> : <AlertRegular />}
            title={t('dnd.help')}
            onClick={() => void setPreferences({ doNotDisturb: !dnd })}
          >
            {t('dnd.label')}
          </ToggleButton>
        </div>
        <div className="app-status-row">
          <RegistrationStatus />
          <AvailabilityPill />
        </div>
        <nav aria-label={t('nav.main')} className="app-nav">
          {(['dialer', 'history', 'contacts', 'settings'] as const).map((v) => (
            <Button
              key={v}
              appearance={current === v ? 'primary' : 'subtle'}
              aria-current={current === v ? 'page' : undefined}
              // The name says the missed calls too: the badge alone is not read out.
              aria-label={v === 'history' && missed > 0 ? t('nav.historyMissed', { count: missed }) : undefined}
              icon={v === 'dialer' ? <DialpadRegular /> : v === 'history' ? <HistoryRegular /> : v === 'contacts' ? <ContactCardRegular /> : <SettingsRegular />}
              onClick={() => setView(v)}
            >
              {t(`nav.${v}`)}
              {v === 'history' && missed > 0 && <CounterBadge className="missed-badge" data-testid="missed-badge" count={missed} size="small" color="danger" aria-hidden="true" />}
            </Button>
          ))}
        </nav>
      </header>
      <PanelBoundary name="notices">
        <Notices />
      </PanelBoundary>
      <main>
        {ringing.map((c) => (
          <PanelBoundary key={c.id} name="incoming call">
            <IncomingCall call={c} />
          </PanelBoundary>
        ))}
        {active.map((c) => (
          <PanelBoundary key={c.id} name="call">
            <CallPanel call={c} />
          </PanelBoundary>
        ))}
        {view === 'dialer' && inCall && !newCall && (
          <Button className="new-call" icon={<CallAddRegular />} onClick={() => setNewCall(true)}>
            {t('call.newCall')}
          </Button>
        )}
        {onboarding ? (
          <FirstRun step={onboarding} />
        ) : (view !== 'dialer' || showDialer) && (
          <PanelBoundary key={view} name={view}>
            {view === 'dialer' ? <Dialer /> : view === 'history' ? <HistoryView /> : view === 'contacts' ? <ContactsView /> : <SettingsView />}
          </PanelBoundary>
        )}
      </main>
    </div>
  );
}
