/** `npm run gateway`: the test gateway on fixed ports, for trying the app without a PBX. */
import { startGateway, DOMAIN, FAR_END_EXTENSION } from './harness';

const verbose = process.argv.includes('--verbose');
const gw = await startGateway({
  sipPort: Number(process.env.GATEWAY_SIP_PORT ?? 5060),
  wsPort: Number(process.env.GATEWAY_WS_PORT ?? 8088),
  debug: verbose ? 3 : 2,
  log: verbose ? (l) => console.log(l) : () => {},
});
console.log(`Test gateway running (Kamailio + rtpengine + baresip), all on 127.0.0.1.

  WebSocket URL : ${gw.wsUrl}
  SIP addresses : ${gw.users.map((u) => `sip:${u.user}@${DOMAIN}`).join(', ')}
  Passwords     : ${gw.users.map((u) => `${u.user} / ${u.password}`).join(', ')}
  Far end       : dial ${FAR_END_EXTENSION} (answers and plays a tone)

Press Ctrl+C to stop.`);
const shutdown = (): void => { void gw.stop().then(() => process.exit(0)); };
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
