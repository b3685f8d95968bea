/**
 * main/desktop.ts against a stand-in for Electron (the real one cannot run here; the public CI's
 * test/e2e/electron.spec.ts drives the real one): the wiring of the tray, close-to-tray, the
 * shortcuts and start at login to the decisions in main/host/.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppStatus } from '../../src/host-api';
import { HostEventQueue } from '../../main/host/host-events';
import { openConfSettings } from '../../main/host/settings-store';

const fake = vi.hoisted(() => {
  // vi.hoisted runs before the imports: plain objects only.
  const emitter = () => {
    const l = new Map<string, Array<(...a: unknown[]) => void>>();
    return {
      on(event: string, f: (...a: unknown[]) => void) {
        l.set(event, [...(l.get(event) ?? []), f]);
        return this;
      },
      emit(event: string, ...a: unknown[]) {
        for (const f of l.get(event) ?? []) f(...a);
      },
    };
  };
  return {
    emitter,
    trays: [] as Array<{ image: unknown; tooltip: string; menu: Array<{ label?: string; type?: string; checked?: boolean; click?: () => void }>; destroyed: boolean; emit(e: string): void }>,
    shortcuts: new Map<string, () => void>(),
    unregistered: 0,
    quits: 0,
    loginItems: [] as unknown[],
    notifications: [] as Array<{ title: string; body: string }>,
    trayThrows: false,
  };
});

vi.mock('electron-log/main', () => ({ default: { warn: vi.fn(), info: vi.fn(), error: vi.fn() } }));
vi.mock('electron', () => {
  const app = Object.assign(fake.emitter(), {
    quit: () => {
      fake.quits++;
      app.emit('before-quit');
    },
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
    setLoginItemSettings: (s: unknown) => fake.loginItems.push(s),
  });
  class Tray {
    image: unknown;
    tooltip = '';
    menu: unknown[] = [];
    destroyed = false;
    private readonly events = fake.emitter();
    constructor(image: unknown) {
      if (fake.trayThrows) throw new Error('no tray here');
      this.image = image;
      fake.trays.push(this as never);
    }
    setImage(i: unknown) {
      this.image = i;
    }
    setToolTip(t: string) {
      this.tooltip = t;
    }
    setContextMenu(m: unknown[]) {
      this.menu = m;
    }
    on(e: string, f: () => void) {
      this.events.on(e, f);
    }
    emit(e: string) {
      this.events.emit(e);
    }
    destroy() {
      this.destroyed = true;
    }
  }
  class Notification {
    static isSupported = () => true;
    constructor(private readonly o: { title: string; body: string }) {}
    show() {
      fake.notifications.push({ title: this.o.title, body: this.o.body });
    }
  }
  return {
    app,
    Tray,
    Notification,
    Menu: { buildFromTemplate: (t: unknown[]) => t },
    nativeImage: { createFromBuffer: (b: Buffer) => ({ png: b, addRepresentation: () => undefined }) },
    dialog: { showMessageBox: vi.fn(async () => ({ response: 0 })) },
    powerMonitor: fake.emitter(),
    globalShortcut: {
      register: (a: string, f: () => void) => {
        fake.shortcuts.set(a, f);
        return true;
      },
      unregisterAll: () => {
        fake.unregistered++;
      },
    },
    BrowserWindow: class {},
  };
});

const { setUpDesktop } = await import('../../main/desktop');
const electron = (await import('electron')) as unknown as { app: { emit(e: string): void } };

const xdgBefore = process.env.XDG_CONFIG_HOME;
afterAll(() => {
  if (xdgBefore === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = xdgBefore;
});

function fakeWindow() {
  const w = Object.assign(fake.emitter(), { hidden: false, hide: () => (w.hidden = true), isFullScreen: () => false });
  return w;
}

/** Closes the window as the user would; true when the close went through. */
function close(win: ReturnType<typeof fakeWindow>): boolean {
  let prevented = false;
  win.emit('close', { preventDefault: () => (prevented = true) });
  return !prevented;
}

describe('desktop glue (main/desktop.ts) on a stand-in Electron', () => {
  let status: AppStatus | null;
  beforeEach(() => {
    fake.trays.length = 0;
    fake.shortcuts.clear();
    fake.notifications.length = 0;
    fake.loginItems.length = 0;
    fake.trayThrows = false;
    status = null;
    process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'softphone-xdg-'));
  });

  const setUp = (prefs: Record<string, unknown> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'softphone-glue-'));
    const { settings } = openConfSettings(dir);
    settings.set('preferences', { ...settings.get('preferences'), ...prefs });
    const events = new HostEventQueue();
    const shown: number[] = [];
    const desktop = setUpDesktop({ events, settings, systemLocale: 'fr-FR', showWindow: () => shown.push(1), lastStatus: () => status });
    return { desktop, settings, events, shown, tray: fake.trays[0] };
  };

  it('the tray follows the status the page reports, in the UI language, and its menu acts', () => {
    const { desktop, events, settings, shown, tray } = setUp();
    if (!tray) throw new Error('no tray');
    expect(tray.tooltip).toBe('Secours Softphone — Démarrage…');
    status = { registration: 'registered', availability: 'ready', doNotDisturb: false, inCall: false };
    desktop.statusChanged();
    expect(tray.tooltip).toBe('Secours Softphone — Connecté · Appels d’urgence : disponibles');
    expect(tray.menu.map((i) => i.label ?? '-')).toEqual(['Connecté · Appels d’urgence : disponibles', '-', 'Afficher Secours Softphone', 'Ne pas déranger', '-', 'Quitter']);
    tray.menu[2]?.click?.();
    expect(shown).toHaveLength(1);
    tray.menu[3]?.click?.();
    expect(events.since(0).events).toEqual([
      { type: 'action', action: 'show' },
      { type: 'action', action: 'toggleDoNotDisturb' },
    ]);
    // A click on the icon (Windows, Linux) opens the window.
    tray.emit('click');
    expect(shown).toHaveLength(2);
    // The language follows the preference (stored before the services call preferencesChanged).
    settings.set('preferences', { ...settings.get('preferences'), language: 'en' });
    desktop.preferencesChanged(settings.get('preferences'));
    expect(tray.tooltip).toBe('Secours Softphone — Connected · Emergency calls: ready');
  });

  it('shortcuts push their action; Quit quits, and then closing the window really closes it; will-quit cleans up', () => {
    const { desktop, events, settings, tray } = setUp();
    fake.shortcuts.get('CommandOrControl+Alt+H')?.();
    expect(events.since(0).events).toEqual([{ type: 'action', action: 'hangup' }]);
    const win = fakeWindow();
    desktop.manage(win as never);
    // First close: hidden, told once, remembered.
    expect(close(win)).toBe(false);
    expect(win.hidden).toBe(true);
    expect(fake.notifications).toEqual([{ title: 'Secours Softphone reste ouvert', body: expect.stringContaining('Quitter') }]);
    expect(settings.get('closeToTrayNoticeShown')).toBe(true);
    expect(close(win)).toBe(false);
    expect(fake.notifications).toHaveLength(1);
    tray?.menu.at(-1)?.click?.();
    expect(fake.quits).toBeGreaterThan(0);
    expect(close(win)).toBe(true);
    electron.app.emit('will-quit');
    expect(fake.unregistered).toBeGreaterThan(0);
    expect(tray?.destroyed).toBe(true);
  });

  it('without a tray, closing quits as before and nothing starts hidden', () => {
    fake.trayThrows = true;
    const { desktop } = setUp({ startMinimised: true });
    expect(desktop.startHidden).toBe(false);
    const win = fakeWindow();
    desktop.manage(win as never);
    expect(close(win)).toBe(true);
  });

  it('start minimised, and start at login as an XDG autostart file (packaged Linux)', () => {
    const { desktop } = setUp({ startMinimised: true });
    expect(desktop.startHidden).toBe(true);
    const file = join(process.env.XDG_CONFIG_HOME as string, 'autostart', 'secours-softphone.desktop');
    expect(existsSync(file)).toBe(false);
    desktop.preferencesChanged({ language: 'system', audioInputId: '', audioOutputId: '', doNotDisturb: false, theme: 'system', ringDeviceId: '', ringVolume: 0.8, startAtLogin: true, startMinimised: true });
    if (process.platform === 'linux') {
      expect(readFileSync(file, 'utf8')).toContain(' --minimised\n');
      desktop.preferencesChanged({ language: 'system', audioInputId: '', audioOutputId: '', doNotDisturb: false, theme: 'system', ringDeviceId: '', ringVolume: 0.8, startAtLogin: false, startMinimised: true });
      expect(existsSync(file)).toBe(false);
    }
  });
});
