/** The parts of @msimerson/stun this project uses (the package ships no types). */
declare module '@msimerson/stun' {
  import type { Socket } from 'node:dgram';
  interface StunAddress {
    address: string;
    port: number;
    family: string;
  }
  interface StunMessage {
    transactionId: Buffer;
    addXorAddress(address: string, port: number): void;
    getXorAddress(): StunAddress | undefined;
    getAddress(): StunAddress | undefined;
  }
  interface StunServer {
    on(event: string, listener: (request: StunMessage, rinfo: { address: string; port: number }) => void): void;
    send(message: StunMessage, port: number, address: string): void;
    listen(port: number, address: string, callback: () => void): void;
    close(callback?: () => void): void;
  }
  const stun: {
    createServer(options: { type: 'udp4' | 'udp6'; socket?: Socket }): StunServer;
    createMessage(type: number, transactionId?: Buffer): StunMessage;
    request(url: string, options?: { timeout?: number; retries?: number; socket?: Socket }): Promise<StunMessage>;
    constants: { STUN_BINDING_RESPONSE: number; STUN_EVENT_BINDING_REQUEST: string; [k: string]: unknown };
  };
  export default stun;
}
