import { useTranslation } from 'react-i18next';
import { useApp } from '../store';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function Dialer(): React.JSX.Element {
  const { t } = useTranslation();
  const { dialInput, dialError, setDialInput, appendDigit, backspace, dial } = useApp();
  const registered = useApp((s) => s.phone.registration.status === 'registered');
  return (
    <section className="dialer" aria-labelledby="dialer-title">
      <h2 id="dialer-title" className="visually-hidden">{t('nav.dialer')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          dial();
        }}
      >
        <label htmlFor="dial-input">{t('dialer.label')}</label>
        <div className="dial-row">
          <input
            id="dial-input"
            name="dial"
            type="text"
            inputMode="tel"
            autoComplete="off"
            autoFocus
            value={dialInput}
            aria-invalid={dialError ? true : undefined}
            aria-describedby={dialError ? 'dial-error' : undefined}
            onChange={(e) => setDialInput(e.target.value)}
          />
          <button type="button" className="backspace" aria-label={t('dialer.backspace')} onClick={backspace}>
            ⌫
          </button>
        </div>
        {dialError && (
          <p id="dial-error" role="alert" className="error">
            {dialError === 'notRegistered' ? t('dialer.notRegistered') : t('dialer.invalid', { message: dialError })}
          </p>
        )}
        <div className="keypad" role="group" aria-label={t('dialer.keypad')}>
          {KEYS.map((k) => (
            <button type="button" key={k} onClick={() => appendDigit(k)}>
              {k}
            </button>
          ))}
        </div>
        <button type="submit" className="call-button" disabled={dialInput.trim() === ''}>
          {t('dialer.call')}
        </button>
        {!registered && <p className="hint">{t('dialer.notRegistered')}</p>}
      </form>
    </section>
  );
}
