/** sip.js without a network or WebRTC, for unit tests: a transport that keeps what is sent. */
import type { SessionDescriptionHandler, Transport } from 'sip.js';
import { EmitterImpl } from 'sip.js/lib/api/emitter';
import { TransportState } from 'sip.js/lib/api/transport-state';
import type { Logger } from 'sip.js/lib/core';

export const FAKE_SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n';

/** Keeps what the user agent sends; `receive` hands it a message as the gateway would. */
export class FakeTransport implements Transport {
  readonly sent: string[] = [];
  readonly protocol = 'WSS';
  state = TransportState.Disconnected;
  readonly stateChange = new EmitterImpl<TransportState>();
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;

  async connect(): Promise<void> {
    this.state = TransportState.Connected;
    this.stateChange.emit(this.state);
    this.onConnect?.();
  }
  async disconnect(): Promise<void> {
    this.state = TransportState.Disconnected;
    this.stateChange.emit(this.state);
  }
  async dispose(): Promise<void> {}
  isConnected(): boolean {
    return this.state === TransportState.Connected;
  }
  async send(message: string): Promise<void> {
    this.sent.push(message);
  }
  receive(message: string): void {
    this.onMessage?.(message);
  }
}

export const quietLogger = { error: () => undefined, warn: () => undefined, log: () => undefined, debug: () => undefined } as unknown as Logger;

/** A session description handler that needs no WebRTC: a fixed SDP offer. */
export const fakeSdh = (): SessionDescriptionHandler =>
  ({
    getDescription: async () => ({ contentType: 'application/sdp', body: FAKE_SDP }),
    setDescription: async () => undefined,
    hasDescription: () => true,
    sendDtmf: () => false,
    close: () => undefined,
  }) as unknown as SessionDescriptionHandler;
