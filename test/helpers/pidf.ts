/** Strict, namespace-aware reading of a PIDF-LO, for tests. */
import { expectSchemaValid } from './xml-schema';
import { DOMParser } from '@xmldom/xmldom';

const NS = {
  pidf: 'urn:ietf:params:xml:ns:pidf',
  gp: 'urn:ietf:params:xml:ns:pidf:geopriv10',
  ca: 'urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr',
  dm: 'urn:ietf:params:xml:ns:pidf:data-model',
};

/** Parses a PIDF-LO strictly (any XML error throws) and reads it by namespace. */
export function parsePidf(xml: string): { entity: string; civic: Record<string, string>; method: string; timestamp: string } {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(msg)) }).parseFromString(xml, 'text/xml');
  if (errors.length) throw new Error(`PIDF-LO is not well-formed: ${errors.join('; ')}`);
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== NS.pidf || root.localName !== 'presence') throw new Error('root is not pidf:presence');
  const device = root.getElementsByTagNameNS(NS.dm, 'device')[0];
  const civicEl = device?.getElementsByTagNameNS(NS.gp, 'location-info')[0]?.getElementsByTagNameNS(NS.ca, 'civicAddress')[0];
  if (!civicEl) throw new Error('no dm:device/gp:location-info/ca:civicAddress');
  const civic: Record<string, string> = {};
  for (let n = civicEl.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as unknown as Element).namespaceURI === NS.ca) civic[(n as unknown as Element).localName] = n.textContent ?? '';
  }
  return {
    entity: root.getAttribute('entity') ?? '',
    civic,
    method: device?.getElementsByTagNameNS(NS.gp, 'method')[0]?.textContent ?? '',
    timestamp: device?.getElementsByTagNameNS(NS.dm, 'timestamp')[0]?.textContent ?? '',
  };
}

/** For a PIDF-LO taken off the wire: valid against the RFC schemas first, then parsed. */
export function parseSentPidf(xml: string): ReturnType<typeof parsePidf> {
  expectSchemaValid(xml, 'PIDF-LO as received');
  return parsePidf(xml);
}
