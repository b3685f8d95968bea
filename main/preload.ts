/**
 * The renderer's one door to the host: `window.softphone`, a HostApi whose every method is one
 * `invoke` on a single channel, checked again in main. Nothing else (no ipcRenderer) is exposed.
 * Built as CommonJS: sandboxed preloads cannot be ES modules.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { HOST_IPC_CHANNEL, type HostApi } from '../src/host-api';

// The result types are HostApi's; main's services produce exactly those.
const call = <T>(method: keyof HostApi, args: unknown[]): Promise<T> => ipcRenderer.invoke(HOST_IPC_CHANNEL, method, args) as Promise<T>;

const api: HostApi = {
  getState: () => call('getState', []),
  getPassword: () => call('getPassword', []),
  saveAccount: (input) => call('saveAccount', [input]),
  setPreferences: (patch) => call('setPreferences', [patch]),
};

contextBridge.exposeInMainWorld('softphone', api);
