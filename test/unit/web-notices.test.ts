import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startWebHost } from '../../main/web/server';

const SECRET = 'Leaky-Web-Pass-4410';
/** The password typed without quotes: V8's own message would quote it. */
const BROKEN = `{\n  "version": 1,\n  "account": { "gateways": ["wss://pbx.example.com/ws"], "sipUri": "sip:a@example.com", "password": ${SECRET} }\n}\n`;

function setup(): { root: string; prov: string; rendererDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'softphone-web-notices-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Secours</title>');
  const prov = join(root, 'prov.json');
  writeFileSync(prov, BROKEN);
  return { root, prov, rendererDir };
}

describe('web host: a provisioning file with a JSON syntax error', () => {
  it('reports line and column, never the password, in its notices and on stderr', async () => {
    const { root, prov, rendererDir } = setup();
    const host = await startWebHost({ port: 0, dataDir: join(root, 'data'), rendererDir, provisioningPath: prov });
    try {
      expect(host.notices.map((n) => n.code)).toEqual(['provisioningInvalid']);
      expect(host.notices[0]?.message).toContain('line 3, column');
      expect(JSON.stringify(host.notices)).not.toContain(SECRET);
      // The page may reach its own bridge.
      const csp = await new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port: host.port, path: '/' }, (res) => {
          res.resume();
          resolve(String(res.headers['content-security-policy']));
        })
          .on('error', reject)
          .end();
      });
      expect(csp).toContain(`http://127.0.0.1:${host.port}`);
    } finally {
      await host.close();
    }
  });

  it('the CLI prints the notice without the password', async () => {
    const { root, prov } = setup();
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/web/cli.ts', '--port', '0', '--data-dir', join(root, 'data'), '--provisioning', prov], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 30_000);
        child.stdout.on('data', () => {
          if (stdout.includes('SOFTPHONE_WEB_URL=')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', () => reject(new Error(`exited; stderr: ${stderr}`)));
      });
    } finally {
      child.kill('SIGTERM');
    }
    expect(stderr).toContain('provisioningInvalid');
    expect(stderr).toContain('line 3, column');
    expect(stderr + stdout).not.toContain(SECRET);
  }, 40_000);
});
