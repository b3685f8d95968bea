import { Button, Input, Select } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addressLayout, missingRequired } from '../../../src/emergency/address-layout';
import type { CivicAddress } from '../../../src/emergency/civic-address';
import { formatAddressLines } from '../../../src/emergency/format-address';
import { isCountryCode, postcodeExample } from '../../../src/emergency/address-validation';
import type { FieldError } from '../../../src/result';
import { useApp } from '../store';
import { FormField } from './FormField';
import { CivicFieldList, EmergencyAddress, LastConfirmed } from './EmergencyAddress';

/** A layout label: a civic field's own name, or what the country calls it (libaddressinput). */
const labelKey = (label: string): string => (/^[A-Z0-9]+$/.test(label) ? `address.field.${label}` : `address.label.${label}`);

/** ISO 3166 regions that Intl knows, named in the UI language, sorted by name. */
function useCountries(lang: string): Array<{ code: string; name: string }> {
  return useMemo(() => {
    const names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' });
    const codes: string[] = [];
    for (let a = 65; a <= 90; a++)
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = names.of(code);
        if (name && isCountryCode(code)) codes.push(code);
      }
    return codes.map((code) => ({ code, name: names.of(code) as string })).sort((x, y) => x.name.localeCompare(y.name, lang));
  }, [lang]);
}

function AddressForm({ initial, onDone }: { initial: CivicAddress | null; onDone: () => void }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'fr' ? 'fr' : 'en';
  const countries = useCountries(lang);
  const homeCountry = useApp((s) => s.host?.emergency.homeCountry ?? 'FR');
  const saveAddress = useApp((s) => s.saveEmergencyAddress);
  const [values, setValues] = useState<Record<string, string>>({ country: homeCountry, ...(initial ?? {}) });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [reviewing, setReviewing] = useState(false);
  const address = values as CivicAddress;
  const errorFor = (f: string): FieldError | undefined => errors.find((e) => e.field === f || e.field.endsWith(`.${f}`));

  if (reviewing) {
    return (
      <section className="address-review" aria-labelledby="review-title">
        <h3 id="review-title">{t('address.reviewTitle')}</h3>
        <address data-testid="address-review">
          {formatAddressLines(address, lang).map((line, i) => (
            <span key={i} className="address-line">
              {line}
            </span>
          ))}
        </address>
        <p className="address-warning">{t('emergency.addressSent')}</p>
        <h4>{t('address.asSent')}</h4>
        <CivicFieldList address={address} method="Manual" testId="address-review-fields" />
        <div className="call-controls">
          <Button onClick={() => setReviewing(false)}>
            {t('address.back')}
          </Button>
          <Button appearance="primary"
            autoFocus
            onClick={() =>
              void saveAddress(values).then((result) => {
                if (result.ok) onDone();
                else {
                  setErrors(result.errors);
                  setReviewing(false);
                }
              })
            }
          >
            {t('address.save')}
          </Button>
        </div>
      </section>
    );
  }

  return (
    <form
      className="address-form"
      aria-labelledby="address-form-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void useApp
          .getState()
          .checkEmergencyAddress(values)
          .then((checked) => {
            // The country's required fields first, then the host's own checks.
            const missing: FieldError[] = missingRequired(address).map((m) => ({ ...m, message: t('errors.required') }));
            const found = [...missing, ...checked.filter((c) => !missing.some((m) => c.field.endsWith(m.field)))];
            setErrors(found);
            if (found.length === 0) setReviewing(true);
          });
      }}
    >
      <h3 id="address-form-title">{t('address.editTitle')}</h3>
      {errors.length > 0 && (
        <p role="alert" className="error">
          {t('settings.errorsTitle')}
        </p>
      )}
      <FormField id="addr-country" label={t('address.field.country')}>
        <Select id="addr-country" value={values.country} onChange={(_, d) => setValues({ ...values, country: d.value })}>
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </Select>
      </FormField>
      {addressLayout(values.country ?? '').map(({ field: f, label, required }) => {
        const err = errorFor(f);
        return (
          <FormField
            key={f}
            id={`addr-${f}`}
            label={t(labelKey(label))}
            required={required}
            error={err && t(`errors.${err.code}`, { defaultValue: err.message, example: postcodeExample(values.country ?? '') ?? '—' })}
          >
            <Input id={`addr-${f}`} value={values[f] ?? ''} aria-required={required || undefined} onChange={(_, d) => setValues({ ...values, [f]: d.value })} />
          </FormField>
        );
      })}
      <div className="call-controls">
        <Button onClick={onDone}>
          {t('address.cancel')}
        </Button>
        <Button type="submit" appearance="primary">
          {t('address.review')}
        </Button>
      </div>
    </form>
  );
}

export function AddressSettings(): React.JSX.Element {
  const { t } = useTranslation();
  const e = useApp((s) => s.host?.emergency);
  const editing = useApp((s) => s.editingAddress);
  const setEditing = useApp((s) => s.setEditingAddress);
  const confirmAddress = useApp((s) => s.confirmEmergencyAddress);
  if (!e) return <></>;
  return (
    <section className="address-settings" aria-labelledby="address-settings-title">
      <h3 id="address-settings-title">{t('address.title')}</h3>
      {editing ? (
        <AddressForm initial={e.address?.address ?? null} onDone={() => setEditing(false)} />
      ) : (
        <>
          <EmergencyAddress headingLevel={3} hideTitle />
          {e.address && <LastConfirmed />}
          {!e.addressEditable && <p className="managed">{t('address.managed')}</p>}
          <div className="call-controls">
            {e.addressEditable && (
              <Button onClick={() => setEditing(true)}>
                {e.address ? t('address.edit') : t('address.set')}
              </Button>
            )}
            {e.address && (
              <Button onClick={() => void confirmAddress()}>
                {t('address.confirm')}
              </Button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
