import { startGateway } from '../gateway/harness.ts';
const gw = await startGateway({ log: (l) => console.log(l) });
console.log('UP', gw.wsUrl, gw.runDir);
await gw.stop();
console.log('STOPPED');
