/**
 * `npm run demo` as a newcomer uses it: scripts/demo.ts (what `npm run demo` runs once the machine
 * is set up) starts the gateway and the provisioned app; 1000 and 112 can be called at once, the
 * answering point receives the demo address, and Ctrl+C (SIGINT) stops everything it started.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { readSipDump } from '../gateway/sipdump';
import { parseSentPidf } from '../helpers/pidf';
import { expect, expectAudioBothWays, test } from './fixtures';

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

test('npm run demo: calls 1000 and 112 with no set-up, and Ctrl+C stops everything', async ({ browser }) => {
  test.setTimeout(90_000);
  const demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  demo.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  demo.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await expect.poll(() => /DEMO_URL=(\S+)/.test(out), { timeout: 45_000, message: `demo did not start: ${err}` }).toBe(true);
  const url = (/DEMO_URL=(\S+)/.exec(out) as RegExpExecArray)[1] as string;
  const sipdump = (/DEMO_SIPDUMP=(\S+)/.exec(out) as RegExpExecArray)[1] as string;
  expect(out).toContain('Call 1000');
  expect(out).toContain('Call 112');
  const httpPort = Number(new URL(url).port);
  const gatewayPort = Number(new URL((/DEMO_GATEWAY=(\S+)/.exec(out) as RegExpExecArray)[1] as string).port);

  const context = await browser.newContext({ permissions: ['microphone'] });
  const page = await context.newPage();
  try {
    await page.goto(url);
    // Provisioned: no first-run form, registered at once.
    await expect(page.locator('[data-testid="registration"][data-status="registered"]')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('address-compact')).toContainText('10 Rue de la Paix');

    await page.getByLabel('Number or SIP address').fill('1000');
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await expect(page.locator('[data-testid="call"][data-call-state="established"]')).toBeVisible({ timeout: 15_000 });
    await expectAudioBothWays(page);
    await page.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
    await expect(page.getByTestId('call')).toHaveCount(0, { timeout: 10_000 });

    const since = Date.now();
    await page.getByLabel('Number or SIP address').fill('112');
    await page.getByTestId('emergency-call-button').click();
    await expect(page.locator('[data-testid="call"][data-call-state="established"]')).toBeVisible({ timeout: 15_000 });
    await expectAudioBothWays(page);
    // On the wire: the simulated answering point got the demo address in the INVITE's PIDF-LO.
    const invite = readSipDump(sipdump).find((m) => m.time * 1000 >= since - 5 && m.direction === 'in' && m.method === 'INVITE');
    expect(invite, 'no INVITE at the demo emergency edge').toBeDefined();
    const pidf = parseSentPidf(invite?.multipart().find((part) => part.header('Content-Type') === 'application/pidf+xml')?.body ?? '');
    expect(pidf.civic).toMatchObject({ country: 'FR', RD: 'Rue de la Paix', HNO: '10', PC: '75002' });
    await page.getByTestId('call').getByRole('button', { name: 'Hang up' }).click();
    await page.getByRole('button', { name: 'Yes, hang up' }).click();
  } finally {
    await context.close();
  }

  // Ctrl+C: the demo exits, and its web host and gateway are gone.
  expect(await portOpen(httpPort)).toBe(true);
  expect(await portOpen(gatewayPort)).toBe(true);
  const exited = new Promise<number | null>((r) => demo.once('exit', (code) => r(code)));
  demo.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(await portOpen(httpPort)).toBe(false);
  expect(await portOpen(gatewayPort)).toBe(false);
  expect(existsSync(sipdump)).toBe(false);
  expect(err).toContain('stopping everything the demo started');
});
