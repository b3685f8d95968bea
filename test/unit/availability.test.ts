import { describe, expect, it } from 'vitest';
import { emergencyAvailability, type AvailabilityInput } from '../../src/emergency/availability';

const ready: AvailabilityInput = { online: true, registered: true, hasAddress: true, addressConfirmationDue: false, abroad: false, battery: null };

describe('emergencyAvailability', () => {
  it('ready: registered, with a confirmed address, at home, on mains power', () => {
    expect(emergencyAvailability(ready)).toEqual({ state: 'ready', reasons: [] });
    expect(emergencyAvailability({ ...ready, battery: { charging: true, level: 0.05 } })).toEqual({ state: 'ready', reasons: [] });
  });
  it('degraded: no address, an unconfirmed one, abroad, or a low battery', () => {
    expect(emergencyAvailability({ ...ready, hasAddress: false })).toEqual({ state: 'degraded', reasons: ['noAddress'] });
    expect(emergencyAvailability({ ...ready, addressConfirmationDue: true })).toEqual({ state: 'degraded', reasons: ['addressUnconfirmed'] });
    expect(emergencyAvailability({ ...ready, abroad: true })).toEqual({ state: 'degraded', reasons: ['abroad'] });
    expect(emergencyAvailability({ ...ready, battery: { charging: false, level: 0.1 } })).toEqual({ state: 'degraded', reasons: ['lowBattery'] });
  });
  it('on battery alone stays ready, with the warning', () => {
    expect(emergencyAvailability({ ...ready, battery: { charging: false, level: 0.8 } })).toEqual({ state: 'ready', reasons: ['onBattery'] });
  });
  it('unavailable: offline or not registered, whatever else', () => {
    expect(emergencyAvailability({ ...ready, online: false, registered: false, hasAddress: false })).toEqual({ state: 'unavailable', reasons: ['offline'] });
    // Still registered: the gateway is reachable, whatever the browser's online flag says.
    expect(emergencyAvailability({ ...ready, online: false })).toEqual({ state: 'ready', reasons: [] });
    expect(emergencyAvailability({ ...ready, registered: false })).toEqual({ state: 'unavailable', reasons: ['notRegistered'] });
    expect(emergencyAvailability({ ...ready, registered: false, battery: { charging: false, level: 0.5 } })).toEqual({ state: 'unavailable', reasons: ['notRegistered', 'onBattery'] });
  });
});
