import { describe, expect, it, vi } from 'vitest';
import type { EmergencyCallEvent, HostState } from '../../src/host-api';
import { DEFAULT_PREFERENCES } from '../../src/host-api';
import { EmergencyFlow, classifyInput, recordUpdates } from '../../src/emergency/emergency-flow';
import { decideHomeCountry } from '../../src/emergency/home-country';
import { checkTestLine, chooseTestLine } from '../../src/emergency/test-line';
import { EmergencyCatalogue } from '../../src/emergency/catalogue';
import { DEFAULT_GATEWAY_PROFILE } from '../../src/emergency/gateway-profile';
import type { EmergencyCallRequest } from '../../src/sip/emergency-call';
import type { CallSnapshot } from '../../src/sip/call';

function hostState(emergency: Partial<HostState['emergency']> = {}): HostState {
  return {
    mode: 'web',
    systemLocale: 'fr-FR',
    account: { gateways: ['ws://127.0.0.1:1'], sipUri: 'sip:alice@example.com', authUser: 'alice', displayName: 'Alice', iceServers: [] },
    accountSource: 'user',
    hasPassword: true,
    passwordManaged: false,
    firstRun: false,
    preferences: DEFAULT_PREFERENCES,
    notices: [],
    emergency: {
      address: { address: { country: 'FR', A3: 'Paris', RD: 'Rue de la Paix', HNO: '10', PC: '75002' }, source: 'user' },
      homeCountry: 'FR',
      outsideLinePrefix: '',
      numbers: [],
      deviceId: 'dev-1',
      addressEditable: true,
      reminderDays: 90,
      networkPrompt: false,
      testNumber: null,
      securityDesk: null,
      savedAddresses: [],
      gatewayProfile: DEFAULT_GATEWAY_PROFILE,
      sendSubscriberInfo: false,
      ...emergency,
    },
  };
}

function fakes(now = () => new Date('2026-11-27T10:00:00Z')): {
  flow: EmergencyFlow;
  calls: EmergencyCallRequest[];
  events: EmergencyCallEvent[];
  messages: Array<[string, string]>;
  updates: Array<[string, string]>;
} {
  const calls: EmergencyCallRequest[] = [];
  const events: EmergencyCallEvent[] = [];
  const messages: Array<[string, string]> = [];
  const updates: Array<[string, string]> = [];
  const flow = new EmergencyFlow({
    dialer: {
      callEmergency: (req) => (calls.push(req), `call-${calls.length}`),
      sendMessage: async (to, text) => (messages.push([to, text]), { ok: true, detail: '200' }),
      updateEmergencyLocation: async (id, pidf) => (updates.push([id, pidf]), { ok: true, detail: '200' }),
    },
    recorder: { recordEmergencyCall: async (e) => void events.push(e) },
    newId: () => 'rec-1',
    now,
  });
  return { flow, calls, events, messages, updates };
}

describe('the home country', () => {
  it('is decided in one place: the address, then the administrator, then the OS region, then FR', () => {
    expect(decideHomeCountry({ addressCountry: 'be', provisioned: 'US', systemLocale: 'de-DE' })).toBe('BE');
    expect(decideHomeCountry({ provisioned: 'US', systemLocale: 'de-DE' })).toBe('US');
    expect(decideHomeCountry({ systemLocale: 'fr-FR' })).toBe('FR');
    expect(decideHomeCountry({ systemLocale: 'en_US.UTF-8' })).toBe('US');
    expect(decideHomeCountry({ systemLocale: 'C' })).toBe('FR');
  });
});

describe('the test line', () => {
  const catalogue = new EmergencyCatalogue();
  it('is never a real emergency number of the home or the network country', () => {
    expect(checkTestLine('17', ['FR'], catalogue)).toMatchObject({ ok: false, country: 'FR' });
    // On a fr-FR machine with no homeCountry, '17' was checked against 'US' and passed.
    expect(checkTestLine('17', ['US'], catalogue).ok).toBe(true);
    expect(checkTestLine('17', ['US', 'FR'], catalogue).ok).toBe(false);
    expect(checkTestLine('933', ['US'], catalogue).ok).toBe(true);
  });
  it('nor one of the administrator numbers', () => {
    const withAdmin = new EmergencyCatalogue([{ country: 'FR', number: '4444', service: { en: 'Site security', fr: 'Sécurité du site' } }]);
    expect(checkTestLine('4444', ['FR'], withAdmin).ok).toBe(false);
  });
  it('defaults to the catalogue test line of the home country (US 933), and to none elsewhere', () => {
    expect(chooseTestLine(null, ['US'], 'US', catalogue)).toBe('933');
    expect(chooseTestLine(null, ['FR'], 'FR', catalogue)).toBeNull();
    expect(chooseTestLine('17', ['FR', null], 'FR', catalogue)).toBeNull();
  });
  it('the flow refuses a test call to a real number where it is placed, and dials nothing', () => {
    const { flow, calls } = fakes();
    expect(flow.placeTest(hostState({ testNumber: '17' }), null, 'fr')).toMatchObject({ ok: false, reason: 'realEmergency' });
    // Home US, but the network is in France: 17 is the police there.
    expect(flow.placeTest(hostState({ testNumber: '17', homeCountry: 'US' }), 'FR', 'en')).toMatchObject({ ok: false });
    expect(calls).toHaveLength(0);
    const ok = flow.placeTest(hostState({ testNumber: '933', homeCountry: 'US' }), null, 'en');
    expect(ok.ok).toBe(true);
    expect(calls[0]).toMatchObject({ dialString: '933', urn: 'urn:service:test.sos', test: true });
  });
});

describe('placing an emergency call', () => {
  it('writes the start line with the PIDF-LO it sends, dials, and tells the security desk after', async () => {
    const { flow, calls, events, messages } = fakes();
    const host = hostState({ securityDesk: 'sip:security@example.com' });
    const c = classifyInput('112', host, 'FR');
    if (!c.emergency) throw new Error('112 is an emergency number');
    const id = flow.place(host, c, 'FR', 'fr');
    expect(id).toBe('call-1');
    expect(events[0]).toMatchObject({ type: 'start', id: 'rec-1', number: '112', urn: 'urn:service:sos', networkCountry: 'FR', roamingWarning: false, result: 'trying' });
    expect(calls[0]?.pidfLo).toBe(events[0]?.pidfLo);
    expect(calls[0]?.pidfLo).toContain('Rue de la Paix');
    // RFC 7852: provider and device always, no subscriber unless allowed; the record keeps them as sent.
    expect(calls[0]?.additionalData?.map((d) => d.contentType)).toEqual([
      'application/EmergencyCallData.ProviderInfo+xml',
      'application/EmergencyCallData.DeviceInfo+xml',
      'application/EmergencyCallData.Comment+xml',
    ]);
    expect(events[0]?.additionalData?.map((d) => d.body)).toEqual(calls[0]?.additionalData?.map((d) => d.body));
    expect(calls[0]?.profile).toEqual(DEFAULT_GATEWAY_PROFILE);
    expect(calls[0]?.recorded).toBeInstanceOf(Promise);
    await new Promise((r) => setTimeout(r, 0));
    expect(messages[0]?.[0]).toBe('sip:security@example.com');
    expect(messages[0]?.[1]).toContain('Emergency call started: 112');
    expect(messages[0]?.[1]).toContain('Alice <sip:alice@example.com> (callback number)');
    expect(events.find((e) => e.securityDesk)?.securityDesk).toBe('sip:security@example.com: notified');
  });

  it('goes out without location when no address is registered', () => {
    const { flow, calls, events } = fakes();
    const host = hostState({ address: null });
    const c = classifyInput('15', host);
    if (!c.emergency) throw new Error('15 is an emergency number in France');
    flow.place(host, c, null, 'fr');
    expect(calls[0]?.pidfLo).toBeNull();
    expect(events[0]).toMatchObject({ pidfLo: null, locationSource: null, urn: 'urn:service:sos.ambulance' });
  });
});

describe('the record lines as the call goes on', () => {
  const base: CallSnapshot = {
    id: 'call-1',
    direction: 'outgoing',
    remoteUri: 'sip:112@example.com',
    remoteName: '112',
    state: 'dialing',
    muted: false,
    held: false,
    holdPending: false,
    startedAt: 0,
    emergency: { dialString: '112', locationSent: true, attempts: [{ gateway: 'ws://a', result: 'sent' }] },
  };
  const ids = new Map([['call-1', 'rec-1']]);
  it('a gateway superseded and released is on record', () => {
    const after: CallSnapshot = {
      ...base,
      emergency: { ...base.emergency!, attempts: [{ gateway: 'ws://a', result: 'no progress', superseded: 'cancelled' }, { gateway: 'ws://b', result: 'sent' }] },
    };
    expect(recordUpdates([base], [after], ids)).toEqual([
      { type: 'update', id: 'rec-1', gateways: [{ gateway: 'ws://a', result: 'no progress', superseded: 'cancelled' }, { gateway: 'ws://b', result: 'sent' }] },
    ]);
    const late: CallSnapshot = { ...after, emergency: { ...after.emergency!, attempts: [{ gateway: 'ws://a', result: 'no progress', superseded: 'answered late, released' }, { gateway: 'ws://b', result: 'sent' }] } };
    expect(recordUpdates([after], [late], ids)[0]?.gateways?.[0]).toEqual({ gateway: 'ws://a', result: 'no progress', superseded: 'answered late, released' });
  });
  it('answered, then ended with its duration', () => {
    const answered: CallSnapshot = { ...base, state: 'established', answeredAt: 1000 };
    expect(recordUpdates([base], [answered], ids)[0]).toMatchObject({ result: 'answered' });
    const ended: CallSnapshot = { ...answered, state: 'ended', endedAt: 61_000 };
    expect(recordUpdates([answered], [ended], ids)[0]).toMatchObject({ result: 'ended', durationSeconds: 60, failure: null });
  });
});

describe('location updates during an emergency call (RFC 6881 ED-38)', () => {
  const snapshot = (state: CallSnapshot['state']): CallSnapshot => ({
    id: 'call-1', direction: 'outgoing', remoteUri: 'sip:112@example.com', remoteName: '112', state, muted: false, held: false, holdPending: false, startedAt: 0,
    emergency: { dialString: '112', locationSent: true, attempts: [] },
  });
  const moved = (rd: string): HostState => hostState({ address: { address: { country: 'FR', A3: 'Paris', RD: rd, HNO: '10', PC: '75002' }, source: 'user' } });

  it('sends a changed address once the call is answered, then at most once every 10 s, the newest one', async () => {
    vi.useFakeTimers();
    try {
      let clock = Date.parse('2026-11-27T10:00:00Z');
      const { flow, updates, events } = fakes(() => new Date(clock));
      const host = hostState();
      const c = classifyInput('112', host);
      if (!c.emergency) throw new Error('112');
      flow.place(host, c, null, 'fr');
      // The same address again (a state refresh): nothing to send.
      flow.locationChanged(host, 'fr');
      // Changed before the answer: held until the call is up.
      flow.locationChanged(moved('Rue de Rivoli'), 'fr');
      expect(updates).toHaveLength(0);
      flow.follow([snapshot('dialing')], [snapshot('established')]);
      expect(updates).toHaveLength(1);
      expect(updates[0]?.[1]).toContain('Rue de Rivoli');
      await vi.advanceTimersByTimeAsync(0);
      expect(events.at(-1)?.locationUpdates?.[0]).toMatchObject({ result: 'sent' });
      // Two more changes within 10 s: only the newest goes, 10 s after the first update.
      clock += 2000;
      flow.locationChanged(moved('Rue du Louvre'), 'fr');
      flow.locationChanged(moved('Quai de Conti'), 'fr');
      expect(updates).toHaveLength(1);
      clock += 8000;
      await vi.advanceTimersByTimeAsync(8000);
      expect(updates).toHaveLength(2);
      expect(updates[1]?.[1]).toContain('Quai de Conti');
      expect(events.at(-1)?.locationUpdates).toHaveLength(2);
      // The call ends: nothing more is sent.
      flow.follow([snapshot('established')], [snapshot('ended')]);
      flow.locationChanged(moved('Rue Bonaparte'), 'fr');
      await vi.advanceTimersByTimeAsync(20_000);
      expect(updates).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends nothing when the gateway profile sends no location', () => {
    const { flow, updates } = fakes();
    const host = hostState({ gatewayProfile: { ...DEFAULT_GATEWAY_PROFILE, location: 'none' } });
    const c = classifyInput('112', host);
    if (!c.emergency) throw new Error('112');
    flow.place(host, c, null, 'fr');
    flow.follow([snapshot('dialing')], [snapshot('established')]);
    flow.locationChanged({ ...moved('Rue de Rivoli'), emergency: { ...moved('Rue de Rivoli').emergency, gatewayProfile: host.emergency.gatewayProfile } }, 'fr');
    expect(updates).toHaveLength(0);
  });
});

describe('what goes with the call follows the gateway profile', () => {
  it('no location, no additional data; SubscriberInfo only where the administrator allows it', () => {
    const { flow, calls, events } = fakes();
    const bare = hostState({ gatewayProfile: { requestUri: 'service-urn', location: 'none', identity: 'none', additionalData: false } });
    const c = classifyInput('17', bare);
    if (!c.emergency) throw new Error('17');
    flow.place(bare, c, null, 'fr');
    expect(calls[0]).toMatchObject({ pidfLo: null, additionalData: [], urn: 'urn:service:sos.police' });
    expect(events[0]).toMatchObject({ pidfLo: null, additionalData: [] });
    const allowed = hostState({ sendSubscriberInfo: true });
    flow.place(allowed, c, null, 'fr');
    expect(calls[1]?.additionalData?.map((d) => d.contentType)).toContain('application/EmergencyCallData.SubscriberInfo+xml');
    expect(calls[1]?.additionalData?.find((d) => d.contentType.includes('SubscriberInfo'))?.body).toContain('Alice');
  });
  it('the app names its own version as package.json does', async () => {
    const { APP_VERSION } = await import('../../src/app-info');
    const { readFileSync } = await import('node:fs');
    expect(APP_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
