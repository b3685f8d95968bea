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
import { checkHostCall, HOST_IPC_CHANNEL, HostCallError } from '../src/host-api';
import { CONTENT_SECURITY_POLICY } from './host/csp';
import { loadProvisioning, provisioningPath } from './host/provisioning';
import { safeStorageSecrets } from './host/secrets';
import { createHostServices } from './host/services';
import { CallRecord } from './host/call-record';
import { createNetworkMonitor } from './host/network';
import { openSettings, type StoredSettings } from './host/settings-store';

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

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
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
    },
  });
  void win.loadURL(appUrl.href);
  return win;
}

function start(): void {
  log.initialize();
  const dataDir = app.getPath('userData');
  // electron-store calls the file option `name`, not conf's `configName`.
  const { settings, notices } = openSettings(dataDir, (options) => new ElectronStore<StoredSettings>({ ...options, name: options.configName }));
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    log.warn('No desktop keyring found: safeStorage falls back to a fixed key, so the password is only obfuscated.');
  }
  const provPath = provisioningPath(process.argv, process.env);
  const provisioning = provPath === null ? null : loadProvisioning(provPath);
  const network = createNetworkMonitor(
    async () => (await services.getState()).account,
    async () => provisioning?.emergency?.networkSites ?? [],
  );
  const services = createHostServices({
    network,
    callRecord: new CallRecord(dataDir),
    mode: 'electron',
    settings,
    secrets: safeStorageSecrets(safeStorage, dataDir),
    provisioning,
    systemLocale: app.getLocale(),
    notices,
  });
  void network.start();
  // Waking from sleep is a network change as far as location goes.
  powerMonitor.on('resume', () => void network.refresh());
  for (const n of [...(provisioning?.notices ?? []), ...notices]) log.warn(`${n.code}: ${n.message}`);

  const ses = session.defaultSession;
  // The same policy as web mode, as a header (index.html also carries it in a meta tag).
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // The microphone only (never the camera, screen or anything else), and only for our own page.
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(
      permission === 'media' &&
        mediaTypes.length > 0 &&
        mediaTypes.every((t) => t === 'audio') &&
        isAppUrl(details.requestingUrl) &&
        isAppUrl(contents.getURL()),
    );
  });
  ses.setPermissionCheckHandler(
    (contents, permission, _origin, details) =>
      permission === 'media' && details.mediaType === 'audio' && isAppUrl(details.requestingUrl ?? contents?.getURL()),
  );

  ipcMain.handle(HOST_IPC_CHANNEL, async (event, method: unknown, args: unknown) => {
    // Only our page's main frame may call the host, whatever else might get loaded.
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url)) throw new HostCallError('this caller may not use the host API');
    const call = checkHostCall(method, args);
    const fn = services[call.method] as (...a: unknown[]) => Promise<unknown>;
    return fn(...call.args);
  });

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

// One instance: two would fight over the settings file and register the account twice.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
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
