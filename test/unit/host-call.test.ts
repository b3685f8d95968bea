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
  ])('rejects %s', (_name, method, args) => {
    expect(() => checkHostCall(method, args)).toThrow(HostCallError);
  });
});
