/**
 * Electron main process, kept thin: one locked-down window, the host services over one checked IPC
 * channel. The only place that uses electron-store, safeStorage and electron-log; everything else
 * is in main/host/ (shared with web mode, which must never load Electron).
 */
import { app, BrowserWindow, ipcMain, safeStorage, session, type WebContents, powerMonitor } from 'electron';
import log from 'electron-log/main';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkHostCall, HOST_IPC_CHANNEL, HostCallError, type Attention, type SaveResult } from '../src/host-api';
import { contentSecurityPolicy } from './host/csp';
import { electronLocale } from './host/locale';
import { loadProvisioning, provisioningPath } from './host/provisioning';
import { DIRECTORY_SECRET, safeStorageSecrets } from './host/secrets';
import { Directory } from './host/directory';
import { createHostServices, provisionedEmergencyOf } from './host/services';
import { HostEventQueue } from './host/host-events';
import { LinkInbox, linkFromArgv, registerLinkSchemes } from './host/links';
import { CallRecord } from './host/call-record';
import { CallHistoryStore } from './host/call-history';
import { ContactStore } from './host/contacts';
import { createNetworkMonitor } from './host/network';
import { openSettings, type StoredSettings } from './host/settings-store';
import { setUpDesktop } from './desktop';

const outDir = join(fileURLToPath(new URL('.', import.meta.url)), '..');
/** electron-vite sets ELECTRON_RENDERER_URL to its dev server in `electron-vite dev` only. */
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const appUrl = new URL(devUrl ?? pathToFileURL(join(outDir, 'renderer', 'index.html')).href);

/** The app's own page: the dev server's origin, or exactly our index.html (not any file:// URL). */
function isAppUrl(raw: string | undefined): boolean {
  if (!raw) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return appUrl.protocol === 'file:' ? url.protocol === 'file:' && url.pathname === appUrl.pathname : url.origin === appUrl.origin;
}

function lockDown(contents: WebContents): void {
  // The app is a single page: any navigation (a dropped file, a stray link) is refused.
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** `show` false: started hidden in the tray (main/desktop.ts); the page loads and registers all the same. */
function createWindow(show = true): BrowserWindow {
  const win = new BrowserWindow({
    show,
    width: 420,
    height: 760,
    minWidth: 360,
    minHeight: 560,
    title: 'Secours Softphone',
    webPreferences: {
      preload: join(outDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      // A phone hidden in the tray keeps its timers (registration refresh, SIP transactions) on time.
      backgroundThrottling: false,
    },
  });
  void win.loadURL(appUrl.href);
  // A ringing call flashes the window (bounces the dock icon) until the user comes to it.
  win.on('focus', () => win.flashFrame(false));
  return win;
}

/** setAttention: the missed-call badge (macOS dock, Linux Unity launchers; false elsewhere) and the flash. */
function showAttention({ missedCalls, flash }: Attention): void {
  app.setBadgeCount(missedCalls);
  for (const win of BrowserWindow.getAllWindows()) win.flashFrame(flash && !win.isFocused());
}

/** Links from the OS (argv, a second instance, macOS open-url), held until start() has the event queue. */
const links = new LinkInbox();

/** A link or a second launch brings the window forward (or back, on macOS once every window was closed). */
function showWindow(): void {
  if (!links.attached) return; // start() has yet to create it
  const win = BrowserWindow.getAllWindows()[0] ?? createWindow();
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function start(): void {
  // No preload: electron-log's own IPC channel does not check who sends to it.
  log.initialize({ preload: false });
  const dataDir = app.getPath('userData');
  // electron-store calls the file option `name`, not conf's `configName`.
  const { settings, notices } = openSettings(dataDir, (options) => new ElectronStore<StoredSettings>({ ...options, name: options.configName }));
  const secrets = safeStorageSecrets(safeStorage, dataDir);
  if (!secrets.persistent()) {
    log.warn('No keyring: the SIP password cannot be stored; one typed in the app is kept in memory until it quits.');
  }
  const provPath = provisioningPath(process.argv, process.env);
  const provisioning = provPath === null ? null : loadProvisioning(provPath);
  const network = createNetworkMonitor(
    async () => (await services.getState()).account,
    // The last valid file's sites too, when the file is broken now.
    async () => provisionedEmergencyOf(provisioning, settings)?.networkSites ?? [],
  );
  // Links, shortcuts, the tray and resume reach the page through this queue.
  const events = new HostEventQueue();
  // sip:, tel:… links (never dialled by themselves): those that came before now, then each as it comes.
  links.attach((uri) => events.push({ type: 'link', uri }));
  const schemes = registerLinkSchemes(
    app,
    { defaultApp: process.defaultApp === true, execPath: process.execPath, argv: process.argv, env: process.env },
    dataDir,
    (err) => log.warn('The link schemes claimed could not be noted:', err),
  );
  if (schemes) log.info('Link schemes:', schemes);
  // The provisioned company directory: a local copy, synced in the background.
  const directory = new Directory(dataDir, { onError: (err) => log.warn('The directory copy could not be saved:', err) });
  // getLocale() is often the language alone ("fr"): the region decides the home country.
  const systemLocale = electronLocale(app.getLocale(), app.getLocaleCountryCode());
  const services = createHostServices({
    events,
    network,
    callRecord: new CallRecord(dataDir),
    callHistory: new CallHistoryStore(dataDir, { onError: (err) => log.warn('The call history could not be saved:', err) }),
    contacts: new ContactStore(dataDir, { onError: (err) => log.warn('The address book could not be saved:', err) }),
    mode: 'electron',
    settings,
    secrets,
    provisioning,
    systemLocale,
    notices,
    attention: showAttention,
    directory,
    directorySecrets: safeStorageSecrets(safeStorage, dataDir, DIRECTORY_SECRET),
    // The tray shows what the page reports; start at login follows the preference.
    onStatus: () => desktop.statusChanged(),
    onPreferences: (p) => desktop.preferencesChanged(p),
  });
  // Tray, close-to-tray, start at login, global shortcuts.
  const desktop = setUpDesktop({ events, settings, systemLocale, showWindow, lastStatus: () => services.lastStatus() });
  app.on('browser-window-created', (_e, win) => desktop.manage(win));
  directory.start();
  void network.start();
  // Waking from sleep is a network change as far as location goes.
  // and the page reconnects at once rather than after its back-off.
  powerMonitor.on('resume', () => {
    void network.refresh();
    events.push({ type: 'resume' });
  });
  // The services' list: a broken file's notice says what of its last valid settings stays in force.
  void services.getState().then(
    (s) => s.notices.forEach((n) => log.warn(`${n.code}: ${n.message}`)),
    (err: unknown) => log.error(err),
  );

  // The page may connect to the account's gateways only (index.html's meta tag is wider; both
  // apply). Computed per response, so every load gets the current account's.
  const policyNow = (): Promise<string> =>
    services.getState().then(
      (s) => contentSecurityPolicy({ gateways: s.account?.gateways ?? [] }),
      () => contentSecurityPolicy({ gateways: [] }),
    );
  // The policy the page was loaded under: an account saved since may need a reload.
  let pagePolicy = '';
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    void policyNow().then((policy) => {
      if (details.resourceType === 'mainFrame') pagePolicy = policy;
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
    });
  });
  // The microphone and call notifications only (never the camera, screen or anything else), and only for our own page.
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    const ours = isAppUrl(details.requestingUrl) && isAppUrl(contents.getURL());
    callback(ours && (permission === 'notifications' || (permission === 'media' && mediaTypes.length > 0 && mediaTypes.every((t) => t === 'audio'))));
  });
  ses.setPermissionCheckHandler(
    (contents, permission, _origin, details) =>
      (permission === 'notifications' || (permission === 'media' && details.mediaType === 'audio')) &&
      isAppUrl(details.requestingUrl ?? contents?.getURL()),
  );

  ipcMain.handle(HOST_IPC_CHANNEL, async (event, method: unknown, args: unknown) => {
    // Only our page's main frame may call the host, whatever else might get loaded.
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url)) throw new HostCallError('this caller may not use the host API');
    const call = checkHostCall(method, args);
    const fn = services[call.method] as (...a: unknown[]) => Promise<unknown>;
    const result = await fn(...call.args);
    if (call.method === 'saveAccount' && (result as SaveResult).ok) {
      const next = contentSecurityPolicy({ gateways: (result as Extract<SaveResult, { ok: true }>).state.account?.gateways ?? [] });
      if (pagePolicy !== '' && next !== pagePolicy) {
        // A loaded page keeps its policy: reload it (once this answer is out) to reach the new gateways.
        const contents = event.sender;
        setTimeout(() => {
          if (!contents.isDestroyed()) contents.reload();
        }, 100);
      }
    }
    return result;
  });

  createWindow(!desktop.startHidden);
  app.on('activate', () => {
    // The dock icon: a window hidden in the tray comes back too.
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
    else showWindow();
  });
}

// One instance: two would fight over the settings file and register the account twice.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Windows and Linux start the app with the link as an argument: in this instance, or in a second
  // one, which quits and hands its command line over here.
  const startLink = linkFromArgv(process.argv);
  if (startLink) links.receive(startLink);
  app.on('second-instance', (_e, argv) => {
    const uri = linkFromArgv(argv);
    if (uri) links.receive(uri);
    showWindow();
  });
  // macOS sends links here, the first one possibly before 'ready'.
  app.on('open-url', (e, url) => {
    e.preventDefault();
    links.receive(url);
    showWindow();
  });
  app.on('web-contents-created', (_e, contents) => lockDown(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      log.error(err);
      app.quit();
    });
}
