/**
 * Call links (sip:, sips:, tel:, callto:) opened with the app: what goes in the dial box.
 * A link never dials by itself; the user presses Call.
 */
export type CallLink = { ok: true; scheme: 'sip' | 'sips' | 'tel' | 'callto'; target: string } | { ok: false; error: string };

export function parseCallLink(uri: string): CallLink {
  const m = /^(sips?|tel|callto):(?:\/\/)?(.+)$/i.exec(uri.trim());
  if (!m) return { ok: false, error: 'not a sip:, tel: or callto: link' };
  const scheme = (m[1] as string).toLowerCase() as 'sip' | 'sips' | 'tel' | 'callto';
  const rest = decodeURIComponent((m[2] as string).split(/[?;]/)[0] ?? '');
  if (!rest) return { ok: false, error: 'the link has no number or address' };
  return { ok: true, scheme, target: scheme === 'tel' ? rest.replace(/[\s().-]/g, '') : rest };
}
