/**
 * The desktop shell's decisions, as plain code (no Electron: tested in vitest, wired by
 * main/desktop.ts): the global shortcuts, what closing the window does, whether a start opens
 * hidden in the tray, and how "start at login" is set up on each OS.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HostEvent, Preferences } from '../../src/host-api';
import { linkFromArgv } from './links';

type ShortcutAction = Extract<HostEvent, { type: 'action' }>['action'];

/**
 * The global shortcuts (Electron accelerators: CommandOrControl is Cmd on macOS, Ctrl elsewhere).
 * Each becomes a host event the page handles (renderer/src/store.ts `onHostEvent`).
 */
export const GLOBAL_SHORTCUTS: ReadonlyArray<{ accelerator: string; action: ShortcutAction }> = [
  { accelerator: 'CommandOrControl+Alt+A', action: 'answer' },
  { accelerator: 'CommandOrControl+Alt+H', action: 'hangup' },
  { accelerator: 'CommandOrControl+Alt+M', action: 'mute' },
];

/** The part of Electron's `globalShortcut` used here. */
export interface ShortcutRegistry {
  register(accelerator: string, callback: () => void): boolean;
}

/**
 * Registers every shortcut; one another application holds (or that the OS refuses: Wayland, say)
 * is reported, never fatal. Returns the accelerators that could not be had.
 */
export function registerShortcuts(registry: ShortcutRegistry, push: (event: HostEvent) => void, onFailure: (accelerator: string, err?: unknown) => void): string[] {
  const failed: string[] = [];
  for (const { accelerator, action } of GLOBAL_SHORTCUTS) {
    let ok = false;
    let error: unknown;
    try {
      ok = registry.register(accelerator, () => push({ type: 'action', action }));
    } catch (err) {
      error = err;
    }
    if (!ok) {
      failed.push(accelerator);
      onFailure(accelerator, error);
    }
  }
  return failed;
}

/**
 * What closing the window does: the app really quits when asked to (Quit in the tray or the app
 * menu, Cmd+Q, the OS shutting down) or when there is no tray to come back from; otherwise the
 * window hides, so that calls still ring, and the first time the user is told once.
 */
export function closeAction(s: { quitting: boolean; trayShown: boolean; noticeShown: boolean }): 'close' | 'hide' | 'hideAndNotify' {
  if (s.quitting || !s.trayShown) return 'close';
  return s.noticeShown ? 'hide' : 'hideAndNotify';
}

/** The command-line flag of a start that opens hidden in the tray (the login item passes it). */
export const MINIMISED_FLAG = '--minimised';

/**
 * Whether this start opens hidden in the tray: `--minimised`, the preference, or (macOS, which
 * passes no arguments to login items) a start at login. Never without a tray to open it from, nor
 * when the app was started for a call link: the user is waiting to see the number.
 */
export function startHidden(s: { argv: readonly string[]; preferences: Pick<Preferences, 'startMinimised'>; openedAtLogin: boolean; trayShown: boolean }): boolean {
  if (!s.trayShown || linkFromArgv(s.argv) !== null) return false;
  return s.argv.includes(MINIMISED_FLAG) || s.argv.includes('--minimized') || s.preferences.startMinimised || s.openedAtLogin;
}

/** `electron .` sets up a login item only when this is "1", so that development checkouts do not start at login. */
export const REGISTER_LOGIN_ENV = 'SOFTPHONE_REGISTER_LOGIN_ITEM';

export interface LoginLaunch {
  platform: NodeJS.Platform;
  /** `process.defaultApp`: run as `electron <app path>`, not as the packaged app. */
  defaultApp: boolean;
  execPath: string;
  argv: readonly string[];
  env: Record<string, string | undefined>;
}

/**
 * How to set up start at login: Electron's `app.setLoginItemSettings` on macOS and Windows, an XDG
 * autostart file on Linux (Electron has no login items there). null: this launch does not touch it
 * (a development run without SOFTPHONE_REGISTER_LOGIN_ITEM=1, or another OS).
 */
export type LoginItemPlan =
  | { kind: 'electron'; settings: { openAtLogin: boolean; path?: string; args?: string[] } }
  | { kind: 'xdg'; file: string; content: string | null };

export function loginItemPlan(launch: LoginLaunch, preferences: Pick<Preferences, 'startAtLogin'>): LoginItemPlan | null {
  const openAtLogin = preferences.startAtLogin;
  // Under `electron .`, the command is Electron with the app's path, as for links (main/host/links.ts).
  let command: string[];
  if (!launch.defaultApp) {
    // An AppImage runs from a mount that changes each time: start the AppImage file itself.
    command = [launch.platform === 'linux' && launch.env.APPIMAGE ? launch.env.APPIMAGE : launch.execPath];
  } else {
    // The app's path is the first argument that is no switch, as Electron finds it (switches may come first: `electron --inspect=0 .`).
    const appPath = launch.argv.slice(1).find((a) => !a.startsWith('-'));
    if (launch.env[REGISTER_LOGIN_ENV] !== '1' || !appPath) return null;
    command = [launch.execPath, resolve(appPath)];
  }
  // macOS takes no path or arguments: the app is the login item, and knows it was opened at login (startHidden).
  if (launch.platform === 'darwin') return { kind: 'electron', settings: { openAtLogin } };
  if (launch.platform === 'win32') {
    // Windows keeps one command line in the registry: a path with spaces must be quoted.
    const args = [...command.slice(1).map((a) => (/\s/.test(a) ? `"${a}"` : a)), MINIMISED_FLAG];
    return { kind: 'electron', settings: { openAtLogin, path: command[0], args } };
  }
  if (launch.platform === 'linux') {
    const file = join(launch.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart', AUTOSTART_FILE);
    return { kind: 'xdg', file, content: openAtLogin ? autostartEntry([...command, MINIMISED_FLAG]) : null };
  }
  return null;
}

/** The autostart file's name: the packaged app's desktop file is `secours-softphone.desktop` too. */
export const AUTOSTART_FILE = 'secours-softphone.desktop';

/**
 * One argument of a desktop entry's Exec key (Desktop Entry Specification, "The Exec key"): quoted
 * when it holds a reserved character, with `"`, `` ` ``, `$` and `\` escaped inside the quotes, `%`
 * doubled; then the key's value is a string, whose own escaping doubles every backslash again.
 */
export function execArgument(arg: string): string {
  const percent = arg.replace(/%/g, '%%');
  const quoted = /^[A-Za-z0-9_\-.,/+=:@%]+$/.test(percent) ? percent : `"${percent.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  return quoted.replace(/\\/g, '\\\\');
}

export function autostartEntry(command: readonly string[]): string {
  // A line break in a path would end the key: there is no escape for it in Exec.
  if (command.some((a) => /[\r\n]/.test(a))) throw new Error('a command with a line break cannot be started at login');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Secours Softphone',
    `Exec=${command.map(execArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Writes or removes the XDG autostart file. */
export function applyXdgAutostart(plan: Extract<LoginItemPlan, { kind: 'xdg' }>): void {
  if (plan.content === null) {
    rmSync(plan.file, { force: true });
    return;
  }
  mkdirSync(join(plan.file, '..'), { recursive: true });
  writeFileSync(plan.file, plan.content, { mode: 0o644 });
}
