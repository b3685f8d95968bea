import { useTranslation } from 'react-i18next';
import { useApp } from '../store';

export function RegistrationStatus(): React.JSX.Element {
  const { t } = useTranslation();
  const reg = useApp((s) => s.phone.registration);
  const gateway = 'gateway' in reg ? reg.gateway : undefined;
  return (
    <div role="status" aria-live="polite" className={`registration registration-${reg.status}`} data-testid="registration" data-status={reg.status}>
      <span className="dot" aria-hidden="true" />
      <span className="registration-label">{t(`registration.${reg.status}`)}</span>
      {reg.status === 'failed' && (
        <span className="registration-reason" data-reason={reg.reason}>
          {' — '}
          {t(`registration.reason.${reg.reason}`)}
          {reg.retryInMs ? ` ${t('registration.retry', { seconds: Math.round(reg.retryInMs / 1000) })}` : ''}
        </span>
      )}
      {gateway && <span className="registration-gateway">{gateway}</span>}
    </div>
  );
}
