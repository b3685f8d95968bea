/**
 * Text that sip.js 0.21 puts into SIP headers as it is. It writes a display name between quotes
 * without escaping, so a '"' or '\' in the name made every request unparsable (RFC 3261 25.1).
 */

/** Characters a quoted-string cannot carry even as a quoted-pair (CR, LF), or that no one types. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** The display name's content between the quotes: `"` and `\` as quoted-pairs, controls as spaces. */
export function sipDisplayName(name: string): string {
  return name.replace(CONTROL, ' ').replace(/["\\]/g, (c) => `\\${c}`);
}

/** Reverses `sipDisplayName` (for what the parser hands back). */
export function unquoteDisplayName(quoted: string): string {
  return quoted.replace(/\\(.)/g, '$1');
}
