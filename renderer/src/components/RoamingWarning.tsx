import { useTranslation } from 'react-i18next';
import { countryName } from '../../../src/emergency/format-address';
import { useApp } from '../store';

/**
 * Shown while the network seems to be in another country than the emergency address. It only
 * warns: the call is never blocked nor delayed.
 */
export function RoamingWarning({ compact = false }: { compact?: boolean }): React.JSX.Element | null {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'fr' ? 'fr' : 'en';
  const network = useApp((s) => s.network);
  const emergency = useApp((s) => s.host?.emergency);
  const decision = network?.decision;
  if (!decision?.country || !emergency || decision.confidence === 'unknown') return null;
  const home = emergency.homeCountry;
  if (decision.country === home) return null;
  const params = { visited: countryName(decision.country, lang), home: countryName(home, lang) };
  const where = decision.confidence === 'low' ? t('roaming.mayBe', params) : t('roaming.seem', params);
  const homeLine = emergency.address ? t('roaming.addressIn', params) : t('roaming.homeIs', params);
  return (
    <div className={`roaming-warning${compact ? ' compact' : ''}`} role="note" data-testid={compact ? 'roaming-warning-call' : 'roaming-warning'} data-country={decision.country} data-confidence={decision.confidence}>
      <p>
        <strong>{where}</strong> {homeLine} {t('roaming.mobile')}
      </p>
      {decision.confidence === 'low' && <p className="hint">{t('roaming.lowConfidence')}</p>}
    </div>
  );
}
