import { useTranslation } from 'react-i18next';
import { emergencyAvailability } from '../../../src/emergency/availability';
import { networkCountry, useApp } from '../store';
import { useReminderDue } from './EmergencyAddress';

/** Ready, Degraded or Unavailable: whether emergency calls can be made from this phone now. */
export function AvailabilityBanner(): React.JSX.Element | null {
  const { t } = useTranslation();
  const online = useApp((s) => s.online);
  const battery = useApp((s) => s.battery);
  const registered = useApp((s) => s.phone.registration.status === 'registered');
  const emergency = useApp((s) => s.host?.emergency);
  const country = useApp((s) => networkCountry(s.network));
  const reminderDue = useReminderDue();
  if (!emergency) return null;
  const a = emergencyAvailability({
    online,
    registered,
    hasAddress: emergency.address !== null,
    addressConfirmationDue: reminderDue,
    abroad: country !== null && country !== emergency.homeCountry,
    battery,
  });
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
