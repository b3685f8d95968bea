import { describe, expect, it } from 'vitest';
import { checkHostCall, HostCallError } from '../../src/host-api';

describe('checkHostCall', () => {
  it('accepts well-formed calls', () => {
    expect(checkHostCall('getState', [])).toEqual({ method: 'getState', args: [] });
    expect(checkHostCall('setPreferences', [{ language: 'fr', doNotDisturb: true }]).method).toBe('setPreferences');
    expect(checkHostCall('saveAccount', [{}]).method).toBe('saveAccount');
  });

  it.each([
    ['unknown method', 'deleteEverything', []],
    ['prototype key', 'constructor', []],
    ['non-string method', 42, []],
    ['args not a list', 'getState', {}],
    ['wrong arity', 'getState', [1]],
    ['missing argument', 'saveAccount', []],
    ['saveAccount with a string', 'saveAccount', ['x']],
    ['saveAccount with a list', 'saveAccount', [[]]],
    ['bad language', 'setPreferences', [{ language: 'de' }]],
    ['non-boolean doNotDisturb', 'setPreferences', [{ doNotDisturb: 'yes' }]],
    ['overlong device id', 'setPreferences', [{ audioInputId: 'x'.repeat(600) }]],
    ['unknown preference', 'setPreferences', [{ evil: 1 }]],
    ['null patch', 'setPreferences', [null]],
    ['an inherited key: constructor', 'setPreferences', [{ constructor: 'x' }]],
    ['an inherited key: toString', 'setPreferences', [{ toString: 'x' }]],
    ['an inherited key: __proto__ (parsed from JSON)', 'setPreferences', [JSON.parse('{"__proto__": {"language": "fr"}}')]],
    ['an inherited key: hasOwnProperty', 'setPreferences', [{ hasOwnProperty: 1 }]],
  ])('rejects %s', (_name, method, args) => {
    expect(() => checkHostCall(method, args)).toThrow(HostCallError);
  });
});

describe('checkHostCall: recordEmergencyCall', () => {
  const start = {
    type: 'start',
    id: 'c1',
    startedAt: '2025-01-01T10:00:00.000Z',
    number: '112',
    service: 'Emergency',
    urn: 'urn:service:sos',
    pidfLo: null,
    locationSource: 'user',
    networkCountry: null,
    roamingWarning: false,
    result: 'trying',
  };

  it('accepts the events the renderer sends', () => {
    expect(checkHostCall('recordEmergencyCall', [start]).method).toBe('recordEmergencyCall');
    const end = { type: 'update', id: 'c1', result: 'ended', failure: null, endedAt: '2025-01-01T10:05:00.000Z', durationSeconds: 300, gateways: [{ gateway: 'wss://a/ws', result: 'answered' }], pidfLo: undefined };
    expect(checkHostCall('recordEmergencyCall', [end]).method).toBe('recordEmergencyCall');
    expect(checkHostCall('recordEmergencyCall', [{ type: 'update', id: 'c1', securityDesk: 'sip:s@x: notified' }]).method).toBe('recordEmergencyCall');
  });

  it.each([
    ['gateways not a list', { gateways: 'oops' }],
    ['a gateway attempt without a result', { gateways: [{ gateway: 'wss://a/ws' }] }],
    ['an unknown result', { result: 'exploded' }],
    ['a numeric number', { number: 112 }],
    ['roamingWarning as text', { roamingWarning: 'yes' }],
    ['durationSeconds as text', { durationSeconds: '300' }],
    ['an object for pidfLo', { pidfLo: { xml: '<x/>' } }],
    ['an unknown field', { extra: 1 }],
    ['an inherited key', JSON.parse('{"__proto__": {"result": "ended"}}')],
  ])('rejects %s', (_name, fields) => {
    expect(() => checkHostCall('recordEmergencyCall', [{ type: 'update', id: 'c1', ...fields }])).toThrow(HostCallError);
  });
});
