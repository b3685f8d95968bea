import { Button, Select } from '@fluentui/react-components';
import { FormField } from './FormField';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatAddressLines } from '../../../src/emergency/format-address';
import { useApp } from '../store';

/** On a network not seen before: "Are you still at <address>?" — confirm, choose, or enter. */
export function NetworkPrompt(): React.JSX.Element | null {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'fr' ? 'fr' : 'en';
  const e = useApp((s) => s.host?.emergency);
  const remember = useApp((s) => s.rememberNetwork);
  const openEditor = useApp((s) => s.openAddressEditor);
  const [choice, setChoice] = useState('');
  if (!e?.networkPrompt || !e.address) return null;
  const current = JSON.stringify(e.address.address);
  const others = e.savedAddresses.filter((a) => JSON.stringify(a) !== current);
  return (
    <section className="network-prompt" role="alertdialog" aria-labelledby="network-prompt-title" data-testid="network-prompt">
      <h2 id="network-prompt-title">{t('nomadic.title')}</h2>
      <p>{t('nomadic.question', { address: formatAddressLines(e.address.address, lang).join(', ') })}</p>
      <div className="call-controls">
        <Button appearance="primary" onClick={() => void remember(null)}>
          {t('nomadic.yes')}
        </Button>
        <Button onClick={openEditor}>
          {t('nomadic.new')}
        </Button>
      </div>
      {others.length > 0 && (
        <div className="saved-address">
          <FormField id="saved-address" label={t('nomadic.saved')}>
            <Select id="saved-address" value={choice} onChange={(_, d) => setChoice(d.value)}>
            <option value="">—</option>
            {others.map((a, i) => (
              <option key={i} value={String(i)}>
                {formatAddressLines(a, lang).join(', ')}
              </option>
            ))}
            </Select>
          </FormField>
          <Button disabled={choice === ''} onClick={() => void remember(others[Number(choice)] as Record<string, string>)}>
            {t('nomadic.use')}
          </Button>
        </div>
      )}
    </section>
  );
}
