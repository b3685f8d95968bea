import { teamsHighContrastTheme, webDarkTheme, webLightTheme, type Theme as FluentTheme } from '@fluentui/react-components';
import type { Theme } from '../../src/host-api';

export type ResolvedTheme = Exclude<Theme, 'system'>;

/** The palette a preference means now: `system` is the OS's light or dark. */
export function resolveTheme(pref: Theme, osDark: boolean): ResolvedTheme {
  return pref === 'system' ? (osDark ? 'dark' : 'light') : pref;
}

/** Fluent UI's tokens for each theme; styles.css keeps the app's own colours per `data-theme`. */
export const FLUENT_THEMES: Record<ResolvedTheme, FluentTheme> = {
  light: webLightTheme,
  dark: webDarkTheme,
  'high-contrast': teamsHighContrastTheme,
};
