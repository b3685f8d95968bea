/**
 * Where am I? One pure function turns the host's network signals into a country, a confidence and
 * the reasons behind it. It never guesses: private addresses, a missing lookup or a VPN give
 * "unknown", and the time zone is only a weak tie-breaker.
 */
import { isPublicIp } from './ip';

export type Confidence = 'high' | 'medium' | 'low' | 'unknown';

export interface PublicIpSignal {
  ip: string;
  source: 'stun' | 'via-received';
  /** The offline database's answer (DB-IP), or null when it has none. */
  country: string | null;
}

export interface NetworkSignals {
  publicIps: PublicIpSignal[];
  /** Names of VPN or tunnel interfaces that are up (tun0, wg0, utun3, ppp0…). */
  vpnInterfaces: string[];
  /** The OS time zone and the countries it maps to (countries-and-timezones). */
  timeZone: string | null;
  timeZoneCountries: string[];
  /** A network site of the administrator's that this network matches. */
  site: { name: string; country: string } | null;
}

export type Reason =
  | { code: 'site'; name: string; country: string }
  | { code: 'publicIp'; ip: string; source: PublicIpSignal['source']; country: string }
  | { code: 'notPublic'; ip: string; source: PublicIpSignal['source'] }
  | { code: 'noLookup'; ip: string; source: PublicIpSignal['source'] }
  | { code: 'ipConflict'; countries: string[] }
  | { code: 'vpn'; interfaces: string[] }
  | { code: 'timeZone'; timeZone: string; countries: string[]; used: boolean }
  | { code: 'noSignal' };

export interface NetworkDecision {
  country: string | null;
  confidence: Confidence;
  reasons: Reason[];
}

export function decideNetworkCountry(s: NetworkSignals): NetworkDecision {
  const reasons: Reason[] = [];
  if (s.site) {
    return { country: s.site.country, confidence: 'high', reasons: [{ code: 'site', name: s.site.name, country: s.site.country }] };
  }
  const countries = new Set<string>();
  for (const p of s.publicIps) {
    if (!isPublicIp(p.ip)) reasons.push({ code: 'notPublic', ip: p.ip, source: p.source });
    else if (!p.country) reasons.push({ code: 'noLookup', ip: p.ip, source: p.source });
    else {
      countries.add(p.country);
      reasons.push({ code: 'publicIp', ip: p.ip, source: p.source, country: p.country });
    }
  }
  const tz = (used: boolean): Reason | null =>
    s.timeZone ? { code: 'timeZone', timeZone: s.timeZone, countries: s.timeZoneCountries, used } : null;

  // A tunnel carries the traffic elsewhere: the public address says where the tunnel ends.
  if (s.vpnInterfaces.length > 0) {
    reasons.push({ code: 'vpn', interfaces: s.vpnInterfaces });
    const t = tz(false);
    if (t) reasons.push(t);
    return { country: null, confidence: 'unknown', reasons };
  }
  if (countries.size > 1) {
    reasons.push({ code: 'ipConflict', countries: [...countries] });
    return { country: null, confidence: 'unknown', reasons };
  }
  const [ipCountry] = [...countries];
  if (ipCountry) {
    // A public address maps to a country reliably; the time zone is only a tie-breaker, and there
    // is no tie to break, so it neither overrides nor weakens the address.
    const t = tz(false);
    if (t) reasons.push(t);
    return { country: ipCountry, confidence: 'high', reasons };
  }
  // No usable address: the time zone alone, if it names exactly one country, is a weak hint.
  if (s.timeZone && s.timeZoneCountries.length === 1) {
    reasons.push({ code: 'timeZone', timeZone: s.timeZone, countries: s.timeZoneCountries, used: true });
    return { country: s.timeZoneCountries[0] ?? null, confidence: 'low', reasons };
  }
  const t = tz(false);
  if (t) reasons.push(t);
  if (reasons.length === 0) reasons.push({ code: 'noSignal' });
  return { country: null, confidence: 'unknown', reasons };
}

/** English text of a reason, for logs and the About box ("public IP 203.0.113.7 → US (DB-IP)"). */
export function describeReason(r: Reason): string {
  switch (r.code) {
    case 'site':
      return `network site "${r.name}" → ${r.country}`;
    case 'publicIp':
      return `public IP ${r.ip} (${r.source}) → ${r.country} (DB-IP)`;
    case 'notPublic':
      return `${r.ip} (${r.source}) is not a public address: ignored`;
    case 'noLookup':
      return `public IP ${r.ip} (${r.source}) is not in the database`;
    case 'ipConflict':
      return `public addresses disagree (${r.countries.join(', ')}) → unknown`;
    case 'vpn':
      return `VPN interface present (${r.interfaces.join(', ')}) → unknown`;
    case 'timeZone':
      return `time zone ${r.timeZone} → ${r.countries.join(', ') || 'no country'}${r.used ? ' (weak hint, used)' : ' (weak, not used)'}`;
    case 'noSignal':
      return 'no signal';
  }
}

/** Interface names that are tunnels (Linux tun/tap/wg/ppp/ipsec, macOS utun, Windows adapters named so). */
export function isTunnelInterface(name: string): boolean {
  return /^(tun|tap|wg|ppp|utun|ipsec|gpd|vti|tailscale|zt|nordlynx|proton)\d*|wireguard|openvpn|vpn/i.test(name);
}
