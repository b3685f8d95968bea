import { CheckmarkCircleFilled, ErrorCircleFilled, WarningFilled } from '@fluentui/react-icons';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { emergencyAvailability } from '../../../src/emergency/availability';
import { getHost } from '../host';
import { networkCountry, useApp } from '../store';
import { useReminderDue } from './EmergencyAddress';

/** Ready, Degraded or Unavailable, with reasons: whether emergency calls can be made from this phone now. */
export function useAvailability(): ReturnType<typeof emergencyAvailability> | null {
  const online = useApp((s) => s.online);
  const battery = useApp((s) => s.battery);
  const registered = useApp((s) => s.phone.registration.status === 'registered');
  const emergency = useApp((s) => s.host?.emergency);
  const country = useApp((s) => networkCountry(s.network));
  const reminderDue = useReminderDue();
  if (!emergency) return null;
  return emergencyAvailability({
    online,
    registered,
    hasAddress: emergency.address !== null,
    addressConfirmationDue: reminderDue,
    abroad: country !== null && country !== emergency.homeCountry,
    battery,
  });
}

const PILL_ICONS = { ready: <CheckmarkCircleFilled />, degraded: <WarningFilled />, unavailable: <ErrorCircleFilled /> } as const;

/** The header's one-line summary, always in sight; the banner in the dialer says why. */
/**
 * Tells the host what the tray shows (Electron): registration, emergency availability,
 * do-not-disturb, and whether a call is up. Sent on each change; renders nothing.
 */
export function StatusReporter(): null {
  const a = useAvailability();
  const registration = useApp((s) => s.phone.registration.status);
  const dnd = useApp((s) => s.host?.preferences.doNotDisturb ?? false);
  const inCall = useApp((s) => s.phone.calls.some((c) => c.state !== 'ended'));
  const availability = a?.state;
  useEffect(() => {
    if (!availability) return;
    const reg = registration === 'registered' || registration === 'failed' || registration === 'unconfigured' ? registration : 'connecting';
    void getHost()
      .reportStatus({ registration: reg, availability, doNotDisturb: dnd, inCall })
      .catch(() => undefined);
  }, [registration, availability, dnd, inCall]);
  return null;
}

export function AvailabilityPill(): React.JSX.Element | null {
  const { t } = useTranslation();
  const a = useAvailability();
  if (!a) return null;
  return (
    <span className={`availability-pill availability-pill-${a.state}`} data-testid="availability-pill" data-state={a.state}>
      <span aria-hidden="true">{PILL_ICONS[a.state]}</span> {t(`availability.pill.${a.state}`)}
    </span>
  );
}

export function AvailabilityBanner(): React.JSX.Element | null {
  const { t } = useTranslation();
  const a = useAvailability();
  if (!a) return null;
  return (
    <section
      className={`availability availability-${a.state}`}
      role="status"
      aria-live="polite"
      data-testid="availability"
      data-state={a.state}
    >
      <p className="availability-title">{t(`availability.${a.state}`)}</p>
      {a.reasons.map((r) => (
        <p key={r} className="availability-reason" data-reason={r}>
          {t(`availability.reason.${r}`)}
        </p>
      ))}
    </section>
  );
}
