import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  claimLinkSchemes,
  LinkInbox,
  linkFromArgv,
  protocolClientCommand,
  readClaimedSchemes,
  registerLinkSchemes,
  REGISTER_LINKS_ENV,
  writeClaimedSchemes,
  type ProtocolClient,
} from '../../main/host/links';
import { HostEventQueue } from '../../main/host/host-events';
import { LINK_SCHEMES } from '../../src/links';

describe('linkFromArgv', () => {
  it('finds the link the OS started the app with (packaged, and `electron .`)', () => {
    expect(linkFromArgv(['/opt/Secours Softphone/secours-softphone', 'sip:alice@example.com'])).toBe('sip:alice@example.com');
    expect(linkFromArgv(['C:\\Program Files\\Secours\\Secours.exe', '--', 'tel:+33123456789'])).toBe('tel:+33123456789');
    expect(linkFromArgv(['/usr/bin/electron', '/work/app', 'callto://+33123456789'])).toBe('callto://+33123456789');
    expect(linkFromArgv(['electron', '.', 'SIPS:bob@example.com'])).toBe('SIPS:bob@example.com');
  });

  it('finds it among Chromium switches in a second instance’s command line', () => {
    expect(linkFromArgv(['secours.exe', '--allow-file-access-from-files', '--original-process-start-time=13', 'tel:112'])).toBe('tel:112');
  });

  it('is null without a link, and ignores other schemes and file names', () => {
    expect(linkFromArgv([])).toBeNull();
    expect(linkFromArgv(['electron', '.', '--no-sandbox'])).toBeNull();
    expect(linkFromArgv(['app', 'https://example.com/', 'mailto:a@example.com', 'javascript:alert(1)', 'C:\\tel:x'])).toBeNull();
    expect(linkFromArgv(['app', 'telephone:123', 'sipx:1'])).toBeNull();
  });

  it('does not take the --provisioning file for a link', () => {
    expect(linkFromArgv(['app', '--provisioning', 'tel:odd-file-name.json'])).toBeNull();
    expect(linkFromArgv(['app', '--provisioning', 'tel:odd.json', 'tel:112'])).toBe('tel:112');
  });

  it('takes the first link', () => {
    expect(linkFromArgv(['app', 'tel:112', 'sip:alice@example.com'])).toBe('tel:112');
  });
});

describe('LinkInbox', () => {
  it('holds links until attached, then delivers them in order, then each as it comes', () => {
    const inbox = new LinkInbox();
    const got: string[] = [];
    inbox.receive('tel:1');
    inbox.receive('tel:2');
    expect(inbox.attached).toBe(false);
    inbox.attach((uri) => got.push(uri));
    expect(inbox.attached).toBe(true);
    expect(got).toEqual(['tel:1', 'tel:2']);
    inbox.receive('tel:3');
    expect(got).toEqual(['tel:1', 'tel:2', 'tel:3']);
  });

  it('keeps only the latest 8 before it is attached', () => {
    const inbox = new LinkInbox();
    for (let i = 1; i <= 10; i++) inbox.receive(`tel:${i}`);
    const got: string[] = [];
    inbox.attach((uri) => got.push(uri));
    expect(got).toEqual(['tel:3', 'tel:4', 'tel:5', 'tel:6', 'tel:7', 'tel:8', 'tel:9', 'tel:10']);
  });

  it('feeds the host event queue, which the page reads as link events (start argv, then open-url before ready)', () => {
    const inbox = new LinkInbox();
    inbox.receive(linkFromArgv(['app', 'tel:+33123456789']) as string);
    inbox.receive('sip:alice@example.com');
    const events = new HostEventQueue();
    inbox.attach((uri) => events.push({ type: 'link', uri }));
    inbox.receive('callto:bob@example.com');
    expect(events.since(-1).events).toEqual([
      { type: 'link', uri: 'tel:+33123456789' },
      { type: 'link', uri: 'sip:alice@example.com' },
      { type: 'link', uri: 'callto:bob@example.com' },
    ]);
  });
});

describe('protocolClientCommand', () => {
  const packaged = { defaultApp: false, execPath: '/opt/secours/secours', argv: ['/opt/secours/secours'], env: {} };

  it('registers the packaged app as itself', () => {
    expect(protocolClientCommand(packaged)).toEqual({});
  });

  it('registers `electron <app>` with the app’s absolute path only when asked to', () => {
    const dev = { defaultApp: true, execPath: '/usr/bin/electron', argv: ['/usr/bin/electron', '.'], env: {} };
    expect(protocolClientCommand(dev)).toBeNull();
    expect(protocolClientCommand({ ...dev, env: { [REGISTER_LINKS_ENV]: '1' } })).toEqual({ path: '/usr/bin/electron', args: [resolve('.')] });
    expect(protocolClientCommand({ ...dev, argv: ['/usr/bin/electron'], env: { [REGISTER_LINKS_ENV]: '1' } })).toBeNull();
  });
});

function fakeClient(defaults: Record<string, boolean>, refuse: string[] = []): ProtocolClient & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    isDefaultProtocolClient: (scheme) => defaults[scheme] === true,
    setAsDefaultProtocolClient: (...args) => {
      calls.push(args);
      if (refuse.includes(args[0])) return false;
      defaults[args[0]] = true;
      return true;
    },
  };
}

describe('claimLinkSchemes', () => {
  it('claims sip, sips, tel and callto the first time', () => {
    const client = fakeClient({});
    const result = claimLinkSchemes(client, {}, new Set());
    expect(result.outcomes).toEqual({ sip: 'claimed', sips: 'claimed', tel: 'claimed', callto: 'claimed' });
    expect(result.claimed).toEqual(['sip', 'sips', 'tel', 'callto']);
    expect(client.calls).toEqual([['sip'], ['sips'], ['tel'], ['callto']]);
  });

  it('passes the development command', () => {
    const client = fakeClient({});
    claimLinkSchemes(client, { path: '/usr/bin/electron', args: ['/work/app'] }, new Set());
    expect(client.calls[0]).toEqual(['sip', '/usr/bin/electron', ['/work/app']]);
  });

  it('does not take a scheme back from the application the user chose since', () => {
    const client = fakeClient({ sip: true });
    const result = claimLinkSchemes(client, {}, new Set(['sip', 'tel']));
    expect(result.outcomes).toEqual({ sip: 'ours', sips: 'claimed', tel: 'left', callto: 'claimed' });
    expect(result.claimed).toEqual(['sip', 'sips', 'tel', 'callto']);
    expect(client.calls).toEqual([['sips'], ['callto']]);
  });

  it('tries a refused scheme again next time', () => {
    const result = claimLinkSchemes(fakeClient({}, ['tel']), {}, new Set());
    expect(result.outcomes.tel).toBe('failed');
    expect(result.claimed).toEqual(['sip', 'sips', 'callto']);
  });
});

describe('registerLinkSchemes and the claimed-schemes file', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });
  const launch = { defaultApp: false, execPath: '/opt/secours/secours', argv: ['/opt/secours/secours'], env: {} };

  it('claims once, then leaves alone what the user gave to another application', () => {
    dir = mkdtempSync(join(tmpdir(), 'links-'));
    const first = fakeClient({});
    expect(registerLinkSchemes(first, launch, dir, () => {})).toEqual({ sip: 'claimed', sips: 'claimed', tel: 'claimed', callto: 'claimed' });
    expect(readClaimedSchemes(dir)).toEqual(new Set(['sip', 'sips', 'tel', 'callto']));
    // The user makes another application the tel: handler.
    const later = fakeClient({ sip: true, sips: true, callto: true });
    expect(registerLinkSchemes(later, launch, dir, () => {})).toEqual({ sip: 'ours', sips: 'ours', tel: 'left', callto: 'ours' });
    expect(later.calls).toEqual([]);
  });

  it('does nothing for a development run that was not asked to', () => {
    dir = mkdtempSync(join(tmpdir(), 'links-'));
    const client = fakeClient({});
    expect(registerLinkSchemes(client, { ...launch, defaultApp: true, argv: ['electron', '.'] }, dir, () => {})).toBeNull();
    expect(client.calls).toEqual([]);
  });

  it('reads a missing or broken file as nothing claimed, and reports a file it cannot write', () => {
    dir = mkdtempSync(join(tmpdir(), 'links-'));
    expect(readClaimedSchemes(dir)).toEqual(new Set());
    writeFileSync(join(dir, 'link-schemes.json'), '{not json');
    expect(readClaimedSchemes(dir)).toEqual(new Set());
    writeFileSync(join(dir, 'link-schemes.json'), JSON.stringify({ claimed: ['tel', 3, null] }));
    expect(readClaimedSchemes(dir)).toEqual(new Set(['tel']));
    writeFileSync(join(dir, 'link-schemes.json'), 'null');
    expect(readClaimedSchemes(dir)).toEqual(new Set());

    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const errors: unknown[] = [];
    // A data "directory" that is a file: the registration still happens, the error is reported.
    expect(registerLinkSchemes(fakeClient({}), launch, file, (err) => errors.push(err))).toMatchObject({ sip: 'claimed' });
    expect(errors).toHaveLength(1);
  });

  it('writes the claimed schemes, creating the data directory', () => {
    dir = mkdtempSync(join(tmpdir(), 'links-'));
    const sub = join(dir, 'new');
    writeClaimedSchemes(sub, ['tel', 'sip']);
    expect(JSON.parse(readFileSync(join(sub, 'link-schemes.json'), 'utf8'))).toEqual({ claimed: ['sip', 'tel'] });
  });
});

describe('electron-builder.yml', () => {
  it('declares every scheme the app handles (macOS Info.plist, Linux desktop MimeType)', () => {
    const config = readFileSync(join(import.meta.dirname, '..', '..', 'electron-builder.yml'), 'utf8');
    const lists = [...config.matchAll(/^\s*schemes:\s*\[([^\]]*)\]/gm)].flatMap((m) => (m[1] as string).split(',').map((s) => s.trim()));
    expect(new Set(lists)).toEqual(new Set(LINK_SCHEMES));
  });
});
