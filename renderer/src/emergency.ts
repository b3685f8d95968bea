/** Glue from the store to the emergency core: the catalogue for this host, and the PIDF-LO to send. */
import type { HostState } from '../../src/host-api';
import { EmergencyCatalogue } from '../../src/emergency/catalogue';
import { classifyDial, type Classification } from '../../src/emergency/classify';
import { buildPidfLo } from '../../src/emergency/pidf-lo';

let cached: { key: string; catalogue: EmergencyCatalogue } | undefined;

function catalogueFor(host: HostState): EmergencyCatalogue {
  const key = JSON.stringify(host.emergency.numbers);
  if (cached?.key !== key) cached = { key, catalogue: new EmergencyCatalogue(host.emergency.numbers) };
  return cached.catalogue;
}

export function classifyInput(input: string, host: HostState | null, networkCountry: string | null = null): Classification {
  if (!host) return { emergency: false };
  const e = host.emergency;
  return classifyDial(input, { homeCountry: e.homeCountry, networkCountry, outsideLinePrefix: e.outsideLinePrefix }, catalogueFor(host));
}

/** The PIDF-LO for the registered address, or null when there is none (the call still goes out). */
export function locationFor(host: HostState, lang: string): string | null {
  const registered = host.emergency.address;
  if (!registered || !host.account) return null;
  return buildPidfLo({
    entity: host.account.sipUri,
    address: registered.address,
    source: registered.source,
    deviceId: host.emergency.deviceId,
    timestamp: new Date(),
    lang,
  });
}
