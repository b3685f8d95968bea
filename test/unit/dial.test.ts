import { describe, expect, it } from 'vitest';
import { parseDialString } from '../../src/dial';

const D = 'example.com';

describe('parseDialString', () => {
  it('dials digits at the account domain, ignoring separators', () => {
    expect(parseDialString('01 23.45-67 (89)', D)).toMatchObject({ ok: true, uri: 'sip:0123456789@example.com' });
    expect(parseDialString('+33 1 23 45 67 89', D)).toMatchObject({ ok: true, uri: 'sip:+33123456789@example.com' });
  });
  it('keeps * and # (escaped where needed)', () => {
    expect(parseDialString('*21#', D)).toMatchObject({ ok: true, uri: 'sip:*21%23@example.com' });
  });
  it('accepts SIP addresses and tel: links', () => {
    expect(parseDialString('sip:bob@example.org', D)).toMatchObject({ ok: true, uri: 'sip:bob@example.org' });
    expect(parseDialString('bob@example.org', D)).toMatchObject({ ok: true, uri: 'sip:bob@example.org' });
    expect(parseDialString('tel:+33-1-23-45-67-89', D)).toMatchObject({ ok: true, uri: 'sip:+33123456789@example.com' });
    expect(parseDialString('bob', D)).toMatchObject({ ok: true, uri: 'sip:bob@example.com' });
  });
  it('gives a clear error for bad input', () => {
    expect(parseDialString('', D)).toMatchObject({ ok: false, code: 'empty' });
    expect(parseDialString('12+34', D)).toMatchObject({ ok: false, code: 'invalid' });
    expect(parseDialString('<script>', D)).toMatchObject({ ok: false, code: 'invalid' });
    expect(parseDialString('sip:@@', D)).toMatchObject({ ok: false, code: 'invalid' });
    expect(parseDialString('1'.repeat(300), D)).toMatchObject({ ok: false, code: 'invalid' });
    expect(parseDialString('12\r\nVia: x', D)).toMatchObject({ ok: false });
  });
});
