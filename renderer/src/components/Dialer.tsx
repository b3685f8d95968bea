import { Button, Input } from '@fluentui/react-components';
import { BackspaceRegular, CallRegular } from '@fluentui/react-icons';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { countryName } from '../../../src/emergency/format-address';
import { useApp } from '../store';
import { CompactAddress, EmergencyAddress } from './EmergencyAddress';
import { RoamingWarning } from './RoamingWarning';
import { NetworkPrompt } from './NetworkPrompt';
import { AvailabilityBanner } from './Availability';
import { SetupChecklist } from './FirstRun';
import { Notifications } from './SettingsView';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

function EmergencyBanner(): React.JSX.Element | null {
  const { i18n } = useTranslation();
  const c = useApp((s) => s.classification);
  const lang = i18n.language === 'fr' ? 'fr' : 'en';
  // The live region is always there and the banner comes into it: screen readers announce content
  // added to a live region, not always a region that arrives with its content.
  return (
    <div role="alert" aria-live="assertive" aria-atomic="true" aria-labelledby={c.emergency ? 'emergency-banner-title' : undefined} data-testid="emergency-live">
      {c.emergency && <Banner c={c} lang={lang} />}
    </div>
  );
}

function Banner({ c, lang }: { c: Extract<ReturnType<typeof useApp.getState>['classification'], { emergency: true }>; lang: 'fr' | 'en' }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <section className="emergency-banner" aria-labelledby="emergency-banner-title" data-testid="emergency-banner">
      <h2 id="emergency-banner-title">{t('emergency.banner', { number: c.entry.display, service: c.entry.service[lang] })}</h2>
      {c.matchedAs !== 'home' && <p>{t('emergency.visited', { country: countryName(c.country, lang) })}</p>}
      {c.entry.note && <p className="emergency-note">{c.entry.note[lang]}</p>}
      {c.entry.test && <p className="emergency-note">{t('emergency.testLine')}</p>}
      <EmergencyAddress />
    </section>
  );
}

/** Search as you type: the address book's and the company directory's matches; a click fills the number. */
function Suggestions(): React.JSX.Element | null {
  const { t } = useTranslation();
  const suggestions = useApp((s) => s.suggestions);
  const setDialInput = useApp((s) => s.setDialInput);
  const rows = suggestions.flatMap(({ source, entry }) => entry.numbers.map((n, i) => ({ key: `${source}-${entry.id}-${i}`, source, name: entry.name, org: entry.organization, ...n })));
  if (rows.length === 0) return null;
  return (
    <ul className="suggestions" aria-label={t('dialer.suggestions')} data-testid="suggestions">
      {rows.slice(0, 8).map((r) => (
        <li key={r.key} data-source={r.source}>
          <Button appearance="subtle" className="suggestion" onClick={() => setDialInput(r.number)}>
            <span className="suggestion-name">{r.name}</span>
            <span className="suggestion-detail">
              {t(`contacts.labels.${r.label}`)} {r.number}
              {r.source === 'directory' ? ` · ${t('dialer.directory')}` : ''}
            </span>
          </Button>
        </li>
      ))}
    </ul>
  );
}

export function Dialer(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  // For `npm run bench`: when the dialer was first on screen and usable.
  useEffect(() => {
    if (performance.getEntriesByName('dialer-interactive').length === 0) performance.mark('dialer-interactive');
  }, []);
  const { dialInput, dialError, classification, setDialInput, appendDigit, backspace, dial } = useApp();
  const registered = useApp((s) => s.phone.registration.status === 'registered');
  const linkOpened = useApp((s) => s.linkOpened);
  const askNotify = useApp((s) => s.notificationPermission === 'default' && !s.notificationsDeferred);
  const lang = i18n.language === 'fr' ? 'fr' : 'en';
  const errorText =
    dialError === 'notRegistered'
      ? t('dialer.notRegistered')
      : dialError === 'noAccountEmergency'
        ? t('emergency.noAccount')
        : dialError && t('dialer.invalid', { message: dialError });
  return (
    <section className="dialer" aria-labelledby="dialer-title">
      <h2 id="dialer-title" className="visually-hidden">{t('nav.dialer')}</h2>
      <SetupChecklist />
      <AvailabilityBanner />
      <RoamingWarning />
      <NetworkPrompt />
      <CompactAddress />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          dial();
        }}
      >
        <label htmlFor="dial-input">{t('dialer.label')}</label>
        <div className="dial-row">
          <Input
            id="dial-input"
            name="dial"
            type="text"
            inputMode="tel"
            autoComplete="off"
            autoFocus
            size="large"
            className="dial-input"
            value={dialInput}
            aria-invalid={dialError ? true : undefined}
            aria-describedby={dialError ? 'dial-error' : undefined}
            onChange={(_, d) => setDialInput(d.value)}
          />
          <Button className="backspace" size="large" aria-label={t('dialer.backspace')} icon={<BackspaceRegular />} onClick={backspace} />
        </div>
        <Suggestions />
        {linkOpened !== null && linkOpened === dialInput && (
          <p className="link-note" role="status" data-testid="link-note">
            {t('dialer.fromLink')}
          </p>
        )}
        {errorText && (
          <p id="dial-error" role="alert" className="error">
            {errorText}
          </p>
        )}
        <EmergencyBanner />
        <div className="keypad" role="group" aria-label={t('dialer.keypad')}>
          {KEYS.map((k) => (
            <Button key={k} size="large" onClick={() => appendDigit(k)}>
              {k}
            </Button>
          ))}
        </div>
        {classification.emergency && <RoamingWarning compact />}
        {classification.emergency ? (
          <Button key="emergency" type="submit" size="large" className="call-button emergency-call-button" data-testid="emergency-call-button" icon={<CallRegular />}>
            {t('emergency.callButton', { number: classification.entry.display, service: classification.entry.service[lang] })}
          </Button>
        ) : (
          <Button key="call" type="submit" size="large" className="call-button" disabled={dialInput.trim() === ''} icon={<CallRegular />}>
            {t('dialer.call')}
          </Button>
        )}
        {!registered && !classification.emergency && <p className="hint">{t('dialer.notRegistered')}</p>}
      </form>
      {/* Asked here, once registered and on the user's click: never at start, never over an emergency number. */}
      {registered && askNotify && !classification.emergency && <Notifications compact />}
    </section>
  );
}
