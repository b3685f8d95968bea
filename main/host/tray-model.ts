/**
 * What the tray shows, as plain data: the icon, the tooltip and the menu, from the status the page
 * reports (`reportStatus`). Electron-free, so it is tested as plain code; main/desktop.ts turns it
 * into a Tray and a Menu. English and French, like the page.
 */
import type { AppStatus, Language } from '../../src/host-api';

export type TrayLanguage = 'en' | 'fr';

/**
 * The UI language: the user's choice, else the OS language, else English. The same rule as the
 * page's (renderer/src/i18n.ts `resolveLanguage`), which cannot be imported here (it loads i18next).
 */
export function trayLanguage(choice: Language, systemLocale: string): TrayLanguage {
  if (choice !== 'system') return choice;
  return systemLocale.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export interface TrayText {
  appName: string;
  starting: string;
  registration: Record<AppStatus['registration'], string>;
  availability: Record<AppStatus['availability'], string>;
  doNotDisturbOn: string;
  inCall: string;
  show: string;
  doNotDisturb: string;
  quit: string;
  /** The one-time notice when the window is first closed. */
  closeNoticeTitle: string;
  closeNoticeBody: string;
}

export const TRAY_TEXT: Readonly<Record<TrayLanguage, TrayText>> = {
  en: {
    appName: 'Secours Softphone',
    starting: 'Starting…',
    registration: { registered: 'Connected', connecting: 'Connecting…', failed: 'Not connected', unconfigured: 'No account set up' },
    availability: { ready: 'Emergency calls: ready', degraded: 'Emergency calls: degraded', unavailable: 'Emergency calls: unavailable' },
    doNotDisturbOn: 'Do not disturb is on',
    inCall: 'In a call',
    show: 'Show Secours Softphone',
    doNotDisturb: 'Do not disturb',
    quit: 'Quit',
    closeNoticeTitle: 'Secours Softphone is still running',
    closeNoticeBody:
      'Calls still ring while the window is closed. Open it again from the tray icon or by starting the app again; to stop it, choose Quit in the tray menu.',
  },
  fr: {
    appName: 'Secours Softphone',
    starting: 'Démarrage…',
    registration: { registered: 'Connecté', connecting: 'Connexion…', failed: 'Non connecté', unconfigured: 'Aucun compte configuré' },
    availability: { ready: 'Appels d’urgence : disponibles', degraded: 'Appels d’urgence : dégradés', unavailable: 'Appels d’urgence : indisponibles' },
    doNotDisturbOn: 'Ne pas déranger est activé',
    inCall: 'En communication',
    show: 'Afficher Secours Softphone',
    doNotDisturb: 'Ne pas déranger',
    quit: 'Quitter',
    closeNoticeTitle: 'Secours Softphone reste ouvert',
    closeNoticeBody:
      'Les appels sonnent toujours quand la fenêtre est fermée. Rouvrez-la depuis l’icône de la zone de notification ou en relançant l’application ; pour l’arrêter, choisissez Quitter dans le menu de l’icône.',
  },
};

/** ok: connected and emergency calls ready; warn: connecting or degraded; error: not connected or emergency calls unavailable. */
export type TrayIcon = 'ok' | 'warn' | 'error' | 'dnd';

export type TrayMenuId = 'status' | 'show' | 'doNotDisturb' | 'quit';

export interface TrayMenuItem {
  id: TrayMenuId | 'separator';
  label: string;
  type: 'normal' | 'checkbox' | 'separator';
  checked: boolean;
  enabled: boolean;
}

export interface TrayModel {
  tooltip: string;
  icon: TrayIcon;
  menu: TrayMenuItem[];
}

/**
 * The icon says the worst first: a phone that cannot call for help shows `error` even with Do not
 * disturb on. `status` null: the page has not reported yet (it is starting). `doNotDisturb` is the
 * stored preference, used until the page reports.
 */
export function trayModel(status: AppStatus | null, t: TrayText, doNotDisturb = false): TrayModel {
  const dnd = status?.doNotDisturb ?? doNotDisturb;
  let icon: TrayIcon;
  const lines: string[] = [];
  if (status === null) {
    icon = 'warn';
    lines.push(t.starting);
  } else {
    lines.push(t.registration[status.registration], t.availability[status.availability]);
    if (status.inCall) lines.push(t.inCall);
    if (status.registration === 'failed' || status.availability === 'unavailable') icon = 'error';
    else if (dnd) icon = 'dnd';
    else if (status.registration !== 'registered' || status.availability === 'degraded') icon = 'warn';
    else icon = 'ok';
  }
  if (dnd) lines.push(t.doNotDisturbOn);
  // The status line is in the menu too: Linux tray hosts (AppIndicator) show no tooltip.
  const summary = lines.join(' · ');
  const item = (id: TrayMenuItem['id'], label: string, type: TrayMenuItem['type'] = 'normal', checked = false, enabled = true): TrayMenuItem => ({ id, label, type, checked, enabled });
  return {
    tooltip: `${t.appName} — ${summary}`,
    icon,
    menu: [
      item('status', summary, 'normal', false, false),
      item('separator', '', 'separator'),
      item('show', t.show),
      item('doNotDisturb', t.doNotDisturb, 'checkbox', dnd),
      item('separator', '', 'separator'),
      item('quit', t.quit),
    ],
  };
}
