import { Button, Input, Select, Slider, Switch, Textarea } from '@fluentui/react-components';
import { AlertUrgentRegular, HeadsetRegular, InfoRegular, PaintBrushRegular, PersonRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { THEMES, type DirectoryStatus, type Language, type Theme } from '../../../src/host-api';
import { PROTOCOL_HANDLER_SCHEMES } from '../../../src/links';
import { getHost } from '../host';
import type { FieldError } from '../../../src/result';
import { useApp } from '../store';
import { AddressSettings } from './AddressSettings';
import { CallRecordView } from './CallRecord';
import { PanelBoundary } from './PanelBoundary';
import { FormField } from './FormField';
import { EmergencyTest } from './EmergencyTest';
import { describeReason } from '../../../src/network/decide';

function errorFor(errors: FieldError[], prefix: string): FieldError | undefined {
  return errors.find((e) => e.field === prefix || e.field.startsWith(`${prefix}[`) || e.field.startsWith(`${prefix}.`));
}

export function AccountForm(): React.JSX.Element {
  const { t } = useTranslation();
  const host = useApp((s) => s.host);
  const { accountErrors, accountSaved, saveAccount } = useApp();
  const account = host?.account;
  const locked = host?.accountSource === 'provisioned';
  const [gateways, setGateways] = useState(account?.gateways.join('\n') ?? '');
  const [sipUri, setSipUri] = useState(account?.sipUri ?? '');
  const [authUser, setAuthUser] = useState(account?.authUser ?? '');
  const [displayName, setDisplayName] = useState(account?.displayName ?? '');
  const [password, setPassword] = useState('');
  const [ice, setIce] = useState(account?.iceServers.flatMap((s) => s.urls).join('\n') ?? '');
  const errorText = (prefix: string): string | undefined => {
    const e = errorFor(accountErrors, prefix);
    return e && t(`errors.${e.code}`, { defaultValue: e.message });
  };
  const lines = (v: string): string[] => v.split(/[\n,]+/).map((l) => l.trim()).filter(Boolean);

  return (
    <form
      className="account-form"
      aria-labelledby="account-title"
      onSubmit={(e) => {
        e.preventDefault();
        void saveAccount({
          gateways: lines(gateways),
          sipUri,
          authUser,
          displayName,
          password,
          iceServers: lines(ice).map((u) => ({ urls: [u] })),
        }).then((ok) => ok && setPassword(''));
      }}
    >
      {/* The section's heading (or first run's) says it already. */}
      <h3 id="account-title" className="visually-hidden">
        {host?.account ? t('settings.account') : t('settings.firstRun')}
      </h3>
      {locked && <p className="managed">{t('settings.provisioned')}</p>}
      {accountErrors.length > 0 && (
        <p role="alert" className="error">
          {t('settings.errorsTitle')}
        </p>
      )}
      {accountSaved && accountErrors.length === 0 && <p role="status">{t('settings.saved')}</p>}
      <fieldset>
        <FormField id="acc-gateways" label={t('settings.gateways')} error={errorText('gateways')}>
          <Textarea id="acc-gateways" readOnly={locked} rows={2} resize="vertical" value={gateways} onChange={(_, d) => setGateways(d.value)} />
        </FormField>
        <FormField id="acc-sipuri" label={t('settings.sipUri')} error={errorText('sipUri')}>
          <Input id="acc-sipuri" readOnly={locked} autoComplete="username" value={sipUri} onChange={(_, d) => setSipUri(d.value)} />
        </FormField>
        <FormField id="acc-authuser" label={t('settings.authUser')} error={errorText('authUser')}>
          <Input id="acc-authuser" readOnly={locked} value={authUser} onChange={(_, d) => setAuthUser(d.value)} />
        </FormField>
        <FormField id="acc-display" label={t('settings.displayName')} error={errorText('displayName')}>
          <Input id="acc-display" readOnly={locked} value={displayName} onChange={(_, d) => setDisplayName(d.value)} />
        </FormField>
        <FormField
          id="acc-password"
          label={t('settings.password')}
          error={errorText('password')}
          hint={
            [
              locked && !host?.passwordManaged ? t('settings.passwordYours') : '',
              host?.passwordSessionOnly ? t('settings.passwordSessionOnly') : '', host?.hasPassword ? t('settings.passwordKeep') : '']
              .filter(Boolean)
              .join(' ') || undefined
          }
        >
          <Input id="acc-password" readOnly={host?.passwordManaged} type="password" autoComplete="current-password" value={password} onChange={(_, d) => setPassword(d.value)} />
        </FormField>
        <FormField id="acc-ice" label={t('settings.iceServers')} error={errorText('iceServers')}>
          <Textarea id="acc-ice" readOnly={locked} rows={2} resize="vertical" value={ice} onChange={(_, d) => setIce(d.value)} />
        </FormField>
        {!host?.passwordManaged && (
          <Button type="submit" appearance="primary">
            {t('settings.save')}
          </Button>
        )}
      </fieldset>
    </form>
  );
}

function useAudioDevices(): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const md = navigator.mediaDevices;
    if (!md) return;
    const load = (): void => void md.enumerateDevices().then(setDevices).catch(() => setDevices([]));
    load();
    md.addEventListener('devicechange', load);
    return () => md.removeEventListener('devicechange', load);
  }, []);
  return devices;
}

function usePreferences(): [NonNullable<ReturnType<typeof useApp.getState>['host']>['preferences'] | undefined, ReturnType<typeof useApp.getState>['setPreferences']] {
  return [useApp((s) => s.host?.preferences), useApp((s) => s.setPreferences)];
}

/** Electron only: start with the computer, and in the tray. */
function StartUp(): React.JSX.Element | null {
  const { t } = useTranslation();
  const [prefs, setPreferences] = usePreferences();
  const mode = useApp((s) => s.host?.mode);
  if (mode !== 'electron' || !prefs) return null;
  return (
    <div className="start-up">
      <Switch checked={prefs.startAtLogin} label={t('settings.startAtLogin')} onChange={(_, d) => void setPreferences({ startAtLogin: d.checked })} />
      <Switch checked={prefs.startMinimised} label={t('settings.startMinimised')} onChange={(_, d) => void setPreferences({ startMinimised: d.checked })} />
    </div>
  );
}

/** Appearance & language. */
function Appearance(): React.JSX.Element {
  const { t } = useTranslation();
  const [prefs, setPreferences] = usePreferences();
  if (!prefs) return <></>;
  return (
    <div className="preferences">
      <FormField id="pref-language" label={t('settings.language')}>
        <Select id="pref-language" value={prefs.language} onChange={(_, d) => void setPreferences({ language: d.value as Language })}>
          <option value="system">{t('settings.languageSystem')}</option>
          <option value="en">English</option>
          <option value="fr">Français</option>
        </Select>
      </FormField>
      <FormField id="pref-theme" label={t('settings.theme')}>
        <Select id="pref-theme" value={prefs.theme} onChange={(_, d) => void setPreferences({ theme: d.value as Theme })}>
          {THEMES.map((th) => (
            <option key={th} value={th}>
              {t(`settings.themes.${th}`)}
            </option>
          ))}
        </Select>
      </FormField>
      <StartUp />
    </div>
  );
}

/** The company directory (CardDAV, provisioned): its state, and a sync on demand. */
function DirectoryStatusLine(): React.JSX.Element | null {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<DirectoryStatus | null>(null);
  useEffect(() => {
    void getHost()
      .searchDirectory('')
      .then((r) => setStatus(r.status))
      .catch(() => setStatus(null));
  }, []);
  if (!status?.configured) return null;
  return (
    <div className="directory-status" data-testid="directory-status">
      <h3>{t('directory.title')}</h3>
      <p role="status">
        {status.syncing
          ? t('directory.syncing')
          : status.lastErrorCode
            ? t('directory.failed', { code: t(`directory.errors.${status.lastErrorCode}`, { defaultValue: status.lastError ?? '' }) })
            : t('directory.synced', { count: status.count, when: status.lastSyncAt ? new Date(status.lastSyncAt).toLocaleString(i18n.language) : '—' })}
      </p>
      <Button disabled={status.syncing} onClick={() => void getHost().syncDirectory().then(setStatus)}>
        {t('directory.sync')}
      </Button>
    </div>
  );
}

/** Web mode: the browser may hand sip: and tel: links to this page (it asks the user first). */
function LinkHandler(): React.JSX.Element | null {
  const { t } = useTranslation();
  const mode = useApp((s) => s.host?.mode);
  const [done, setDone] = useState(false);
  if (mode !== 'web' || typeof navigator.registerProtocolHandler !== 'function') return null;
  return (
    <div className="link-handler">
      <h3>{t('links.title')}</h3>
      <p>{t('links.explain')}</p>
      <Button
        onClick={() => {
          for (const scheme of PROTOCOL_HANDLER_SCHEMES) navigator.registerProtocolHandler(scheme, `${location.origin}/?link=%s`);
          setDone(true);
        }}
      >
        {t('links.register')}
      </Button>
      {done && <p role="status">{t('links.asked')}</p>}
    </div>
  );
}

/** Desktop notifications: their state, and the way to turn them on (the browser asks). */
export function Notifications({ compact = false }: { compact?: boolean }): React.JSX.Element | null {
  const { t } = useTranslation();
  const permission = useApp((s) => s.notificationPermission);
  const enable = useApp((s) => s.enableNotifications);
  const defer = useApp((s) => s.deferNotifications);
  if (permission === 'unsupported') return null;
  if (compact) {
    return (
      <section className="notify-offer" aria-labelledby="notify-offer-title" data-testid="notify-offer">
        <p id="notify-offer-title">{t('notify.permissionAsk')}</p>
        <div className="call-controls">
          <Button size="small" appearance="primary" onClick={() => void enable()}>
            {t('notify.permissionOn')}
          </Button>
          <Button size="small" appearance="subtle" onClick={defer}>
            {t('notify.permissionLater')}
          </Button>
        </div>
      </section>
    );
  }
  return (
    <div className="notify-settings" data-testid="notify-settings" data-permission={permission}>
      <h3>{t('notify.title')}</h3>
      {permission === 'granted' && <p>{t('notify.permissionGranted')}</p>}
      {permission === 'denied' && <p>{t('notify.permissionDenied')}</p>}
      {permission === 'default' && (
        <>
          <p>{t('notify.permissionAsk')}</p>
          <Button onClick={() => void enable()}>{t('notify.permissionOn')}</Button>
        </>
      )}
    </div>
  );
}

function AudioDevices(): React.JSX.Element {
  const { t } = useTranslation();
  const [prefs, setPreferences] = usePreferences();
  const testRing = useApp((s) => s.testRing);
  const devices = useAudioDevices();
  if (!prefs) return <></>;
  const options = (kind: MediaDeviceKind): React.JSX.Element[] =>
    devices
      .filter((d) => d.kind === kind && d.deviceId && d.deviceId !== 'default')
      .map((d, i) => (
        <option key={d.deviceId} value={d.deviceId}>
          {d.label || `${kind} ${i + 1}`}
        </option>
      ));
  return (
    <div className="preferences">
      <FormField id="pref-input" label={t('settings.audioInput')}>
        <Select id="pref-input" value={prefs.audioInputId} onChange={(_, d) => void setPreferences({ audioInputId: d.value })}>
          <option value="">{t('settings.defaultDevice')}</option>
          {options('audioinput')}
        </Select>
      </FormField>
      <FormField id="pref-output" label={t('settings.audioOutput')}>
        <Select id="pref-output" value={prefs.audioOutputId} onChange={(_, d) => void setPreferences({ audioOutputId: d.value })}>
          <option value="">{t('settings.defaultDevice')}</option>
          {options('audiooutput')}
        </Select>
      </FormField>
      <FormField id="pref-ring" label={t('settings.ringDevice')} hint={t('settings.ringDeviceHint')}>
        <Select id="pref-ring" value={prefs.ringDeviceId} onChange={(_, d) => void setPreferences({ ringDeviceId: d.value })}>
          <option value="">{t('settings.defaultDevice')}</option>
          {options('audiooutput')}
        </Select>
      </FormField>
      <FormField id="pref-ring-volume" label={t('settings.ringVolume')}>
        <Slider
          id="pref-ring-volume"
          min={0}
          max={100}
          step={5}
          value={Math.round(prefs.ringVolume * 100)}
          aria-valuetext={`${Math.round(prefs.ringVolume * 100)} %`}
          onChange={(_, d) => void setPreferences({ ringVolume: d.value / 100 })}
        />
      </FormField>
      <Button onClick={testRing}>{t('settings.testRing')}</Button>
      <Notifications />
      <LinkHandler />
      <DirectoryStatusLine />
    </div>
  );
}

/** Credits the data the app ships, as their licences ask. */
function About(): React.JSX.Element {
  const { t } = useTranslation();
  const network = useApp((s) => s.network);
  return (
    <div className="about">
      <p data-testid="dbip-credit">
        {t('about.dbip')}{' '}
        <a href="https://db-ip.com" target="_blank" rel="noreferrer">
          IP Geolocation by DB-IP
        </a>{' '}
        (CC BY 4.0).
      </p>
      <p data-testid="eccdata-credit">
        {t('about.eccdata')}{' '}
        <a href="https://android.googlesource.com/platform/packages/services/Telephony/+/refs/heads/main/ecc/input/eccdata.txt" target="_blank" rel="noreferrer">
          {t('about.eccdataSource')}
        </a>{' '}
        (Apache License 2.0){t('about.and')}{' '}
        <a href="https://github.com/google/libphonenumber" target="_blank" rel="noreferrer">
          libphonenumber
        </a>{' '}
        (Apache License 2.0).
      </p>
      <p data-testid="address-formats-credit">
        {t('about.addressFormats')}{' '}
        <a href="https://github.com/google/libaddressinput" target="_blank" rel="noreferrer">
          {t('about.addressFormatsSource')}
        </a>{' '}
        (CC BY 4.0).
      </p>
      <p data-testid="contacts-credit">
        {t('about.contacts')}{' '}
        <a href="https://github.com/kewisch/ical.js" target="_blank" rel="noreferrer">
          ical.js
        </a>{' '}
        (MPL-2.0),{' '}
        <a href="https://gitlab.com/catamphetamine/libphonenumber-js" target="_blank" rel="noreferrer">
          libphonenumber-js
        </a>{' '}
        (MIT),{' '}
        <a href="https://github.com/natelindev/tsdav" target="_blank" rel="noreferrer">
          tsdav
        </a>{' '}
        (MIT).
      </p>
      <p>{t('about.privacy')}</p>
      {network && (
        <p className="hint" data-testid="network-reasons">
          {t('about.network')} {network.decision.reasons.map(describeReason).join('; ')}
        </p>
      )}
    </div>
  );
}

/** One section of Settings, with its heading and icon. */
function SettingsSection(props: { id: string; title: string; icon: React.JSX.Element; children: React.ReactNode }): React.JSX.Element {
  return (
    <section className="settings-section" aria-labelledby={`section-${props.id}`} data-testid={`settings-${props.id}`}>
      <h2 id={`section-${props.id}`} className="settings-section-title">
        <span aria-hidden="true">{props.icon}</span> {props.title}
      </h2>
      {props.children}
    </section>
  );
}

export function SettingsView(): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <div className="settings">
      <h2 className="visually-hidden">{t('settings.title')}</h2>
      <SettingsSection id="account" title={t('settings.sections.account')} icon={<PersonRegular />}>
        <PanelBoundary name="account">
          <AccountForm />
        </PanelBoundary>
      </SettingsSection>
      <SettingsSection id="emergency" title={t('settings.sections.emergency')} icon={<AlertUrgentRegular />}>
        <PanelBoundary name="emergency address">
          <AddressSettings />
        </PanelBoundary>
        <PanelBoundary name="emergency test">
          <EmergencyTest />
        </PanelBoundary>
        <PanelBoundary name="call record">
          <CallRecordView />
        </PanelBoundary>
      </SettingsSection>
      <SettingsSection id="audio" title={t('settings.sections.audio')} icon={<HeadsetRegular />}>
        <PanelBoundary name="audio devices">
          <AudioDevices />
        </PanelBoundary>
      </SettingsSection>
      <SettingsSection id="appearance" title={t('settings.sections.appearance')} icon={<PaintBrushRegular />}>
        <PanelBoundary name="appearance">
          <Appearance />
        </PanelBoundary>
      </SettingsSection>
      <SettingsSection id="about" title={t('settings.sections.about')} icon={<InfoRegular />}>
        <PanelBoundary name="about">
          <About />
        </PanelBoundary>
      </SettingsSection>
    </div>
  );
}
