/**
 * What the emergency gateway expects of an emergency INVITE. Gateways differ: some route on the
 * dial string, others on the RFC 5031 service URN as RFC 6881 asks (ED-4, ED-62); some add the
 * location themselves. The administrator picks per deployment (docs/gateways.md).
 */
import { type Checked, type FieldError, fieldError } from '../result';

export interface GatewayProfile {
  /** `dial-string`: `sip:112@domain`. `service-urn`: `urn:service:sos.police`, in To as well. */
  requestUri: 'dial-string' | 'service-urn';
  /** `by-value`: PIDF-LO in the INVITE (RFC 6442). `none`: for gateways that add their own. */
  location: 'by-value' | 'none';
  /** `p-preferred-identity`: the caller's address of record (RFC 3325). `none`: left to the gateway. */
  identity: 'p-preferred-identity' | 'none';
  /** RFC 7852 additional data (device, comment; subscriber where allowed) in the INVITE. */
  additionalData: boolean;
}

/** Today's gateways route on the dial string; RFC 7852 parts are optional to a recipient. */
export const DEFAULT_GATEWAY_PROFILE: GatewayProfile = {
  requestUri: 'dial-string',
  location: 'by-value',
  identity: 'p-preferred-identity',
  additionalData: true,
};

const CHOICES = {
  requestUri: ['dial-string', 'service-urn'],
  location: ['by-value', 'none'],
  identity: ['p-preferred-identity', 'none'],
} as const;

export function checkGatewayProfile(raw: unknown, field: string): Checked<GatewayProfile> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [fieldError(field, 'notObject', 'must be an object')] };
  const r = raw as Record<string, unknown>;
  const errors: FieldError[] = [];
  const out: GatewayProfile = { ...DEFAULT_GATEWAY_PROFILE };
  for (const key of Object.keys(CHOICES) as Array<keyof typeof CHOICES>) {
    const v = r[key];
    if (v === undefined) continue;
    const allowed: readonly string[] = CHOICES[key];
    if (typeof v === 'string' && allowed.includes(v)) (out as unknown as Record<string, string>)[key] = v;
    else errors.push(fieldError(`${field}.${key}`, 'choiceInvalid', `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`));
  }
  if (r.additionalData !== undefined) {
    if (typeof r.additionalData === 'boolean') out.additionalData = r.additionalData;
    else errors.push(fieldError(`${field}.additionalData`, 'notBoolean', 'must be true or false'));
  }
  for (const key of Object.keys(r)) if (!Object.hasOwn(DEFAULT_GATEWAY_PROFILE, key)) errors.push(fieldError(`${field}.${key}`, 'unknownField', 'is not a gateway profile setting'));
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}
