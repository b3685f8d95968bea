import { describe, expect, it } from 'vitest';
import { buildPidfLo, escapeXml } from '../../src/emergency/pidf-lo';
import { emergencyHeaders, multipartOffer, pidfPart } from '../../src/sip/emergency-invite';
import { parsePidf } from '../helpers/pidf';

const base = { entity: 'sip:alice@example.com', source: 'administrator' as const, deviceId: '8c5d0a4e-1111-2222-3333-444455556666', timestamp: new Date('2026-11-23T10:00:00Z') };

describe('PIDF-LO', () => {
  it('holds the civic address in RFC 5139 order, inside dm:device, with method and timestamp', () => {
    const xml = buildPidfLo({ ...base, address: { country: 'fr', A3: 'Paris', RD: 'Rue de la Paix', HNO: '10', PC: '75002', FLR: '3', ROOM: '301' }, lang: 'fr' });
    const p = parsePidf(xml);
    expect(p.entity).toBe('sip:alice@example.com');
    expect(p.civic).toEqual({ country: 'FR', A3: 'Paris', RD: 'Rue de la Paix', HNO: '10', FLR: '3', PC: '75002', ROOM: '301' });
    expect(Object.keys(p.civic)).toEqual(['country', 'A3', 'RD', 'HNO', 'FLR', 'PC', 'ROOM']);
    expect(p.method).toBe('Manual');
    expect(p.timestamp).toBe('2026-11-23T10:00:00.000Z');
    expect(xml).toContain('xml:lang="fr"');
  });

  const hostile: Array<[string, string, string]> = [
    ['angle brackets', '<b>x</b>', '<b>x</b>'],
    ['ampersand', 'A & B', 'A & B'],
    ['quotes', `"it's"`, `"it's"`],
    ['closing tag injection', '</ca:RD><ca:RD>evil', '</ca:RD><ca:RD>evil'],
    ['CDATA end', ']]>', ']]>'],
    ['CR/LF', 'a\r\nPriority: normal\nb', 'a Priority: normal b'],
    ['control characters', 'a\u0000b\u0007c', 'abc'],
    ['right-to-left', 'שלום עולם', 'שלום עולם'],
    ['emoji', 'Bureau 🚑🔥', 'Bureau 🚑🔥'],
    ['lone surrogate', 'a\uD800b', 'ab'],
    ['very long', 'x'.repeat(5000), 'x'.repeat(5000)],
  ];
  it.each(hostile)('escapes %s', (_name, input, expected) => {
    const xml = buildPidfLo({ ...base, address: { country: 'FR', RD: input, LOC: input } });
    const p = parsePidf(xml);
    expect(p.civic.RD).toBe(expected);
    expect(p.civic.LOC).toBe(expected);
    expect(xml.split('\r\n').every((line) => !/^Priority:/.test(line))).toBe(true);
  });

  it('escapes the entity and a bad device id', () => {
    const p = parsePidf(buildPidfLo({ ...base, entity: 'sip:"a"<b>@x', deviceId: '1<2>&3', address: { country: 'FR' } }));
    // The entity is an xs:anyURI: characters a URI cannot hold are percent-encoded, not dropped.
    expect(p.entity).toBe('sip:%22a%22%3Cb%3E@x');
    expect(decodeURIComponent(p.entity)).toBe('sip:"a"<b>@x');
  });

  it('escapeXml covers the five XML specials', () => {
    expect(escapeXml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&apos;');
  });
});

describe('emergency INVITE parts', () => {
  const parts = { callbackUri: 'sip:alice@example.com', urn: 'urn:service:sos', pidfLo: '<presence/>', contentId: 'loc-1@example.com' };

  it('headers: Priority, callback identity, Geolocation by cid, routing, URN', () => {
    expect(emergencyHeaders(parts)).toEqual([
      'Priority: emergency',
      'P-Preferred-Identity: <sip:alice@example.com>',
      'Geolocation: <cid:loc-1@example.com>',
      'Geolocation-Routing: yes',
      'X-Emergency-Service-URN: urn:service:sos',
    ]);
  });

  it('no location: no Geolocation headers', () => {
    const h = emergencyHeaders({ ...parts, pidfLo: null, urn: undefined });
    expect(h).toEqual(['Priority: emergency', 'P-Preferred-Identity: <sip:alice@example.com>']);
  });

  it('multipart body: SDP then PIDF-LO with the Content-ID; a boundary found in the content is not used', () => {
    let n = 0;
    const random = (): string => ['AAA', 'BBB'][n++] ?? 'CCC';
    const m = multipartOffer('v=0\ns=-\n', [pidfPart('<presence>--boundary-AAA</presence>', 'loc-1@example.com')], random);
    expect(m.contentType).toBe('multipart/mixed;boundary=boundary-BBB');
    // RFC 2046 5.1.1: the CRLF before each delimiter belongs to the delimiter, not to the part.
    const parts2 = m.body.split(/(?:^|\r\n)--boundary-BBB/);
    expect(parts2).toHaveLength(4);
    // So the SDP keeps its own final CRLF (RFC 4566: every line ends in one).
    expect(parts2[1]).toBe('\r\nContent-Type: application/sdp\r\n\r\nv=0\r\ns=-\r\n');
    expect(parts2[2]).toContain('Content-Type: application/pidf+xml\r\nContent-ID: <loc-1@example.com>\r\n');
    expect(parts2[3]).toBe('--\r\n');
  });
});
