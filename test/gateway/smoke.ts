/** `node --import tsx test/gateway/smoke.ts`: starts the gateway, prints its addresses, stops it. */
import { startGateway } from './harness';

const gw = await startGateway({ log: process.env.GATEWAY_LOG ? (l) => console.log(l) : undefined });
console.log(JSON.stringify({ ws: gw.wsUrl, failing: gw.wsUrlFailing, dump: gw.sipDumpDir }));
await gw.stop();
