/** Which IP addresses say something about where a machine is: public ones only. */

function v4(ip: string): number[] | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  const n = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return n.every((x) => x >= 0 && x <= 255) ? n : null;
}

/** Private, loopback, link-local, CGNAT, documentation, multicast and reserved ranges. */
export function isPublicIp(ip: string): boolean {
  const a = v4(ip);
  if (a) {
    const [x = 0, y = 0, z = 0] = a;
    return !(
      x === 0 ||
      x === 10 ||
      x === 127 ||
      (x === 100 && y >= 64 && y <= 127) ||
      (x === 169 && y === 254) ||
      (x === 172 && y >= 16 && y <= 31) ||
      (x === 192 && y === 168) ||
      (x === 192 && y === 0 && (z === 0 || z === 2)) ||
      (x === 198 && (y === 18 || y === 19)) ||
      (x === 198 && y === 51 && z === 100) ||
      (x === 203 && y === 0 && z === 113) ||
      x >= 224
    );
  }
  const v6 = ip.toLowerCase();
  if (!v6.includes(':')) return false;
  if (v6 === '::1' || v6 === '::') return false;
  if (/^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith('ff') || v6.startsWith('2001:db8')) return false;
  if (v6.startsWith('::ffff:')) return isPublicIp(v6.slice(7));
  return true;
}
