import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHostCall, DEFAULT_PREFERENCES, HostCallError, type AppStatus, type HostEvent, type Preferences } from '../../src/host-api';
import {
  applyXdgAutostart,
  autostartEntry,
  closeAction,
  execArgument,
  GLOBAL_SHORTCUTS,
  loginItemPlan,
  MINIMISED_FLAG,
  registerShortcuts,
  REGISTER_LOGIN_ENV,
  startHidden,
  type LoginLaunch,
} from '../../main/host/desktop-shell';
import { fileKeySecrets } from '../../main/host/secrets';
import { createHostServices } from '../../main/host/services';
import { openConfSettings } from '../../main/host/settings-store';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'softphone-desktop-'));
const status: AppStatus = { registration: 'registered', availability: 'ready', doNotDisturb: false, inCall: false };

describe('global shortcuts', () => {
  it('answer, hang up and mute on Ctrl+Alt (Cmd+Alt on macOS) + A, H, M', () => {
    expect(GLOBAL_SHORTCUTS).toEqual([
      { accelerator: 'CommandOrControl+Alt+A', action: 'answer' },
      { accelerator: 'CommandOrControl+Alt+H', action: 'hangup' },
      { accelerator: 'CommandOrControl+Alt+M', action: 'mute' },
    ]);
  });

  it('each pressed shortcut becomes its host event; one held elsewhere (or throwing) is reported, the others still work', () => {
    const callbacks = new Map<string, () => void>();
    const pushed: HostEvent[] = [];
    const failures: Array<[string, unknown]> = [];
    const failed = registerShortcuts(
      {
        register: (accelerator, cb) => {
          if (accelerator.endsWith('+H')) return false;
          if (accelerator.endsWith('+M')) throw new Error('Wayland says no');
          callbacks.set(accelerator, cb);
          return true;
        },
      },
      (e) => pushed.push(e),
      (accelerator, err) => failures.push([accelerator, err]),
    );
    expect(failed).toEqual(['CommandOrControl+Alt+H', 'CommandOrControl+Alt+M']);
    expect(failures[0]).toEqual(['CommandOrControl+Alt+H', undefined]);
    expect(String(failures[1]?.[1])).toMatch(/Wayland/);
    callbacks.get('CommandOrControl+Alt+A')?.();
    expect(pushed).toEqual([{ type: 'action', action: 'answer' }]);
  });
});

describe('closing the window', () => {
  it('hides to the tray (telling the user the first time) unless quitting or there is no tray', () => {
    expect(closeAction({ quitting: false, trayShown: true, noticeShown: false })).toBe('hideAndNotify');
    expect(closeAction({ quitting: false, trayShown: true, noticeShown: true })).toBe('hide');
    expect(closeAction({ quitting: true, trayShown: true, noticeShown: false })).toBe('close');
    expect(closeAction({ quitting: false, trayShown: false, noticeShown: false })).toBe('close');
  });
});

describe('starting hidden in the tray', () => {
  const base = { argv: ['/opt/app/secours-softphone'], preferences: { startMinimised: false }, openedAtLogin: false, trayShown: true };
  it('with --minimised, the preference, or a macOS start at login', () => {
    expect(startHidden(base)).toBe(false);
    expect(startHidden({ ...base, argv: [...base.argv, MINIMISED_FLAG] })).toBe(true);
    expect(startHidden({ ...base, preferences: { startMinimised: true } })).toBe(true);
    expect(startHidden({ ...base, openedAtLogin: true })).toBe(true);
  });
  it('never without a tray to come back from, nor when started for a call link', () => {
    expect(startHidden({ ...base, argv: [...base.argv, MINIMISED_FLAG], trayShown: false })).toBe(false);
    expect(startHidden({ ...base, preferences: { startMinimised: true }, argv: [...base.argv, 'tel:+33123456789'] })).toBe(false);
  });
});

describe('start at login', () => {
  const on = { startAtLogin: true };
  const off = { startAtLogin: false };
  const packaged = (platform: NodeJS.Platform, env: Record<string, string> = {}): LoginLaunch => ({
    platform,
    defaultApp: false,
    execPath: platform === 'win32' ? 'C:\\Program Files\\Secours Softphone\\Secours Softphone.exe' : '/opt/Secours Softphone/secours-softphone',
    argv: ['x'],
    env,
  });

  it('Windows: a login item that starts minimised', () => {
    expect(loginItemPlan(packaged('win32'), on)).toEqual({
      kind: 'electron',
      settings: { openAtLogin: true, path: 'C:\\Program Files\\Secours Softphone\\Secours Softphone.exe', args: [MINIMISED_FLAG] },
    });
    expect(loginItemPlan(packaged('win32'), off)).toMatchObject({ kind: 'electron', settings: { openAtLogin: false } });
  });

  it('macOS: the app itself (no arguments there; a start at login is told apart by the OS)', () => {
    expect(loginItemPlan(packaged('darwin'), on)).toEqual({ kind: 'electron', settings: { openAtLogin: true } });
  });

  it('Linux: an XDG autostart file (the AppImage file itself, not its mount), removed when off', () => {
    const config = tmp();
    const plan = loginItemPlan(packaged('linux', { XDG_CONFIG_HOME: config }), on);
    expect(plan).toEqual({
      kind: 'xdg',
      file: join(config, 'autostart', 'secours-softphone.desktop'),
      content: expect.stringContaining('Exec="/opt/Secours Softphone/secours-softphone" --minimised\n'),
    });
    const appImage = loginItemPlan(packaged('linux', { XDG_CONFIG_HOME: config, APPIMAGE: '/home/a/Apps/Secours-Softphone.AppImage' }), on);
    expect(appImage?.kind === 'xdg' && appImage.content).toContain('Exec=/home/a/Apps/Secours-Softphone.AppImage --minimised\n');
    if (plan?.kind !== 'xdg') throw new Error('xdg plan expected');
    applyXdgAutostart(plan);
    expect(readFileSync(plan.file, 'utf8')).toBe(plan.content);
    expect(statSync(plan.file).mode & 0o777).toBe(0o644);
    const removal = loginItemPlan(packaged('linux', { XDG_CONFIG_HOME: config }), off);
    expect(removal).toEqual({ kind: 'xdg', file: plan.file, content: null });
    if (removal?.kind === 'xdg') applyXdgAutostart(removal);
    expect(existsSync(plan.file)).toBe(false);
    // Removing what is not there is no error.
    if (removal?.kind === 'xdg') applyXdgAutostart(removal);
  });

  it(`a development run (electron .) only with ${REGISTER_LOGIN_ENV}=1, as Electron with the app's path`, () => {
    const dev = (platform: NodeJS.Platform, env: Record<string, string> = {}): LoginLaunch => ({ platform, defaultApp: true, execPath: '/x/electron', argv: ['/x/electron', 'my app'], env });
    expect(loginItemPlan(dev('linux'), on)).toBeNull();
    expect(loginItemPlan(dev('win32'), on)).toBeNull();
    expect(loginItemPlan(dev('win32', { [REGISTER_LOGIN_ENV]: '1' }), on)).toEqual({
      kind: 'electron',
      settings: { openAtLogin: true, path: '/x/electron', args: [`"${resolve('my app')}"`, MINIMISED_FLAG] },
    });
    const linux = loginItemPlan(dev('linux', { [REGISTER_LOGIN_ENV]: '1', XDG_CONFIG_HOME: '/c' }), on);
    expect(linux?.kind === 'xdg' && linux.content).toContain(`Exec=/x/electron "${resolve('my app')}" --minimised\n`);
    // Switches before the app's path (Playwright starts `electron --inspect=0 --remote-debugging-port=0 .`).
    const switches = loginItemPlan({ ...dev('linux', { [REGISTER_LOGIN_ENV]: '1', XDG_CONFIG_HOME: '/c' }), argv: ['/x/electron', '--inspect=0', '--no-sandbox', '/src/app', '--minimised'] }, on);
    expect(switches?.kind === 'xdg' && switches.content).toContain('Exec=/x/electron /src/app --minimised\n');
  });

  it('quotes and escapes Exec arguments as the Desktop Entry Specification says', () => {
    expect(execArgument('/usr/bin/app')).toBe('/usr/bin/app');
    expect(execArgument('/a b/app')).toBe('"/a b/app"');
    expect(execArgument('/a"b')).toBe('"/a\\\\"b"');
    expect(execArgument('/a$b`c')).toBe('"/a\\\\$b\\\\`c"');
    expect(execArgument('/a\\b')).toBe('"/a\\\\\\\\b"');
    expect(execArgument('/100%')).toBe('/100%%');
    expect(() => autostartEntry(['/a\nb'])).toThrow(/line break/);
    expect(autostartEntry(['/opt/app', MINIMISED_FLAG])).toBe(
      '[Desktop Entry]\nType=Application\nName=Secours Softphone\nExec=/opt/app --minimised\nTerminal=false\nX-GNOME-Autostart-enabled=true\n',
    );
  });
});

describe('reportStatus and the new preferences over the host API', () => {
  it('checkHostCall takes exactly the four status fields, each of its own values', () => {
    expect(checkHostCall('reportStatus', [status])).toEqual({ method: 'reportStatus', args: [status] });
    for (const bad of [
      [],
      [null],
      ['registered'],
      [{ ...status, registration: 'registering' }],
      [{ ...status, availability: 'ok' }],
      [{ ...status, doNotDisturb: 'yes' }],
      [{ ...status, inCall: 1 }],
      [{ registration: 'registered', availability: 'ready', doNotDisturb: false }],
      [{ ...status, extra: true }],
      // An own __proto__ key, as JSON brings it.
      [JSON.parse('{"registration":"registered","availability":"ready","doNotDisturb":false,"inCall":false,"__proto__":{}}')],
      [status, status],
    ]) {
      expect(() => checkHostCall('reportStatus', bad), JSON.stringify(bad)).toThrow(HostCallError);
    }
  });

  it('startAtLogin and startMinimised are booleans, off by default', () => {
    expect(DEFAULT_PREFERENCES).toMatchObject({ startAtLogin: false, startMinimised: false });
    expect(checkHostCall('setPreferences', [{ startAtLogin: true, startMinimised: false }]).method).toBe('setPreferences');
    expect(() => checkHostCall('setPreferences', [{ startAtLogin: 'yes' }])).toThrow(HostCallError);
    expect(() => checkHostCall('setPreferences', [{ startMinimised: 1 }])).toThrow(HostCallError);
  });

  it('the services keep the last status, hand it (the known fields only) to onStatus, and tell onPreferences of each change', async () => {
    const dir = tmp();
    const seen: AppStatus[] = [];
    const prefs: Preferences[] = [];
    const api = createHostServices({
      mode: 'electron',
      settings: openConfSettings(dir).settings,
      secrets: fileKeySecrets(dir),
      provisioning: null,
      systemLocale: 'fr-FR',
      onStatus: (s) => seen.push(s),
      onPreferences: (p) => prefs.push(p),
    });
    expect(api.lastStatus()).toBeNull();
    await api.reportStatus({ ...status, extra: 1 } as unknown as AppStatus);
    expect(seen).toEqual([status]);
    expect(api.lastStatus()).toEqual(status);
    const state = await api.setPreferences({ startAtLogin: true });
    expect(state.preferences.startAtLogin).toBe(true);
    expect(prefs).toEqual([state.preferences]);
    expect((await api.getState()).preferences).toMatchObject({ startAtLogin: true, startMinimised: false });
  });

  it('without hooks (web mode), reportStatus is kept and nothing else happens', async () => {
    const dir = tmp();
    const api = createHostServices({ mode: 'web', settings: openConfSettings(dir).settings, secrets: fileKeySecrets(dir), provisioning: null, systemLocale: 'en-US' });
    await expect(api.reportStatus(status)).resolves.toBeUndefined();
    expect(api.lastStatus()).toEqual(status);
  });
});
