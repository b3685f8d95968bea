import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkProvisionedEmergency, jsonErrorOffset, loadProvisioning, provisioningPath } from '../../main/host/provisioning';

const dir = mkdtempSync(join(tmpdir(), 'softphone-prov-'));
let n = 0;
function file(content: unknown): string {
  const path = join(dir, `p${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const account = { gateways: ['wss://sip.example.com/ws'], sipUri: 'sip:alice@example.com', password: 'pw' };

describe('provisioningPath', () => {
  it('takes the flag first, then the environment', () => {
    expect(provisioningPath(['node', 'x', '--provisioning', '/a.json'], { SOFTPHONE_PROVISIONING: '/b.json' })).toBe('/a.json');
    expect(provisioningPath(['--provisioning=/c.json'], {})).toBe('/c.json');
    expect(provisioningPath(['node'], { SOFTPHONE_PROVISIONING: '/b.json' })).toBe('/b.json');
    expect(provisioningPath(['node'], {})).toBeNull();
  });
});

describe('loadProvisioning', () => {
  it('loads a valid v1 file and ignores unknown top-level keys', () => {
    const p = loadProvisioning(file({ version: 1, account, emergency: { future: true }, $comment: 'note' }));
    expect(p.ok).toBe(true);
    expect(p.notices).toEqual([]);
    expect(p.account).toMatchObject({ sipUri: 'sip:alice@example.com', authUser: 'alice', password: 'pw' });
  });

  it('names the file and the bad field', () => {
    const path = file({ version: 1, account: { ...account, gateways: ['ws://sip.example.com/ws'], iceServers: ['http://x'] } });
    const p = loadProvisioning(path);
    expect(p.ok).toBe(false);
    expect(p.account).toBeNull();
    const notice = p.notices[0];
    expect(notice?.code).toBe('provisioningInvalid');
    expect(notice?.message).toContain(path);
    expect(notice?.message).toContain('account.gateways[0]');
    expect(notice?.errors?.map((e) => e.field)).toEqual(['account.gateways[0]', 'account.iceServers[0].urls']);
  });

  it('requires version 1', () => {
    expect(loadProvisioning(file({ account })).notices[0]?.errors?.[0]?.field).toBe('version');
    const v2 = loadProvisioning(file({ version: 2, account })).notices[0];
    expect(v2?.errors?.[0]).toMatchObject({ field: 'version', code: 'unsupported' });
  });

  it('reports bad JSON and a non-object file as invalid, naming the file', () => {
    const bad = file('{ "version": 1, ');
    const p = loadProvisioning(bad);
    expect(p.notices[0]?.code).toBe('provisioningInvalid');
    expect(p.notices[0]?.message).toContain(bad);
    expect(loadProvisioning(file([1, 2])).notices[0]?.errors?.[0]?.field).toBe('(file)');
  });

  it('reports a missing file as unreadable, never throwing', () => {
    const missing = join(dir, 'nope.json');
    const p = loadProvisioning(missing);
    expect(p).toMatchObject({ ok: false, account: null });
    expect(p.notices[0]?.code).toBe('provisioningUnreadable');
    expect(p.notices[0]?.message).toContain(missing);
    expect(loadProvisioning('').notices[0]?.code).toBe('provisioningUnreadable');
  });
});

describe('provisioning: emergency test line', () => {
  it('refuses a real emergency number as the test line, and accepts 933', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadProvisioning } = await import('../../main/host/provisioning');
    const dir = mkdtempSync(join(tmpdir(), 'softphone-prov-test-'));
    const write = (emergency: unknown): string => {
      const file = join(dir, `${Math.random()}.json`);
      writeFileSync(file, JSON.stringify({ version: 1, emergency }));
      return file;
    };
    const real = loadProvisioning(write({ homeCountry: 'US', testNumber: '911' }));
    expect(real.ok).toBe(false);
    expect(real.notices[0]?.message).toContain('emergency.testNumber: 911 is a real emergency number');
    const fr = loadProvisioning(write({ homeCountry: 'FR', testNumber: '112' }));
    expect(fr.ok).toBe(false);
    const ok = loadProvisioning(write({ homeCountry: 'US', testNumber: '933' }));
    expect(ok.ok && ok.emergency?.testNumber).toBe('933');
  });
});

describe('provisioning: a JSON syntax error', () => {
  const SECRET = 'Leaky-Pass-9731';

  it.each([
    ['a password without quotes', `{\n  "version": 1,\n  "account": {\n    "sipUri": "sip:a@example.com",\n    "password": ${SECRET}\n  }\n}`, 5, 17],
    ['a missing comma after the password', `{"version": 1, "account": {"password": "${SECRET}" "sipUri": "sip:a@b"}}`, 1, 58],
    ['a file cut short in the password', `{"version": 1, "account": {"password": "${SECRET}`, 1, 56],
  ])('with %s is reported by line and column, quoting nothing of the file', (_name, content, line, column) => {
    const p = loadProvisioning(file(content));
    expect(p.ok).toBe(false);
    expect(p.notices[0]?.code).toBe('provisioningInvalid');
    expect(p.notices[0]?.message).toContain(`not valid JSON`);
    expect(p.notices[0]?.message).toContain(`line ${line}, column ${column}`);
    // Not in the notice, its errors, or anything else the host keeps of the file.
    expect(JSON.stringify(p)).not.toContain(SECRET);
    expect(JSON.stringify(p)).not.toContain(SECRET.slice(0, 5));
  });

  it('finds an error exactly when JSON.parse does', () => {
    const valid = (t: string): boolean => {
      try {
        JSON.parse(t);
        return true;
      } catch {
        return false;
      }
    };
    const near = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', '\\u12', '-', '.', 'e', 'x', '\u0001', ' '))
      .map(([t, at, insert]) => t.slice(0, at % (t.length + 1)) + insert + t.slice(at % (t.length + 1)));
    fc.assert(fc.property(fc.oneof(fc.json(), near, fc.string()), (t) => (jsonErrorOffset(t) === -1) === valid(t)), { numRuns: 3000 });
  });
});

describe('provisioning: the emergency section kept in the settings', () => {
  it('re-checks to itself, and refuses what a valid file could not hold', () => {
    const emergency = {
      homeCountry: 'FR',
      address: { country: 'FR', HNO: '10', RD: 'Rue de la Paix', PC: '75002', A3: 'Paris' },
      addressLocked: true,
      securityDesk: 'sip:security@example.com',
      networkSites: [{ name: 'HQ', subnets: ['10.9.0.0/16'], publicIps: [], address: { country: 'FR', HNO: '1', RD: 'Place de la Bourse', PC: '69002', A3: 'Lyon' } }],
    };
    const loaded = loadProvisioning(file({ version: 1, emergency })).emergency;
    expect(loaded).not.toBeNull();
    expect(checkProvisionedEmergency(JSON.parse(JSON.stringify(loaded)))).toEqual(JSON.parse(JSON.stringify(loaded)));
    expect(checkProvisionedEmergency(null)).toBeNull();
    expect(checkProvisionedEmergency({ ...emergency, securityDesk: 'mailto:x' })).toBeNull();
  });
});
