/**
 * The renderer's Content-Security-Policy, sent as a response header by both hosts (Electron's
 * webRequest hook and the web-mode server). A pure function of what the page may connect to, so
 * the host recomputes it when the account changes.
 */

export interface ConnectSources {
  /**
   * The account's gateway URLs: only their exact ws:/wss: origins are allowed. 'any' allows every
   * ws:/wss: origin (web mode: the host cannot reload the browser tab after an account is saved).
   */
  gateways: readonly string[] | 'any';
  /** Further origins the page talks to (web mode: its own bridge). */
  extra?: readonly string[];
}

/** A host a CSP source expression can name: letters, digits, dots and dashes (no IPv6 literal). */
const CSP_HOST = /^[a-z0-9.-]+$/;

/**
 * The `scheme://host[:port]` of each ws:/wss: gateway URL, in order, each once. Anything else is
 * left out, so a strange URL can only make its gateway unreachable, never widen the policy.
 */
export function gatewayOrigins(gateways: readonly string[]): string[] {
  const origins: string[] = [];
  for (const raw of gateways) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    if ((url.protocol !== 'ws:' && url.protocol !== 'wss:') || !CSP_HOST.test(url.hostname)) continue;
    const origin = `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}`;
    if (!origins.includes(origin)) origins.push(origin);
  }
  return origins;
}

export function contentSecurityPolicy(connect: ConnectSources): string {
  const gateways = connect.gateways === 'any' ? ['ws:', 'wss:'] : gatewayOrigins(connect.gateways);
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React sets inline style attributes; no inline scripts are allowed.
    "style-src 'self' 'unsafe-inline'",
    ["connect-src 'self'", ...gateways, ...(connect.extra ?? [])].join(' '),
    "media-src 'self' blob: mediastream:",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
