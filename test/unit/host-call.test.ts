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

describe('checkHostCall: call history', () => {
  const entry = {
    id: 'call-1',
    direction: 'incoming',
    outcome: 'missed',
    kind: 'ordinary',
    number: '+33123456789',
    name: 'Alice',
    startedAt: '2025-01-01T10:00:00.000Z',
    answeredAt: null,
    endedAt: '2025-01-01T10:00:30.000Z',
    durationSeconds: null,
    emergencyRecordId: null,
    reason: null,
  };

  it('accepts a complete entry, and the other history methods without arguments', () => {
    expect(checkHostCall('recordCall', [entry]).method).toBe('recordCall');
    expect(checkHostCall('recordCall', [{ ...entry, kind: 'emergency', emergencyRecordId: 'rec-1', durationSeconds: 0, reason: '486 Busy Here' }]).method).toBe('recordCall');
    for (const m of ['listCallHistory', 'markHistorySeen', 'clearCallHistory']) expect(checkHostCall(m, []).method).toBe(m);
  });

  it.each([
    ['an unknown direction', { direction: 'sideways' }, /bad field direction/],
    ['an unknown outcome', { outcome: 'ringing' }, /bad field outcome/],
    ['an unknown kind', { kind: 'secret' }, /bad field kind/],
    ['a too-long number', { number: '1'.repeat(257) }, /bad field number/],
    ['a numeric number', { number: 112 }, /bad field number/],
    ['a too-long name', { name: 'x'.repeat(257) }, /bad field name/],
    ['a too-long reason', { reason: 'x'.repeat(257) }, /bad field reason/],
    ['a too-long id', { id: 'x'.repeat(65) }, /bad field id/],
    ['an empty id', { id: '' }, /bad field id/],
    ['a startedAt that is no time', { startedAt: 'yesterday-ish' }, /bad field startedAt/],
    ['a null startedAt', { startedAt: null }, /bad field startedAt/],
    ['a negative duration', { durationSeconds: -1 }, /bad field durationSeconds/],
    ['an infinite duration', { durationSeconds: Infinity }, /bad field durationSeconds/],
    ['an unknown field', { extra: 1 }, /unknown field extra/],
    ['an inherited key', JSON.parse('{"__proto__": {"outcome": "answered"}}'), /unknown field __proto__/],
  ])('rejects %s', (_name, fields, message) => {
    expect(() => checkHostCall('recordCall', [{ ...entry, ...fields }])).toThrow(HostCallError);
    expect(() => checkHostCall('recordCall', [{ ...entry, ...fields }])).toThrow(message);
  });

  it('rejects a missing field, and anything but one entry', () => {
    const { reason: _reason, ...withoutReason } = entry;
    expect(() => checkHostCall('recordCall', [withoutReason])).toThrow(/missing field reason/);
    expect(() => checkHostCall('recordCall', [{ ...entry, reason: undefined }])).toThrow(/bad field reason/);
    expect(() => checkHostCall('recordCall', [])).toThrow(HostCallError);
    expect(() => checkHostCall('recordCall', [[entry]])).toThrow(HostCallError);
    expect(() => checkHostCall('recordCall', [null])).toThrow(HostCallError);
    expect(() => checkHostCall('listCallHistory', [1])).toThrow(HostCallError);
  });
});

describe('checkHostCall: setAttention', () => {
  it('accepts a missed-call count and a flash flag', () => {
    expect(checkHostCall('setAttention', [{ missedCalls: 0, flash: false }])).toEqual({ method: 'setAttention', args: [{ missedCalls: 0, flash: false }] });
    expect(checkHostCall('setAttention', [{ missedCalls: 9999, flash: true }]).method).toBe('setAttention');
  });

  it.each([
    ['no argument', []],
    ['two arguments', [{ missedCalls: 1, flash: true }, 1]],
    ['null', [null]],
    ['a list', [[1, true]]],
    ['a negative count', [{ missedCalls: -1, flash: false }]],
    ['a fractional count', [{ missedCalls: 1.5, flash: false }]],
    ['a count above 9999', [{ missedCalls: 10_000, flash: false }]],
    ['an infinite count', [{ missedCalls: Infinity, flash: false }]],
    ['a count as text', [{ missedCalls: '3', flash: false }]],
    ['a missing count', [{ flash: true }]],
    ['a flash that is not a boolean', [{ missedCalls: 1, flash: 'yes' }]],
    ['a missing flash', [{ missedCalls: 1 }]],
    ['an unknown field', [{ missedCalls: 1, flash: true, sound: true }]],
    ['an inherited key', [JSON.parse('{"missedCalls": 1, "flash": true, "__proto__": {}}')]],
  ])('rejects %s', (_name, args) => {
    expect(() => checkHostCall('setAttention', args)).toThrow(HostCallError);
  });
});

describe('checkHostCall: address book', () => {
  const contact = {
    name: 'Zoë Ñúñez',
    organization: null,
    numbers: [{ label: 'mobile', number: '+33 6 12 34 56 78' }],
    email: null,
    note: null,
  };

  it('accepts the address book calls', () => {
    expect(checkHostCall('listContacts', [])).toEqual({ method: 'listContacts', args: [] });
    expect(checkHostCall('exportContacts', []).method).toBe('exportContacts');
    expect(checkHostCall('saveContact', [contact]).method).toBe('saveContact');
    expect(checkHostCall('saveContact', [{ ...contact, id: 'c-1', organization: 'Acme', email: 'z@example.com', note: 'hi' }]).method).toBe('saveContact');
    // Optional fields left out (JSON drops undefined); lengths and labels are the service's to report.
    expect(checkHostCall('saveContact', [{ name: '', numbers: [] }]).method).toBe('saveContact');
    expect(checkHostCall('saveContact', [{ ...contact, name: 'x'.repeat(300), numbers: [{ label: 'boat', number: '' }] }]).method).toBe('saveContact');
    expect(checkHostCall('deleteContact', ['c-1']).method).toBe('deleteContact');
    expect(checkHostCall('importContacts', ['BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n']).method).toBe('importContacts');
    expect(checkHostCall('importContacts', ['']).method).toBe('importContacts');
    // 5 MB exactly, in UTF-8 bytes.
    expect(checkHostCall('importContacts', ['é'.repeat(2.5 * 1024 * 1024)]).method).toBe('importContacts');
  });

  it.each([
    ['listContacts with an argument', 'listContacts', [1]],
    ['exportContacts with an argument', 'exportContacts', ['x']],
    ['saveContact with nothing', 'saveContact', []],
    ['saveContact with null', 'saveContact', [null]],
    ['saveContact with a list', 'saveContact', [[contact]]],
    ['saveContact with two contacts', 'saveContact', [contact, contact]],
    ['an unknown field', 'saveContact', [{ ...contact, updatedAt: '2025-01-01T00:00:00Z' }]],
    ['an inherited key', 'saveContact', [JSON.parse('{"name": "A", "numbers": [], "__proto__": {}}')]],
    ['a name that is not text', 'saveContact', [{ ...contact, name: 42 }]],
    ['a missing name', 'saveContact', [{ numbers: [] }]],
    ['an id that is not text', 'saveContact', [{ ...contact, id: 7 }]],
    ['an overlong id', 'saveContact', [{ ...contact, id: 'x'.repeat(65) }]],
    ['an email that is not text', 'saveContact', [{ ...contact, email: ['a@b'] }]],
    ['numbers missing', 'saveContact', [{ name: 'A' }]],
    ['numbers not a list', 'saveContact', [{ ...contact, numbers: { label: 'work', number: '1' } }]],
    ['a number that is text', 'saveContact', [{ ...contact, numbers: ['+33 1'] }]],
    ['a number with an extra field', 'saveContact', [{ ...contact, numbers: [{ label: 'work', number: '1', x: 1 }] }]],
    ['a number without label', 'saveContact', [{ ...contact, numbers: [{ number: '1' }] }]],
    ['a thousand numbers', 'saveContact', [{ ...contact, numbers: Array.from({ length: 1000 }, () => ({ label: 'work', number: '1' })) }]],
    ['a huge note', 'saveContact', [{ ...contact, note: 'n'.repeat(100_000) }]],
    ['deleteContact with no id', 'deleteContact', []],
    ['deleteContact with an empty id', 'deleteContact', ['']],
    ['deleteContact with a number', 'deleteContact', [1]],
    ['deleteContact with an overlong id', 'deleteContact', ['x'.repeat(65)]],
    ['importContacts with no text', 'importContacts', []],
    ['importContacts with a list', 'importContacts', [['BEGIN:VCARD']]],
    ['importContacts over 5 MB', 'importContacts', ['a'.repeat(5 * 1024 * 1024 + 1)]],
    ['importContacts over 5 MB in UTF-8', 'importContacts', ['é'.repeat(2.5 * 1024 * 1024 + 1)]],
  ])('rejects %s', (_name, method, args) => {
    expect(() => checkHostCall(method, args)).toThrow(HostCallError);
  });
});
