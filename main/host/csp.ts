/**
 * The renderer's Content-Security-Policy, sent as a response header by both hosts (Electron's
 * webRequest hook and the web-mode server) so the two modes run the page under the same rules.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // React sets inline style attributes; no inline scripts are allowed.
  "style-src 'self' 'unsafe-inline'",
  // ws:/wss: for the SIP gateways (whose addresses come from the account, not known here).
  "connect-src 'self' ws: wss:",
  "media-src 'self' blob: mediastream:",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
