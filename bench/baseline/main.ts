/**
 * The baseline of bench/compare.ts: sip.js 0.21.2 as its documentation shows it (Web.SimpleUser,
 * default session description handler), with no emergency features. Configured by query string:
 * server, domain, user, password, and `stun` (repeated) for the ICE servers.
 */
import { Web } from 'sip.js';

const params = new URLSearchParams(location.search);
const domain = params.get('domain') ?? '127.0.0.1';
const user = params.get('user') ?? '';
const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const status = byId('status');
const callState = byId('call-state');
const show = (el: HTMLElement, attr: string, value: string): void => {
  el.setAttribute(attr, value);
  el.textContent = value;
};

const simpleUser = new Web.SimpleUser(params.get('server') ?? '', {
  aor: `sip:${user}@${domain}`,
  media: { remote: { audio: byId<HTMLAudioElement>('remote') } },
  userAgentOptions: {
    authorizationUsername: user,
    authorizationPassword: params.get('password') ?? '',
    // Only the bench's ICE servers (none, or a local one): never sip.js's default public STUN server.
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: params.getAll('stun').map((urls) => ({ urls })) } },
  },
  delegate: {
    onRegistered: () => show(status, 'data-status', 'registered'),
    onUnregistered: () => show(status, 'data-status', 'unregistered'),
    onCallAnswered: () => show(callState, 'data-state', 'established'),
    onCallHangup: () => show(callState, 'data-state', 'idle'),
  },
});

byId('dialer').addEventListener('submit', (e) => {
  e.preventDefault();
  show(callState, 'data-state', 'calling');
  simpleUser.call(`sip:${byId<HTMLInputElement>('dial').value}@${domain}`).catch((err: unknown) => show(callState, 'data-state', `failed: ${String(err)}`));
});
byId('hangup').addEventListener('click', () => void simpleUser.hangup().catch(() => undefined));

await simpleUser.connect();
await simpleUser.register();
