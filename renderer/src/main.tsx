import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { ThemeRoot } from './components/ThemeRoot';
import { getHost } from './host';
import { initI18n, resolveLanguage } from './i18n';
import { startApp } from './store';
import './styles.css';

async function boot(): Promise<void> {
  const root = createRoot(document.getElementById('root') as HTMLElement);
  const state = await getHost().getState();
  await initI18n(resolveLanguage(state.preferences.language, state.systemLocale || navigator.language));
  // Started before the first render, so registering does not wait for it.
  const started = startApp(state);
  root.render(
    <StrictMode>
      <ThemeRoot>
        <App />
      </ThemeRoot>
    </StrictMode>,
  );
  await started;
}

void boot().catch((err: unknown) => {
  const el = document.getElementById('root');
  if (el) {
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = `The softphone could not start: ${err instanceof Error ? err.message : String(err)}`;
    el.replaceChildren(p);
  }
});
