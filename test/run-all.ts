/**
 * `npm test`: builds the renderer, then runs every suite (vitest unit, Playwright e2e against the
 * real gateway; a 40-call soak) and prints one closing line summed over all of them: `tests: N passed, N failed`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Count {
  passed: number;
  failed: number;
  skipped: number;
}

const tmp = mkdtempSync(join(tmpdir(), 'softphone-tests-'));
const totals: Count = { passed: 0, failed: 0, skipped: 0 };
let broken = false;

function run(label: string, cmd: string, args: string[], env: Record<string, string> = {}): number {
  console.log(`\n=== ${label} ===`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

const npx = 'npx';
// Static checks count as one test each, so a lint or type error turns the closing line red.
for (const [label, args] of [
  ['typecheck', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['lint', ['eslint', '.']],
  ['build', ['electron-vite', 'build']],
] as const) {
  if (run(label, npx, [...args]) === 0) totals.passed += 1;
  else {
    totals.failed += 1;
    if (label === 'build') broken = true;
  }
}

const vitestJson = join(tmp, 'vitest.json');
run('unit tests (vitest)', npx, ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; success: boolean };
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + r.numTodoTests;
  if (!r.success && r.numFailedTests === 0) broken = true; // e.g. a file that failed to load
} else broken = true;

if (!broken || process.env.RUN_E2E_ANYWAY) {
  const pwJson = join(tmp, 'playwright.json');
  const wrap = process.env.SOFTPHONE_NO_NETNS ? [] : netnsWrapper();
  const [cmd, ...args] = [...wrap, npx, 'playwright', 'test'];
  run(`e2e tests (Playwright, real gateway${wrap.length ? ', loopback-only network namespace' : ''})`, cmd as string, args, { PW_JSON_OUTPUT: pwJson });
  if (existsSync(pwJson)) {
    const r = JSON.parse(readFileSync(pwJson, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number }; errors?: unknown[] };
    totals.passed += r.stats.expected + r.stats.flaky;
    totals.failed += r.stats.unexpected;
    totals.skipped += r.stats.skipped;
    if ((r.errors?.length ?? 0) > 0) broken = true;
  } else broken = true;

  // The short soak (bench/soak.ts, 40 calls): anything left open or a heap that grows fails CI.
  // A run whose only problem is failed calls (exit 3) prints what each left behind and is run
  // once more: one such run was seen in CI (an emergency call unanswered) and not understood yet;
  // a second run must then pass. SOAK_IN_CI=0 leaves it out.
  if (process.env.SOAK_IN_CI !== '0') {
    const [soakCmd, ...soakArgs] = [...wrap, process.execPath, '--import', 'tsx', 'bench/soak.ts'];
    let status = run('soak (40 calls in one page, real gateway)', soakCmd as string, soakArgs, { SOAK_CALLS: '40' });
    if (status === 3) {
      console.log('soak: failed calls only (diagnostics above): running it once more');
      status = run('soak, second run', soakCmd as string, soakArgs, { SOAK_CALLS: '40' });
    }
    if (status === 0) totals.passed += 1;
    else totals.failed += 1;
  }
}

/** Runs the e2e suite where only loopback exists, so nothing can leave the machine. */
function netnsWrapper(): string[] {
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && true'], { stdio: 'ignore' });
  if (probe.status !== 0) {
    console.log('(no network namespace available here: running e2e in the normal network)');
    return [];
  }
  return ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'netns'];
}

if (broken) console.log('\nA suite could not run to completion (see above); counted as a failure.');
const failed = totals.failed + (broken ? 1 : 0);
console.log(`\ntests: ${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
