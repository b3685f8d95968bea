/**
 * A STUN server on 127.0.0.1 (@msimerson/stun) that answers binding requests, with the real source
 * address or with a chosen one (to make this machine "look" like it is elsewhere); and a silent UDP
 * port that plays an unreachable STUN server.
 */
import { createSocket } from 'node:dgram';
import stun from '@msimerson/stun';

export interface StunServer {
  port: number;
  url: string;
  /** Changes the address the server reports from now on (the machine "moves"). */
  setMappedAddress(address: string | undefined): void;
  close(): Promise<void>;
}

export async function startStunServer(opts: { mappedAddress?: string } = {}): Promise<StunServer> {
  let mapped = opts.mappedAddress;
  const socket = createSocket('udp4');
  const server = stun.createServer({ type: 'udp4', socket });
  const { STUN_BINDING_RESPONSE, STUN_EVENT_BINDING_REQUEST } = stun.constants;
  server.on(STUN_EVENT_BINDING_REQUEST, (request, rinfo) => {
    const message = stun.createMessage(STUN_BINDING_RESPONSE, request.transactionId);
    message.addXorAddress(mapped ?? rinfo.address, rinfo.port);
    server.send(message, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  return {
    port,
    url: `stun:127.0.0.1:${port}`,
    setMappedAddress: (a) => void (mapped = a),
    // The socket is ours: closing it stops the server (its own close() never calls back).
    close: () => new Promise((r) => socket.close(() => r())),
  };
}

/** A UDP port that takes STUN requests and never answers: an unreachable STUN server. */
export async function startSilentUdp(): Promise<StunServer> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  return { port, url: `stun:127.0.0.1:${port}`, setMappedAddress: () => undefined, close: () => new Promise((r) => socket.close(() => r())) };
}
