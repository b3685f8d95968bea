import { Button } from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';
import { useApp } from '../store';
import { CivicFieldList } from './EmergencyAddress';

/** "Test my emergency setup": what will be sent, in human form, and a call to the test line. */
export function EmergencyTest(): React.JSX.Element | null {
  const { t } = useTranslation();
  const e = useApp((s) => s.host?.emergency);
  const registered = useApp((s) => s.phone.registration.status === 'registered');
  const testCall = useApp((s) => s.testEmergencyCall);
  const refused = useApp((s) => s.testCallRefused);
  if (!e) return null;
  const address = e.address?.address;
  return (
    <section className="emergency-test" aria-labelledby="emergency-test-title" data-testid="emergency-test">
      <h3 id="emergency-test-title">{t('test.title')}</h3>
      {e.testNumber ? (
        <>
          <p>{t('test.explain', { number: e.testNumber })}</p>
          <h4>{t('test.sent')}</h4>
          {address ? (
            <CivicFieldList address={address} method={e.address?.source === 'network-site' ? 'Wiremap' : 'Manual'} testId="pidf-human" />
          ) : (
            <p>{t('emergency.noLocationSent')}</p>
          )}
          <Button disabled={!registered} onClick={testCall}>
            {t('test.call', { number: e.testNumber })}
          </Button>
          {refused && (
            <p role="alert" className="error" data-testid="test-call-refused">
              {t('test.refused', { detail: refused })}
            </p>
          )}
        </>
      ) : (
        <p>{t('test.none')}</p>
      )}
    </section>
  );
}
