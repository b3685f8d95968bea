import { Button } from '@fluentui/react-components';
import { ArrowRightRegular } from '@fluentui/react-icons';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ONBOARDING_STEPS, useApp, type OnboardingStep } from '../store';
import { AddressSettings } from './AddressSettings';
import { EmergencyTest } from './EmergencyTest';
import { PanelBoundary } from './PanelBoundary';
import { AccountForm } from './SettingsView';

const STEP_VIEWS: Record<OnboardingStep, () => React.JSX.Element | null> = {
  account: AccountForm,
  address: AddressSettings,
  test: EmergencyTest,
};

/**
 * First run, one step at a time: the account, then the emergency address, then an offer to place
 * the test call. Each step moves on by itself when done, or can be skipped; the dialer then says
 * what is missing.
 */
export function FirstRun({ step }: { step: OnboardingStep }): React.JSX.Element {
  const { t } = useTranslation();
  const next = useApp((s) => s.nextOnboardingStep);
  const index = ONBOARDING_STEPS.indexOf(step);
  const last = index === ONBOARDING_STEPS.length - 1;
  const View = STEP_VIEWS[step];
  const heading = useRef<HTMLHeadingElement>(null);
  // Each step starts at its heading: a keyboard or screen-reader user is told where they are.
  useEffect(() => heading.current?.focus(), [step]);
  // A step the administrator has done (account, locked address) is shown, not skipped: "Next".
  const managed = useApp((s) => (step === 'account' ? s.host?.accountSource === 'provisioned' : step === 'address' ? s.host?.emergency.addressEditable === false : false));
  return (
    <section className="first-run" aria-labelledby="first-run-title" data-testid="first-run" data-step={step}>
      <p className="first-run-progress">{t('firstRun.progress', { step: index + 1, count: ONBOARDING_STEPS.length })}</p>
      <h2 id="first-run-title" ref={heading} tabIndex={-1}>{t(`firstRun.${step}.title`)}</h2>
      <p>{t(step === 'account' && managed ? 'firstRun.account.managedWhy' : `firstRun.${step}.why`)}</p>
      <PanelBoundary key={step} name={`first run: ${step}`}>
        <View />
      </PanelBoundary>
      <div className="first-run-actions">
        <Button appearance={last || managed ? 'primary' : 'secondary'} icon={<ArrowRightRegular />} iconPosition="after" onClick={() => next(step)}>
          {last ? t('firstRun.finish') : managed ? t('firstRun.next') : t('firstRun.skip')}
        </Button>
      </div>
    </section>
  );
}

/** On the dialer after first run: what is still missing, each with the way to set it. */
export function SetupChecklist(): React.JSX.Element | null {
  const { t } = useTranslation();
  const host = useApp((s) => s.host);
  const setView = useApp((s) => s.setView);
  const openAddressEditor = useApp((s) => s.openAddressEditor);
  if (!host) return null;
  const missing: Array<{ key: string; action: () => void }> = [];
  if (!host.account) missing.push({ key: 'account', action: () => setView('settings') });
  if (!host.emergency.address) missing.push({ key: 'address', action: openAddressEditor });
  if (missing.length === 0) return null;
  return (
    <section className="setup-checklist" aria-labelledby="setup-checklist-title" data-testid="setup-checklist">
      <h2 id="setup-checklist-title">{t('firstRun.missingTitle')}</h2>
      <ul>
        {missing.map((m) => (
          <li key={m.key} data-missing={m.key}>
            {t(`firstRun.missing.${m.key}`)}{' '}
            <Button size="small" appearance="transparent" onClick={m.action}>
              {t(`firstRun.fix.${m.key}`)}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
