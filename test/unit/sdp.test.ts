import { describe, expect, it } from 'vitest';
import { stripComfortNoise } from '../../src/sip/sdp';

const offer = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 9 0 8 13 110 126',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:126 telephone-event/8000',
  '',
].join('\r\n');

describe('stripComfortNoise', () => {
  it('removes CN from the m-line and its rtpmap, and nothing else', () => {
    const out = stripComfortNoise(offer);
    expect(out).toContain('m=audio 9 UDP/TLS/RTP/SAVPF 111 9 0 8 110 126\r\n');
    expect(out).not.toContain('CN/8000');
    expect(out).toContain('a=rtpmap:126 telephone-event/8000');
    expect(out).toContain('a=fmtp:111 minptime=10;useinbandfec=1');
    expect(out.endsWith('\r\n')).toBe(true);
  });
  it('leaves an SDP without CN unchanged', () => {
    const noCn = offer.replace('a=rtpmap:13 CN/8000\r\n', '').replace(' 13 ', ' ');
    expect(stripComfortNoise(noCn)).toBe(noCn);
  });
});
