/**
 * Can this phone call emergency services right now? One pure function over what the app knows,
 * shown on the dialer: Ready, Degraded (say why and what it means) or Unavailable (say what to do).
 */
export type AvailabilityState = 'ready' | 'degraded' | 'unavailable';

export type AvailabilityReason =
  | 'offline'
  | 'notRegistered'
  | 'noAddress'
  | 'addressUnconfirmed'
  | 'abroad'
  | 'onBattery'
  | 'lowBattery';

export interface AvailabilityInput {
  online: boolean;
  registered: boolean;
  hasAddress: boolean;
  addressConfirmationDue: boolean;
  /** The network seems to be in another country than the address. */
  abroad: boolean;
  /** null where the platform does not tell. */
  battery: { charging: boolean; level: number } | null;
}

export interface Availability {
  state: AvailabilityState;
  reasons: AvailabilityReason[];
}

/** Below this charge the phone may soon stop with the computer. */
export const LOW_BATTERY = 0.15;

export function emergencyAvailability(i: AvailabilityInput): Availability {
  const reasons: AvailabilityReason[] = [];
  // Registered means the gateway is reachable, whatever navigator.onLine says (it errs, e.g. on
  // loopback-only or VPN setups); offline only explains why registration is missing.
  if (!i.registered) reasons.push(i.online ? 'notRegistered' : 'offline');
  const unavailable = reasons.length > 0;
  if (!unavailable) {
    if (!i.hasAddress) reasons.push('noAddress');
    else if (i.addressConfirmationDue) reasons.push('addressUnconfirmed');
    if (i.abroad) reasons.push('abroad');
  }
  // Power matters in every state: the phone stops when the computer does.
  if (i.battery && !i.battery.charging) reasons.push(i.battery.level <= LOW_BATTERY ? 'lowBattery' : 'onBattery');
  const degraded = reasons.some((r) => r === 'noAddress' || r === 'addressUnconfirmed' || r === 'abroad' || r === 'lowBattery');
  return { state: unavailable ? 'unavailable' : degraded ? 'degraded' : 'ready', reasons };
}
