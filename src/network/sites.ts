/**
 * Administrator "network sites", as enterprise location services define them: a public IP range
 * or a local subnet mapped to a named site and its address. IPv4 CIDR ranges.
 */
import type { CivicAddress } from '../emergency/civic-address';

export interface NetworkSite {
  name: string;
  /** Local subnets (CIDR) of the site's LAN, e.g. `10.1.0.0/16`. */
  subnets: string[];
  /** Public address ranges (CIDR) the site's traffic leaves from. */
  publicIps: string[];
  address: CivicAddress;
}

function toInt(ip: string): number | null {
  const p = ip.split('.');
  if (p.length !== 4 || !p.every((x) => /^\d{1,3}$/.test(x) && Number(x) <= 255)) return null;
  return p.reduce((n, x) => n * 256 + Number(x), 0);
}

export function isCidr(cidr: string): boolean {
  const [base = '', bits] = cidr.split('/');
  return toInt(base) !== null && bits !== undefined && /^\d{1,2}$/.test(bits) && Number(bits) <= 32;
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bitsText = '32'] = cidr.split('/');
  const a = toInt(ip);
  const b = toInt(base);
  const bits = Number(bitsText);
  if (a === null || b === null || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/** The first site whose subnets hold a local address, or whose public ranges hold a public one. */
export function matchSite(sites: readonly NetworkSite[], localIps: readonly string[], publicIps: readonly string[]): NetworkSite | null {
  return (
    sites.find(
      (s) => s.subnets.some((c) => localIps.some((ip) => inCidr(ip, c))) || s.publicIps.some((c) => publicIps.some((ip) => inCidr(ip, c))),
    ) ?? null
  );
}
