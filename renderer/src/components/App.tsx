import { useTranslation } from 'react-i18next';
import { useApp } from '../store';
import { CallPanel, IncomingCall } from './CallPanel';
import { Dialer } from './Dialer';
import { PanelBoundary } from './PanelBoundary';
import { RegistrationStatus } from './RegistrationStatus';
import { SettingsView } from './SettingsView';

function Notices(): React.JSX.Element | null {
  const { t } = useTranslation();
  const notices = useApp((s) => s.host?.notices ?? []);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
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
  // A possible callback from emergency services comes before any other ringing call.
  const ringing = calls
    .filter((c) => c.direction === 'incoming' && c.state === 'ringing')
    .sort((a, b) => Number(Boolean(b.possibleCallback)) - Number(Boolean(a.possibleCallback)));
  const active = calls.filter((c) => !(c.direction === 'incoming' && c.state === 'ringing'));
  return (
    <div className="app">
      <header>
        <h1>{t('app.title')}</h1>
        <RegistrationStatus />
        <button
          type="button"
          className={`dnd${dnd ? ' dnd-on' : ''}`}
          aria-pressed={dnd}
          title={t('dnd.help')}
          onClick={() => void setPreferences({ doNotDisturb: !dnd })}
        >
          {t('dnd.label')}
        </button>
        <nav aria-label={t('nav.main')}>
          <button type="button" aria-current={view === 'dialer' ? 'page' : undefined} onClick={() => setView('dialer')}>
            {t('nav.dialer')}
          </button>
          <button type="button" aria-current={view === 'settings' ? 'page' : undefined} onClick={() => setView('settings')}>
            {t('nav.settings')}
          </button>
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
        <PanelBoundary key={view} name={view === 'dialer' ? 'dialer' : 'settings'}>
          {view === 'dialer' ? <Dialer /> : <SettingsView />}
        </PanelBoundary>
      </main>
    </div>
  );
}
