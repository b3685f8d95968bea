/** The OS locale with its region: Electron gives the language and the country apart. */
export function electronLocale(language: string, countryCode: string): string {
  if (/[-_][A-Za-z]{2}\b/.test(language) || !/^[A-Za-z]{2}$/.test(countryCode)) return language;
  return `${language}-${countryCode.toUpperCase()}`;
}
