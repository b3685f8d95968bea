/**
 * The call history file (main/host/call-history.ts): what a full history costs. Each call's entry is
 * one atomic rewrite of the whole file (write, fsync, rename), so the write time at the bound (1000
 * calls) is the figure that matters; also the file's size, and the start-up load and list times.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CallHistoryStore, CALL_HISTORY_FILE } from '../main/host/call-history';
import type { CallHistoryEntry } from '../src/host-api';

const LIMIT = 1000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? NaN;

function entry(i: number): CallHistoryEntry {
  const start = Date.parse('2026-01-01T08:00:00Z') + i * 60_000;
  return {
    id: `call-${i}-${start}`,
    direction: i % 3 === 0 ? 'incoming' : 'outgoing',
    outcome: i % 7 === 0 ? 'missed' : 'answered',
    kind: 'ordinary',
    number: `+3314${String(i).padStart(7, '0')}`,
    name: `Caller ${i} — Société Générale d'Exemple`,
    startedAt: new Date(start).toISOString(),
    answeredAt: new Date(start + 5000).toISOString(),
    endedAt: new Date(start + 185_000).toISOString(),
    durationSeconds: 180,
    emergencyRecordId: null,
    reason: null,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'softphone-bench-history-'));
const store = new CallHistoryStore(dir, { limit: LIMIT });
const early: number[] = [];
const full: number[] = [];
for (let i = 0; i < LIMIT + 200; i++) {
  const t0 = performance.now();
  await store.record(entry(i));
  (i < 100 ? early : i >= LIMIT ? full : []).push(performance.now() - t0);
}
const bytes = statSync(join(dir, CALL_HISTORY_FILE)).size;
const loads: number[] = [];
const lists: number[] = [];
for (let i = 0; i < 20; i++) {
  let t0 = performance.now();
  const again = new CallHistoryStore(dir, { limit: LIMIT });
  loads.push(performance.now() - t0);
  t0 = performance.now();
  const listed = again.list();
  lists.push(performance.now() - t0);
  if (listed.entries.length !== LIMIT) throw new Error(`expected ${LIMIT} entries, got ${listed.entries.length}`);
}

console.log(`call history (${LIMIT} calls kept; ${LIMIT + 200} recorded)`);
console.log(`  record one call, history of < 100: median ${median(early).toFixed(2)} ms, p95 ${p95(early).toFixed(2)} ms`);
console.log(`  record one call, history full (${LIMIT}): median ${median(full).toFixed(2)} ms, p95 ${p95(full).toFixed(2)} ms (write + fsync + rename)`);
console.log(`  file at the bound: ${(bytes / 1024).toFixed(0)} KiB`);
console.log(`  load at start: median ${median(loads).toFixed(2)} ms; list: median ${median(lists).toFixed(2)} ms`);
