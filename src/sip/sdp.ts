/** Small SDP edits for emergency calls. */

/**
 * Removes comfort noise (CN, RFC 3389) from every audio m-line: with CN negotiated, libwebrtc turns
 * on voice activity detection, and RFC 6881 ED-73 asks emergency calls not to suppress silence
 * (background sound can matter to the call-taker).
 */
export function stripComfortNoise(sdp: string): string {
  const lines = sdp.split(/\r\n/);
  const cn = new Set(
    lines.map((l) => /^a=rtpmap:(\d+) CN\//i.exec(l)?.[1]).filter((pt): pt is string => pt !== undefined),
  );
  if (cn.size === 0) return sdp;
  return lines
    .filter((l) => !new RegExp(`^a=(rtpmap|fmtp|rtcp-fb):(${[...cn].join('|')})( |$)`).test(l))
    .map((l) => {
      const m = /^(m=audio \S+ \S+)((?: \S+)*)$/.exec(l);
      if (!m) return l;
      const kept = (m[2] ?? '').trim().split(' ').filter((pt) => pt && !cn.has(pt));
      return `${m[1]} ${kept.join(' ')}`;
    })
    .join('\r\n');
}
