/**
 * The desktop shell, Electron side: the tray, close-to-tray, start at login and the global
 * shortcuts. Thin glue: every decision is in main/host/ (desktop-shell.ts, tray-model.ts,
 * tray-icons.ts), tested without Electron. Headset keys are the page's (Media Session API).
 */
import { app, type BrowserWindow, dialog, globalShortcut, Menu, nativeImage, Notification, powerMonitor, Tray, type NativeImage } from 'electron';
import log from 'electron-log/main';
import type { AppStatus, Preferences } from '../src/host-api';
import { applyXdgAutostart, closeAction, loginItemPlan, registerShortcuts, startHidden } from './host/desktop-shell';
import type { HostEventQueue } from './host/host-events';
import type { SettingsBackend } from './host/settings-store';
import { trayIconPng } from './host/tray-icons';
import { TRAY_TEXT, trayLanguage, trayModel, type TrayIcon } from './host/tray-model';

export interface DesktopOptions {
  events: HostEventQueue;
  settings: SettingsBackend;
  systemLocale: string;
  /** Brings the window forward (creating it again if it was closed). */
  showWindow: () => void;
  /** The page's last status report (the services keep it). */
  lastStatus: () => AppStatus | null;
}

export interface Desktop {
  /** Whether the window starts hidden in the tray (`--minimised`, the preference, a start at login). */
  readonly startHidden: boolean;
  /** Close-to-tray for this window. */
  manage(win: BrowserWindow): void;
  /** The page reported its status (read back through `lastStatus`). */
  statusChanged(): void;
  preferencesChanged(preferences: Preferences): void;
}

function trayImage(kind: TrayIcon): NativeImage {
  // Linux tray hosts scale the one picture they get; elsewhere 16 px with a 32 px @2x version.
  if (process.platform === 'linux') return nativeImage.createFromBuffer(trayIconPng(kind, 32));
  const image = nativeImage.createFromBuffer(trayIconPng(kind, 16), { scaleFactor: 1 });
  image.addRepresentation({ scaleFactor: 2, buffer: trayIconPng(kind, 32) });
  return image;
}

export function setUpDesktop(opts: DesktopOptions): Desktop {
  const { events, settings } = opts;
  const preferences = (): Preferences => settings.get('preferences');
  const text = (): (typeof TRAY_TEXT)['en'] => TRAY_TEXT[trayLanguage(preferences().language, opts.systemLocale)];

  // Quit from the tray, the app menu, Cmd+Q or the OS shutting down really quits: windows then close.
  let quitting = false;
  app.on('before-quit', () => {
    quitting = true;
  });
  powerMonitor.on('shutdown', () => {
    quitting = true;
  });

  let tray: Tray | null = null;
  const images = new Map<TrayIcon, NativeImage>();
  // The page reports on every change of its own: the tray is rebuilt only when what it shows changes.
  let shown = '';
  const render = (): void => {
    if (!tray) return;
    const model = trayModel(opts.lastStatus(), text(), preferences().doNotDisturb);
    const key = JSON.stringify(model);
    if (key === shown) return;
    shown = key;
    let image = images.get(model.icon);
    if (!image) images.set(model.icon, (image = trayImage(model.icon)));
    tray.setImage(image);
    tray.setToolTip(model.tooltip);
    const menu = Menu.buildFromTemplate(
      model.menu.map((item) =>
        item.type === 'separator'
          ? { type: 'separator' as const }
          : {
              label: item.label,
              type: item.type,
              checked: item.checked,
              enabled: item.enabled,
              click: () => {
                if (item.id === 'show') {
                  opts.showWindow();
                  events.push({ type: 'action', action: 'show' });
                } else if (item.id === 'doNotDisturb') {
                  // The page decides and reports back; until then the tick shows what is in force, not the click.
                  events.push({ type: 'action', action: 'toggleDoNotDisturb' });
                  shown = '';
                  render();
                } else if (item.id === 'quit') app.quit();
              },
            },
      ),
    );
    tray.setContextMenu(menu);
  };
  try {
    tray = new Tray(trayImage('warn'));
    // Windows and Linux: a click opens the window (macOS opens the menu).
    tray.on('click', () => opts.showWindow());
    render();
  } catch (err) {
    // No tray: closing the window quits, as it did before there was one.
    log.warn('No tray icon:', err);
    tray = null;
  }

  const failed = registerShortcuts(
    globalShortcut,
    (event) => events.push(event),
    (accelerator, err) => log.warn(`Global shortcut ${accelerator} could not be registered (another application may hold it)`, err ?? ''),
  );
  if (failed.length === 0) log.info('Global shortcuts registered');
  app.on('will-quit', () => {
    globalShortcut.unregisterAll();
    tray?.destroy();
    tray = null;
  });

  let loginWanted: boolean | null = null;
  const applyLoginItem = (p: Preferences): void => {
    if (p.startAtLogin === loginWanted) return;
    const atStart = loginWanted === null;
    loginWanted = p.startAtLogin;
    const plan = loginItemPlan({ platform: process.platform, defaultApp: process.defaultApp === true, execPath: process.execPath, argv: process.argv, env: process.env }, p);
    if (!plan) return;
    try {
      if (plan.kind === 'xdg') applyXdgAutostart(plan);
      // At start, "off" is applied only where it is on: nothing to undo on a fresh install.
      else if (!atStart || plan.settings.openAtLogin || app.getLoginItemSettings(plan.settings).openAtLogin) app.setLoginItemSettings(plan.settings);
    } catch (err) {
      log.warn('Start at login could not be set:', err);
    }
  };
  applyLoginItem(preferences());

  const notifyStillRunning = (): void => {
    const t = text();
    if (Notification.isSupported()) new Notification({ title: t.closeNoticeTitle, body: t.closeNoticeBody, silent: true }).show();
    else void dialog.showMessageBox({ type: 'info', title: t.appName, message: t.closeNoticeTitle, detail: t.closeNoticeBody, buttons: ['OK'] });
  };

  return {
    startHidden: startHidden({
      argv: process.argv,
      preferences: preferences(),
      openedAtLogin: process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin,
      trayShown: tray !== null,
    }),
    manage: (win) => {
      win.on('close', (e) => {
        let noticeShown = true;
        try {
          noticeShown = settings.get('closeToTrayNoticeShown');
        } catch {
          // Unreadable store: hide without a notice rather than quit.
        }
        const action = closeAction({ quitting, trayShown: tray !== null, noticeShown });
        if (action === 'close') return;
        // Hidden, not closed: the page stays loaded, registered, and rings.
        e.preventDefault();
        // A full-screen window hidden at once leaves a black screen (macOS): leave full screen first.
        if (win.isFullScreen()) {
          win.once('leave-full-screen', () => win.hide());
          win.setFullScreen(false);
        } else win.hide();
        if (action === 'hideAndNotify') {
          notifyStillRunning();
          try {
            settings.set('closeToTrayNoticeShown', true);
          } catch (err) {
            log.warn('The tray notice could not be remembered:', err);
          }
        }
      });
      // Windows logging off or shutting down: let the window close.
      win.on('session-end', () => {
        quitting = true;
      });
    },
    statusChanged: () => render(),
    preferencesChanged: (p) => {
      render();
      applyLoginItem(p);
    },
  };
}
