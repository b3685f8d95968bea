import { FluentProvider } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useApp } from '../store';
import { FLUENT_THEMES, resolveTheme } from '../theme';

const DARK = '(prefers-color-scheme: dark)';

/** Whether the OS asks for dark, followed as it changes. */
function useOsDark(): boolean {
  const [dark, setDark] = useState(() => typeof matchMedia === 'function' && matchMedia(DARK).matches);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const q = matchMedia(DARK);
    const on = (): void => setDark(q.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  return dark;
}

/**
 * The theme the user chose in Settings, or the OS's: Fluent UI's tokens for its components, and
 * `data-theme` on the root element for the app's own colours (styles.css). Forced colours
 * (Windows high contrast) apply on top of any theme through a media query.
 */
export function ThemeRoot({ children }: { children: React.ReactNode }): React.JSX.Element {
  const pref = useApp((s) => s.host?.preferences.theme ?? 'system');
  const theme = resolveTheme(pref, useOsDark());
  useEffect(() => document.documentElement.setAttribute('data-theme', theme), [theme]);
  return (
    <FluentProvider theme={FLUENT_THEMES[theme]} className="theme-root" data-testid="theme-root" data-theme={theme}>
      {children}
    </FluentProvider>
  );
}
