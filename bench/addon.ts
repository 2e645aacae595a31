// npm run bench:addon — the Sheets add-on as Apps Script would run it: the built Code.js in a vm
// with the in-memory Apps Script fakes and a canned backend. Apps Script bills time per service
// call, so the figures that matter are SpreadsheetApp and UrlFetch calls per run and per sync,
// for 10, 1,000 and 10,000 rows, plus the size of the bundle that every execution (each
// custom-function call too) parses. Wall times here are Node's, a lower bound for Apps Script.
import { mkdir, writeFile } from 'node:fs/promises';
import vm from 'node:vm';
import { parseArgs } from 'node:util';
import type { BatchSummary, SyncReport } from '../addon/server/rpc';
import { buildRealAddon, startAddon, valueOf } from '../test/addon/bundle/harness';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'bench/results/addon-latest.json' } } });

const built = await buildRealAddon();
const sizes = [10, 1_000, 10_000];
const total = (byMethod: Record<string, number>) => Object.values(byMethod).reduce((a, b) => a + b, 0);

// Parse + run of the bundle's top level, as every Apps Script execution pays it.
const parseRuns = 20;
const t0 = performance.now();
for (let i = 0; i < parseRuns; i++) vm.runInNewContext(built.code, {});
const loadMs = (performance.now() - t0) / parseRuns;

const runs = sizes.map((rows) => {
  const { fake, g } = startAddon(built, rows);
  const fetchesBefore = fake.http.requests.length;
  fake.calls.reset();
  let t = performance.now();
  const started = valueOf<BatchSummary>(g.startRun({ scope: 'not_done', requestId: `bench-${rows}`, confirmed: true }));
  const startMs = performance.now() - t;
  const startCalls = total(fake.calls.byMethod);
  const startFetches = fake.http.requests.length - fetchesBefore;
  fake.calls.reset();
  const fetchesMid = fake.http.requests.length;
  t = performance.now();
  const synced = valueOf<SyncReport>(g.syncNow());
  const syncMs = performance.now() - t;
  return {
    rows,
    batchRows: started.rowCount,
    start: { ms: Math.round(startMs), spreadsheetCalls: startCalls, urlFetchCalls: startFetches },
    sync: { ms: Math.round(syncMs), spreadsheetCalls: total(fake.calls.byMethod), urlFetchCalls: fake.http.requests.length - fetchesMid, written: synced.written },
  };
});
await built.remove();

const result = {
  at: new Date().toISOString(),
  bundle: { codeJsBytes: Buffer.byteLength(built.code), loadMs: Number(loadMs.toFixed(1)) },
  runs,
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
};

console.log(`Add-on bundle: Code.js ${(result.bundle.codeJsBytes / 1024).toFixed(0)} KB, parsed and run in ${result.bundle.loadMs} ms per execution (Node)`);
console.log('rows      startRun: Sheet calls  UrlFetch  ms    syncNow: Sheet calls  UrlFetch  ms   written');
for (const r of runs) {
  console.log(`${String(r.rows).padEnd(9)} ${String(r.start.spreadsheetCalls).padStart(21)} ${String(r.start.urlFetchCalls).padStart(9)} ${String(r.start.ms).padStart(5)} ${String(r.sync.spreadsheetCalls).padStart(20)} ${String(r.sync.urlFetchCalls).padStart(9)} ${String(r.sync.ms).padStart(5)} ${String(r.sync.written).padStart(8)}`);
}
console.log(`peak RSS ${result.peakRssMb} MB`);
await mkdir('bench/results', { recursive: true });
await writeFile(values.out!, `${JSON.stringify(result, null, 2)}\n`);
console.log(`saved ${values.out}`);
