/**
 * The renderer's one way to the host, the same code path in both modes: Electron's preload API
 * (`window.softphone`) when present, else the web-mode bridge over HTTP to the 127.0.0.1 host.
 */
import { makeHostClient, type HostApi, type HostMethod } from '../../src/host-api';

declare global {
  interface Window {
    /** Set by main/preload.ts in Electron; absent in web mode. */
    softphone?: HostApi;
  }
}

const TOKEN_KEY = 'softphone.webToken';

/**
 * The per-launch token arrives in the URL fragment (never sent to a server, never logged). It is
 * kept in this origin's storage (the origin has the launch's own port) so that a reload works, and a
 * tab the browser opens for a sip: or tel: link (`/?link=…`, no fragment) too; it is removed from the
 * address bar and history.
 */
function webToken(): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    localStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  return localStorage.getItem(TOKEN_KEY);
}

function webBridge(): HostApi {
  const token = webToken();
  const call = async <T>(method: HostMethod, args: unknown[]): Promise<T> => {
    if (!token) throw new Error('Open the link printed by the web host (it carries the access token).');
    const res = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Softphone-Token': token },
      body: JSON.stringify(args),
      cache: 'no-store',
    });
    let body: { result?: T; error?: string } = {};
    try {
      body = (await res.json()) as typeof body;
    } catch {
      // Not JSON (e.g. a proxy's page): reported below by status.
    }
    if (res.status === 401) throw new Error('The access token is wrong or expired: open the link printed by the web host again.');
    if (!res.ok) throw new Error(body.error ?? `host error ${res.status}`);
    return body.result as T;
  };
  return makeHostClient((method, args) => call(method, args));
}

let host: HostApi | undefined;

export function getHost(): HostApi {
  host ??= window.softphone ?? webBridge();
  return host;
}
