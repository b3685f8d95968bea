/**
 * The renderer's one door to the host: `window.softphone`, a HostApi whose every method is one
 * `invoke` on a single channel, checked again in main. Nothing else (no ipcRenderer) is exposed.
 * Built as CommonJS: sandboxed preloads cannot be ES modules.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { HOST_IPC_CHANNEL, makeHostClient } from '../src/host-api';

// The result types are HostApi's; main's services produce exactly those.
const api = makeHostClient((method, args) => ipcRenderer.invoke(HOST_IPC_CHANNEL, method, args));

contextBridge.exposeInMainWorld('softphone', api);
