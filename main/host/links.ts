/**
 * Call links handed to the Electron app by the OS: found in a command line (Windows and Linux
 * start the app, or a second instance, with the link as an argument) or received by `open-url`
 * (macOS), kept until the host event queue exists, and the OS registration of the schemes.
 * Electron-free, so that it is tested as plain code; main/index.ts wires it to `app`.
 *
 * Links are passed on as they came: the page's `parseCallLink` judges them and tells the user
 * what is wrong with a bad one. Nothing here dials.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LINK_SCHEMES, type LinkScheme } from '../../src/links';
import { PROVISIONING_FLAG } from './provisioning';

const LINK_ARG = /^(?:sips?|tel|callto):/i;

/** The first sip:, sips:, tel: or callto: argument of a command line, or null. */
export function linkFromArgv(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // `--provisioning FILE`: a file name is never a link, whatever it looks like.
    if (arg === PROVISIONING_FLAG) i++;
    else if (typeof arg === 'string' && LINK_ARG.test(arg)) return arg;
  }
  return null;
}

/** Links received before the queue exists (macOS sends `open-url` before `ready`): at most this many, the latest kept. */
const MAX_PENDING = 8;

/** Holds the links that arrive before `attach`, then hands each one over as it comes. */
export class LinkInbox {
  private pending: string[] = [];
  private deliver: ((uri: string) => void) | null = null;

  /** Whether the queue is there (and so the window is, or is being, created). */
  get attached(): boolean {
    return this.deliver !== null;
  }

  receive(uri: string): void {
    if (this.deliver) {
      this.deliver(uri);
      return;
    }
    this.pending.push(uri);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
  }

  /** From now on, links go to `deliver`; the ones held go first, in the order they came. */
  attach(deliver: (uri: string) => void): void {
    this.deliver = deliver;
    const held = this.pending;
    this.pending = [];
    for (const uri of held) deliver(uri);
  }
}

/** The part of Electron's `app` that registers URL schemes. */
export interface ProtocolClient {
  isDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
}

/** `electron .` registers itself for links only when this is "1" (see `protocolClientCommand`). */
export const REGISTER_LINKS_ENV = 'SOFTPHONE_REGISTER_LINKS';

export interface Launch {
  /** `process.defaultApp`: run as `electron <app path>`, not as the packaged app. */
  defaultApp: boolean;
  execPath: string;
  argv: readonly string[];
  env: Record<string, string | undefined>;
}

/**
 * What the OS should start for a link: the packaged app as itself (`{}`); under `electron .`,
 * Electron with the app's path, as Electron's documentation says, and only when
 * SOFTPHONE_REGISTER_LINKS=1, so that `npm start` and the e2e tests do not make a development
 * checkout the handler of the developer's tel: links. null: do not register.
 */
export function protocolClientCommand(launch: Launch): { path?: string; args?: string[] } | null {
  if (!launch.defaultApp) return {};
  const appPath = launch.argv[1];
  if (launch.env[REGISTER_LINKS_ENV] !== '1' || !appPath) return null;
  return { path: launch.execPath, args: [resolve(appPath)] };
}

/**
 * ours: already the default; claimed: made the default now; left: claimed on an earlier start and
 * since given to another application by the user, so left alone; failed: the OS refused (Linux
 * without xdg-settings, say), tried again next start.
 */
export type SchemeOutcome = 'ours' | 'claimed' | 'left' | 'failed';

/**
 * Makes the app the default for each scheme once: a scheme claimed before is not taken back from
 * the application the user chose since (otherwise every start would take tel: from their phone app).
 */
export function claimLinkSchemes(
  client: ProtocolClient,
  command: { path?: string; args?: string[] },
  claimedBefore: ReadonlySet<string>,
): { outcomes: Record<LinkScheme, SchemeOutcome>; claimed: LinkScheme[] } {
  const outcomes = {} as Record<LinkScheme, SchemeOutcome>;
  const claimed: LinkScheme[] = [];
  for (const scheme of LINK_SCHEMES) {
    const args: [string, string?, string[]?] = command.path === undefined ? [scheme] : [scheme, command.path, command.args ?? []];
    let outcome: SchemeOutcome;
    if (client.isDefaultProtocolClient(...args)) outcome = 'ours';
    else if (claimedBefore.has(scheme)) outcome = 'left';
    else outcome = client.setAsDefaultProtocolClient(...args) ? 'claimed' : 'failed';
    outcomes[scheme] = outcome;
    if (outcome !== 'failed') claimed.push(scheme);
  }
  return { outcomes, claimed };
}

const CLAIMED_FILE = 'link-schemes.json';

/** The schemes claimed on earlier starts; none when the file is missing or unreadable (claiming again is harmless). */
export function readClaimedSchemes(dataDir: string): Set<string> {
  try {
    const data: unknown = JSON.parse(readFileSync(join(dataDir, CLAIMED_FILE), 'utf8'));
    const list = (data as { claimed?: unknown } | null)?.claimed;
    return new Set(Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : []);
  } catch {
    return new Set();
  }
}

export function writeClaimedSchemes(dataDir: string, schemes: readonly string[]): void {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, CLAIMED_FILE), `${JSON.stringify({ claimed: [...schemes].sort() })}\n`);
}

/**
 * Registers sip:, sips:, tel: and callto: with the OS (see `claimLinkSchemes`); null when this
 * launch does not register (a development run without SOFTPHONE_REGISTER_LINKS=1). The packaged
 * app also declares the schemes at install (electron-builder.yml `protocols`: the macOS Info.plist,
 * the Linux desktop file's MimeType); the NSIS installer does not, so on Windows this is what does.
 */
export function registerLinkSchemes(
  client: ProtocolClient,
  launch: Launch,
  dataDir: string,
  onError: (err: unknown) => void,
): Record<LinkScheme, SchemeOutcome> | null {
  const command = protocolClientCommand(launch);
  if (command === null) return null;
  const { outcomes, claimed } = claimLinkSchemes(client, command, readClaimedSchemes(dataDir));
  try {
    writeClaimedSchemes(dataDir, claimed);
  } catch (err) {
    onError(err);
  }
  return outcomes;
}
