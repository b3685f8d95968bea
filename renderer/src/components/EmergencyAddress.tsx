import { Button } from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';
import { CIVIC_FIELDS, type CivicAddress } from '../../../src/emergency/civic-address';
import { formatAddressLines } from '../../../src/emergency/format-address';
import { useApp } from '../store';

function useLang(): 'en' | 'fr' {
  const { i18n } = useTranslation();
  return i18n.language === 'fr' ? 'fr' : 'en';
}

/** The registered address, in full: what emergency services receive. */
export function EmergencyAddress({ headingLevel = 3, hideTitle = false }: { headingLevel?: 2 | 3; hideTitle?: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const lang = useLang();
  const registered = useApp((s) => s.host?.emergency.address ?? null);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  if (!registered) {
    return (
      <div className="emergency-address missing" data-testid="emergency-address" data-missing="true">
        {hideTitle ? <p>{t('emergency.noAddress')}</p> : <Heading>{t('emergency.noAddress')}</Heading>}
        <p>{t('emergency.noAddressHelp')}</p>
      </div>
    );
  }
  return (
    <div className="emergency-address" data-testid="emergency-address">
      {!hideTitle && <Heading>{t('emergency.addressTitle')}</Heading>}
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

/** "Last confirmed on …", or that it never was. */
export function LastConfirmed(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const at = useApp((s) => s.host?.emergency.address?.confirmedAt);
  return (
    <p className="last-confirmed" data-testid="address-confirmed">
      {at ? t('address.lastConfirmed', { date: new Date(at).toLocaleDateString(i18n.language, { dateStyle: 'long' }) }) : t('address.neverConfirmed')}
    </p>
  );
}

/** Days since the address was last confirmed, or null when it needs no reminder. */
export function useReminderDue(): boolean {
  return useApp((s) => {
    const e = s.host?.emergency;
    if (!e?.address) return false;
    const at = e.address.confirmedAt ? Date.parse(e.address.confirmedAt) : NaN;
    return Number.isNaN(at) || Date.now() - at > e.reminderDays * 86_400_000;
  });
}

/** One line, always on the dialer. */
export function CompactAddress(): React.JSX.Element {
  const { t } = useTranslation();
  const lang = useLang();
  const registered = useApp((s) => s.host?.emergency.address ?? null);
  const editable = useApp((s) => s.host?.emergency.addressEditable ?? true);
  const openEditor = useApp((s) => s.openAddressEditor);
  const confirmAddress = useApp((s) => s.confirmEmergencyAddress);
  const reminderDue = useReminderDue();
  if (!registered) {
    return (
      <div className="compact-address missing" data-testid="address-compact" role="note">
        <p>
          ⚠ {t('emergency.noAddress')} — {t('emergency.noAddressHelp')}
        </p>
        {editable && (
          <Button onClick={openEditor}>
            {t('address.set')}
          </Button>
        )}
      </div>
    );
  }
  const lines = formatAddressLines(registered.address, lang);
  return (
    <div className="compact-address" data-testid="address-compact">
      <p>
        <span className="label">{t('emergency.addressTitle')}:</span> {lines.join(', ')}
      </p>
      {reminderDue && (
        <div className="address-reminder" role="note" data-testid="address-reminder">
          <p>{t('address.reminder')}</p>
          <div className="call-controls">
            <Button onClick={() => void confirmAddress()}>
              {t('address.confirm')}
            </Button>
            {editable && (
              <Button onClick={openEditor}>
                {t('address.edit')}
              </Button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

/** The address field by field, as the PIDF-LO carries it (RFC 5139 order), with the location method. */
export function CivicFieldList({ address, method, testId }: { address: CivicAddress; method: string; testId: string }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <dl className="pidf-human" data-testid={testId}>
      {CIVIC_FIELDS.filter((f) => address[f]).map((f) => (
        <div key={f}>
          <dt>{t(`address.field.${f}`, { defaultValue: f })}</dt>
          <dd>{address[f]}</dd>
        </div>
      ))}
      <div>
        <dt>{t('test.method')}</dt>
        <dd>{method}</dd>
      </div>
    </dl>
  );
}
