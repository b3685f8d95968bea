import { useTranslation } from 'react-i18next';
import { formatAddressLines } from '../../../src/emergency/format-address';
import { useApp } from '../store';

function useLang(): 'en' | 'fr' {
  const { i18n } = useTranslation();
  return i18n.language === 'fr' ? 'fr' : 'en';
}

/** The registered address, in full: what emergency services receive. */
export function EmergencyAddress({ headingLevel = 3 }: { headingLevel?: 2 | 3 }): React.JSX.Element {
  const { t } = useTranslation();
  const lang = useLang();
  const registered = useApp((s) => s.host?.emergency.address ?? null);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  if (!registered) {
    return (
      <div className="emergency-address missing" data-testid="emergency-address" data-missing="true">
        <Heading>{t('emergency.noAddress')}</Heading>
        <p>{t('emergency.noAddressHelp')}</p>
      </div>
    );
  }
  return (
    <div className="emergency-address" data-testid="emergency-address">
      <Heading>{t('emergency.addressTitle')}</Heading>
      <address>
        {formatAddressLines(registered.address, lang).map((line, i) => (
          <span key={i} className="address-line">
            {line}
          </span>
        ))}
      </address>
      <p className="address-source">{t(`emergency.source.${registered.source}`)}</p>
      <p className="address-warning">{t('emergency.addressSent')}</p>
    </div>
  );
}

/** One line, always on the dialer. */
export function CompactAddress(): React.JSX.Element {
  const { t } = useTranslation();
  const lang = useLang();
  const registered = useApp((s) => s.host?.emergency.address ?? null);
  if (!registered) {
    return (
      <p className="compact-address missing" data-testid="address-compact" role="note">
        ⚠ {t('emergency.noAddress')} — {t('emergency.noAddressHelp')}
      </p>
    );
  }
  const lines = formatAddressLines(registered.address, lang);
  return (
    <p className="compact-address" data-testid="address-compact">
      <span className="label">{t('emergency.addressTitle')}:</span> {lines.join(', ')}
    </p>
  );
}
