import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import fr from './locales/fr.json';
import type { Language } from '../../src/host-api';

export const SUPPORTED = ['en', 'fr'] as const;

/** The UI language: the user's choice, else the OS language, else English. */
export function resolveLanguage(choice: Language, systemLocale: string): 'en' | 'fr' {
  if (choice !== 'system') return choice;
  return systemLocale.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export async function initI18n(lang: 'en' | 'fr'): Promise<void> {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    lng: lang,
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes.
  });
  document.documentElement.lang = lang;
}

export async function changeLanguage(lang: 'en' | 'fr'): Promise<void> {
  await i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

export default i18next;
