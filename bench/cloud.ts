// Cloud-mode figures, not a timed test: the real composition (ROWSHOT_MODE=cloud) with the official
// Google clients against local fakes of Cloud Tasks, Cloud Storage, Gemini and Sheets
// (test/helpers/cloud-stack.ts). Three runs, each on a fresh stack:
//   1. fan-out: accept latency of a --rows batch and time until every row task is created
//      (rows queue not dispatched, so only fan-out is timed); creates per second.
//   2. Sheets: --sheets batches, one per spreadsheet, at once; write requests per 1,000 rows and
//      the peak in any 60 s window, against the 60/min per-identity quota.
//   3. makespan of a --makespan-rows batch against N × latency / C (C = rows queue maxConcurrent).
// Flags: --rows N (10000) --sheets S (20) --sheet-rows R (100) --makespan-rows M (2000)
//        --latency MS (300) --concurrency C (50) --out FILE (bench/results/cloud-latest.json)
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { addSheet, batchBody, rowIdsFor, startStack, type Stack } from '../test/helpers/cloud-stack';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' }, sheets: { type: 'string', default: '20' }, 'sheet-rows': { type: 'string', default: '100' },
    'makespan-rows': { type: 'string', default: '2000' }, latency: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '50' },
    out: { type: 'string', default: 'bench/results/cloud-latest.json' },
  },
});
const FANOUT_ROWS = Number(values.rows);
const SHEETS = Number(values.sheets);
const SHEET_ROWS = Number(values['sheet-rows']);
const MAKESPAN_ROWS = Number(values['makespan-rows']);
const LATENCY = Number(values.latency);
const C = Number(values.concurrency);
const FLUSH_MS = 2000;
const QUOTA_PER_MIN = 60;
const LIMITER_PER_MIN = 55;
const LOG_LEVEL = 'silent';
const RUN_TIMEOUT_MS = 150_000;

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`  ${line}\n`);

async function accept(stack: Stack, body: string): Promise<{ id: string; acceptMs: number; acceptedAt: number }> {
  const t0 = performance.now();
  const res = await stack.api('/v1/batches', { method: 'POST', body });
  const acceptedAt = performance.now();
  if (res.status !== 202) throw new Error(`accept failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return { id, acceptMs: acceptedAt - t0, acceptedAt };
}

/** Largest number of timestamps (ms) in any window of `windowMs`. */
function peakInWindow(ts: number[], windowMs: number): number {
  const s = [...ts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while ((s[i] ?? 0) - (s[j] ?? 0) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

async function fanOutRun() {
  console.error(`1/3 fan-out: ${FANOUT_ROWS} rows, rows queue paused…`);
  const stack = await startStack({ latencyMs: LATENCY, rowsConcurrency: null, controlConcurrency: C, flushIntervalMs: FLUSH_MS, logLevel: LOG_LEVEL });
  try {
    const rowIds = rowIdsFor('fan', FANOUT_ROWS);
    addSheet(stack.sheets, 'sheet_bench_fanout_0123456789', rowIds);
    const body = batchBody('sheet_bench_fanout_0123456789', rowIds);
    const t0 = performance.now();
    const a = await accept(stack, body);
    log(`accepted in ${round(a.acceptMs)} ms`);
    const until = Date.now() + RUN_TIMEOUT_MS;
    let lastLine = Date.now();
    while (stack.rowCreatesAt.length < FANOUT_ROWS && Date.now() < until) {
      await sleep(20);
      if (Date.now() - lastLine > 2000) {
        lastLine = Date.now();
        log(`${stack.rowCreatesAt.length}/${FANOUT_ROWS} row tasks created`);
      }
    }
    const created = stack.rowCreatesAt.length;
    if (created < FANOUT_ROWS) throw new Error(`only ${created}/${FANOUT_ROWS} row tasks created in ${RUN_TIMEOUT_MS / 1000} s`);
    const first = stack.rowCreatesAt[0] ?? NaN;
    const last = stack.rowCreatesAt[FANOUT_ROWS - 1] ?? NaN;
    const fanOutS = (last - a.acceptedAt) / 1000;
    const controlCreates = stack.controlTasks.requests.length;
    return {
      rows: FANOUT_ROWS,
      acceptMs: round(a.acceptMs),
      acceptToFirstRowTaskMs: round(first - a.acceptedAt),
      acceptToLastRowTaskS: round(fanOutS, 2),
      postToLastRowTaskS: round((last - t0) / 1000, 2),
      rowTaskCreatesPerSecond: round(FANOUT_ROWS / fanOutS),
      rowTaskCreatesPerSecondFirstToLast: round(FANOUT_ROWS / ((last - first) / 1000)),
      rowCreateRequests: stack.rowsTasks.requests.length,
      controlCreateRequests: controlCreates,
      rowCreatesMaxInFlight: stack.rowCreatesMaxInFlight(),
      controlMaxConcurrentDispatches: stack.controlTasks.maxConcurrentDispatches,
    };
  } finally {
    await stack.close();
  }
}

async function sheetsRun() {
  const total = SHEETS * SHEET_ROWS;
  console.error(`2/3 Sheets: ${SHEETS} spreadsheets × ${SHEET_ROWS} rows at once, latency ${LATENCY} ms, C ${C}, flush ${FLUSH_MS} ms…`);
  const stack = await startStack({ latencyMs: LATENCY, rowsConcurrency: C, controlConcurrency: C, flushIntervalMs: FLUSH_MS, logLevel: LOG_LEVEL });
  try {
    const ids = Array.from({ length: SHEETS }, (_, s) => `sheet_bench_${String(s).padStart(2, '0')}_0123456789`);
    const bodies = ids.map((sid, s) => {
      const rowIds = rowIdsFor(`s${String(s).padStart(2, '0')}x`, SHEET_ROWS);
      addSheet(stack.sheets, sid, rowIds);
      return batchBody(sid, rowIds);
    });
    const t0 = performance.now();
    const wall0 = Date.now();
    const accepted = await Promise.all(bodies.map((b) => accept(stack, b)));
    const lastAcceptS = (Math.max(...accepted.map((a) => a.acceptedAt)) - t0) / 1000;
    log(`all ${SHEETS} batches accepted after ${round(lastAcceptS, 2)} s (each checkTarget reads the sheet through the shared read limiter)`);
    const finishedAt = new Map<string, number>();
    let rowsDoneAt: number | null = null;
    const until = Date.now() + RUN_TIMEOUT_MS;
    let lastLine = 0;
    while (finishedAt.size < SHEETS && Date.now() < until) {
      await sleep(250);
      let doneRows = 0;
      for (const a of accepted) {
        const s = await stack.status(a.id);
        doneRows += s.counts.DONE + s.counts.FAILED;
        if (s.state === 'DONE' && !finishedAt.has(a.id)) finishedAt.set(a.id, performance.now());
      }
      if (rowsDoneAt === null && stack.gemini.requests.length >= total && stack.rowsTasks.tasks.size === 0) rowsDoneAt = performance.now();
      if (Date.now() - lastLine > 5000) {
        lastLine = Date.now();
        log(`${SHEETS - finishedAt.size} batches running; ${doneRows}/${total} rows folded into status, ${stack.gemini.requests.length} generated, ${stack.sheets.writes().length} Sheets writes`);
      }
    }
    if (finishedAt.size < SHEETS) throw new Error(`only ${finishedAt.size}/${SHEETS} batches DONE in ${RUN_TIMEOUT_MS / 1000} s`);
    const endS = (Math.max(...finishedAt.values()) - t0) / 1000;
    const writes = stack.sheets.writes().filter((w) => w.at >= wall0);
    const reads = stack.sheets.reads().filter((r) => r.at >= wall0);
    const writeTimes = writes.map((w) => w.at);
    const writeSpanS = writeTimes.length > 1 ? (Math.max(...writeTimes) - Math.min(...writeTimes)) / 1000 : 0;
    const peak60 = peakInWindow(writeTimes, 60_000);
    const avgPerMin = writes.length / (endS / 60);
    // Shorter than a minute: the average rate scaled to a minute is the comparable figure.
    const perMinuteFigure = endS >= 60 ? peak60 : avgPerMin;
    const rowsWritten = writes.reduce((n, w) => {
      const reqs = (w.body as { requests?: { updateCells?: { rows?: unknown[] } }[] } | null)?.requests ?? [];
      return n + reqs.reduce((m, r) => m + (r.updateCells?.rows?.length ?? 0), 0);
    }, 0);
    return {
      spreadsheets: SHEETS, rowsPerSheet: SHEET_ROWS, rows: total, latencyMs: LATENCY, concurrency: C, flushIntervalMs: FLUSH_MS,
      lastAcceptS: round(lastAcceptS, 2),
      rowsGeneratedS: rowsDoneAt === null ? null : round((rowsDoneAt - t0) / 1000, 2),
      allBatchesDoneS: round(endS, 2),
      providerBoundS: round((total * LATENCY) / 1000 / C, 2),
      writeRequests: writes.length,
      writeRequestsPer1000Rows: round((writes.length / total) * 1000, 2),
      writesPerSheet: round(writes.length / SHEETS, 2),
      rowsPerWrite: round(rowsWritten / Math.max(1, writes.length), 1),
      readRequests: reads.length,
      writeSpanS: round(writeSpanS, 2),
      peakWritesIn60s: peak60,
      avgWritesPerMinute: round(avgPerMin, 1),
      writesPerMinuteFigure: round(perMinuteFigure, 1),
      writesPerMinuteFigureKind: endS >= 60 ? 'peak in a 60 s window' : 'average over the run, scaled to a minute',
      quotaPerMinute: QUOTA_PER_MIN, limiterPerMinute: LIMITER_PER_MIN,
      maxConcurrentRowDispatches: stack.rowsTasks.maxConcurrentDispatches,
      maxConcurrentControlDispatches: stack.controlTasks.maxConcurrentDispatches,
    };
  } finally {
    await stack.close();
  }
}

async function makespanRun() {
  console.error(`3/3 makespan: ${MAKESPAN_ROWS} rows, latency ${LATENCY} ms, C ${C}…`);
  const stack = await startStack({ latencyMs: LATENCY, rowsConcurrency: C, controlConcurrency: C, flushIntervalMs: FLUSH_MS, logLevel: LOG_LEVEL });
  try {
    const rowIds = rowIdsFor('mk', MAKESPAN_ROWS);
    addSheet(stack.sheets, 'sheet_bench_makespan_0123456789', rowIds);
    const t0 = performance.now();
    const a = await accept(stack, batchBody('sheet_bench_makespan_0123456789', rowIds));
    let rowsDoneAt: number | null = null;
    const until = Date.now() + RUN_TIMEOUT_MS;
    let lastLine = 0;
    for (;;) {
      await sleep(100);
      if (rowsDoneAt === null && stack.gemini.requests.length >= MAKESPAN_ROWS && stack.rowsTasks.tasks.size === 0) rowsDoneAt = performance.now();
      const s = await stack.status(a.id);
      if (s.state === 'DONE') break;
      if (Date.now() > until) throw new Error(`batch not DONE in ${RUN_TIMEOUT_MS / 1000} s: ${JSON.stringify(s.counts)}`);
      if (Date.now() - lastLine > 5000) {
        lastLine = Date.now();
        log(`${s.counts.DONE}/${MAKESPAN_ROWS} done (status), ${stack.gemini.requests.length} generated, ETA ${s.etaSeconds ?? '…'} s`);
      }
    }
    const makespanS = (performance.now() - t0) / 1000;
    const rowsS = rowsDoneAt === null ? makespanS : (rowsDoneAt - t0) / 1000;
    const boundS = (MAKESPAN_ROWS * LATENCY) / 1000 / C;
    return {
      rows: MAKESPAN_ROWS, latencyMs: LATENCY, concurrency: C,
      acceptMs: round(a.acceptMs),
      makespanS: round(makespanS, 2), rowsGeneratedS: round(rowsS, 2), boundS: round(boundS, 2),
      makespanOverBound: round(makespanS / boundS, 3), rowsGeneratedOverBound: round(rowsS / boundS, 3),
      geminiRequests: stack.gemini.requests.length,
      maxConcurrentRowDispatches: stack.rowsTasks.maxConcurrentDispatches,
      rowDispatchesNon2xx: stack.rowsTasks.dispatched.filter((d) => d.status < 200 || d.status >= 300).length,
      sheetsWrites: stack.sheets.writes().length,
    };
  } finally {
    await stack.close();
  }
}

const started = performance.now();
const fanOut = await fanOutRun();
const sheets = await sheetsRun();
const makespan = await makespanRun();
const targets = { acceptMs: 1000, writesPerMinute: QUOTA_PER_MIN, makespanOverBound: 1.1 };
const result = {
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg().map((x) => round(x, 2)) },
  totalS: round((performance.now() - started) / 1000, 1),
  fanOut, sheets, makespan, peakRssMb: round(process.resourceUsage().maxRSS / 1024), targets,
};
await mkdir(path.dirname(values.out!), { recursive: true });
await writeFile(values.out!, `${JSON.stringify(result, null, 2)}\n`);

const mark = (ok: boolean) => (ok ? 'ok ' : 'MISS');
const n = (x: number) => x.toLocaleString('en');
const lines: [string, string, string, boolean][] = [
  [`accept latency, ${n(FANOUT_ROWS)} rows`, `${fanOut.acceptMs} ms`, '< 1000 ms', fanOut.acceptMs < targets.acceptMs],
  [`fan-out, ${n(FANOUT_ROWS)} row tasks created`, `${fanOut.acceptToLastRowTaskS} s after accept (${fanOut.rowTaskCreatesPerSecond} creates/s)`, '', true],
  ['row CreateTask in flight (max)', `${fanOut.rowCreatesMaxInFlight}`, '', true],
  [`Sheets writes, ${SHEETS} sheets × ${SHEET_ROWS} rows`, `${sheets.writeRequests} (${sheets.writeRequestsPer1000Rows} per 1,000 rows, ${sheets.rowsPerWrite} rows/write)`, '', true],
  ['Sheets writes per minute', `${sheets.writesPerMinuteFigure} (${sheets.writesPerMinuteFigureKind})`, `< ${QUOTA_PER_MIN}/min`, sheets.writesPerMinuteFigure < QUOTA_PER_MIN],
  ['Sheets batches all DONE', `${sheets.allBatchesDoneS} s (rows generated ${sheets.rowsGeneratedS ?? '?'} s, bound ${sheets.providerBoundS} s)`, '', true],
  ['makespan / bound', `${makespan.makespanS} s / ${makespan.boundS} s = ${makespan.makespanOverBound}`, '≤ 1.10', makespan.makespanOverBound <= targets.makespanOverBound],
  ['rows generated / bound', `${makespan.rowsGeneratedS} s / ${makespan.boundS} s = ${makespan.rowsGeneratedOverBound}`, '', true],
];
for (const [name, value, target, ok] of lines) console.log(`${mark(ok)} ${name.padEnd(36)} ${value.padEnd(60)} ${target}`);
console.log(`saved ${values.out}`);
