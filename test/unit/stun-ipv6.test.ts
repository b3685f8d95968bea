import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stun from '@msimerson/stun';
import { NetworkMonitor } from '../../main/host/network';

// A STUN responder assembled byte by byte from RFC 5389 (§6 header, §15.2 XOR-MAPPED-ADDRESS), so
// the library's decoder is checked against the RFC and not against its own encoder.
const MAGIC_COOKIE = Buffer.from([0x21, 0x12, 0xa4, 0x42]);
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;
const MAPPED_PORT = 54321;

interface Mapped {
  /** The address in its canonical text form, as the decoder should give it back. */
  text: string;
  /** The same address as network-order bytes, written out by hand. */
  bytes: number[];
}

function xorMappedAddress(mapped: Mapped, transactionId: Buffer): Buffer {
  const v6 = mapped.bytes.length === 16;
  // IPv4 is XORed with the cookie; IPv6 with the cookie followed by the transaction ID.
  const key = v6 ? Buffer.concat([MAGIC_COOKIE, transactionId]) : MAGIC_COOKIE;
  const value = Buffer.alloc(4 + mapped.bytes.length);
  value[0] = 0;
  value[1] = v6 ? 0x02 : 0x01;
  value.writeUInt16BE(MAPPED_PORT ^ 0x2112, 2);
  mapped.bytes.forEach((b, i) => (value[4 + i] = b ^ (key[i] as number)));
  const attr = Buffer.alloc(4 + value.length);
  attr.writeUInt16BE(XOR_MAPPED_ADDRESS, 0);
  attr.writeUInt16BE(value.length, 2);
  value.copy(attr, 4);
  return attr;
}

function bindingSuccess(mapped: Mapped, transactionId: Buffer): Buffer {
  const attr = xorMappedAddress(mapped, transactionId);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(BINDING_SUCCESS, 0);
  header.writeUInt16BE(attr.length, 2);
  MAGIC_COOKIE.copy(header, 4);
  transactionId.copy(header, 8);
  return Buffer.concat([header, attr]);
}

async function startResponder(): Promise<{ url: string; answer(m: Mapped): void; close(): Promise<void> }> {
  let mapped: Mapped = { text: '192.0.2.1', bytes: [192, 0, 2, 1] };
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 20 || msg.readUInt16BE(0) !== BINDING_REQUEST || !msg.subarray(4, 8).equals(MAGIC_COOKIE)) return;
    socket.send(bindingSuccess(mapped, Buffer.from(msg.subarray(8, 20))), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    url: `stun:127.0.0.1:${socket.address().port}`,
    answer: (m) => void (mapped = m),
    close: () => new Promise((r) => socket.close(() => r())),
  };
}

const CASES: Mapped[] = [
  { text: '2001:db8::1', bytes: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01] },
  {
    text: '2001:db8:1234:5678:9abc:def0:1357:2468',
    bytes: [0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x13, 0x57, 0x24, 0x68],
  },
  { text: '198.51.100.23', bytes: [198, 51, 100, 23] },
  { text: '255.255.255.254', bytes: [255, 255, 255, 254] },
];

describe('STUN XOR-MAPPED-ADDRESS decoding (RFC 5389 §15.2)', () => {
  let responder: Awaited<ReturnType<typeof startResponder>>;
  beforeAll(async () => {
    responder = await startResponder();
  });
  afterAll(async () => {
    await responder.close();
  });

  it.each(CASES)('an answer of $text decodes to exactly $text', async (mapped) => {
    responder.answer(mapped);
    // As main/host/network.ts calls it: host:port, one attempt.
    const res = await stun.request(responder.url.slice('stun:'.length), { timeout: 1500, retries: 0 });
    expect(res.getXorAddress()).toMatchObject({ address: mapped.text, port: MAPPED_PORT, family: mapped.bytes.length === 16 ? 'IPv6' : 'IPv4' });
  });

  it('the network monitor looks up exactly the public IPv6 address STUN reported', async () => {
    // DB-IP places this address (Free, a French ISP) in France.
    const mapped: Mapped = { text: '2a01:e0a:1::1', bytes: [0x2a, 0x01, 0x0e, 0x0a, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01] };
    responder.answer(mapped);
    const interfacesFile = join(mkdtempSync(join(tmpdir(), 'softphone-stun6-')), 'interfaces.json');
    writeFileSync(interfacesFile, '{}');
    const lookup = vi.spyOn(NetworkMonitor.prototype as unknown as { lookup(ip: string): string | null }, 'lookup');
    try {
      const monitor = new NetworkMonitor({ stunServers: async () => [responder.url], interfacesFile });
      await monitor.start();
      monitor.stop();
      expect(lookup.mock.calls).toEqual([[mapped.text]]);
      expect(monitor.current.decision.reasons).toContainEqual({ code: 'publicIp', ip: mapped.text, source: 'stun', country: 'FR' });
      expect(monitor.current.decision).toMatchObject({ country: 'FR', confidence: 'high' });
    } finally {
      lookup.mockRestore();
    }
  });
});
