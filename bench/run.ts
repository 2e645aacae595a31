// `npm run bench`: figures, not a timed test. Runs the real pipeline (local adapters, HTTP task
// handlers, a real CSV workbook target) with a latency-injecting provider and prints and saves:
// accept latency for 10,000 rows, makespan against N × latency / concurrency, write-back calls
// per 1,000 rows, GET /v1/batches/:id p50/p99 during the run, peak RSS, and the template
// renderer's images per second at 1024×1024, and what provenance records cost (bench/provenance.ts).
// Flags: --rows N (10000) --latency MS (500) --concurrency C (50) --out FILE
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WorkbookTarget } from '../backend/src/adapters/local/workbook/workbook-target';
import { loadConfig } from '../backend/src/config';
import { createRowshot } from '../backend/src/compose';
import { createLogger } from '../backend/src/http/logger';
import type { SheetTarget } from '../backend/src/ports/sheet-target';
import { TemplateRenderer } from '../backend/src/render/template-renderer';
import type { BatchStatus } from '../shared/index';
import { FakeProvider } from '../test/helpers/fake-provider';
import { provenanceBench } from './provenance';
import { sizesBench } from './sizes';
import { textBench } from './text';
import { workbookBench } from './workbook';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '10000' }, latency: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '50' }, out: { type: 'string', default: 'bench/results/latest.json' } },
});
const N = Number(values.rows);
const LATENCY = Number(values.latency);
const CONCURRENCY = Number(values.concurrency);
const FLUSH_MS = 2000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function pipeline() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-bench-'));
  const csv = path.join(dir, 'batch.csv');
  const rowIds = Array.from({ length: N }, (_, i) => `r_bench${String(i).padStart(6, '0')}`);
  await writeFile(csv, `Row ID,Prompt\n${rowIds.map((id, i) => `${id},Product shot ${i}`).join('\n')}\n`);
  const loaded = loadConfig({
    ROWSHOT_DATA_DIR: path.join(dir, 'data'), PORT: '0', ROWSHOT_LOG_LEVEL: 'warn', ROWSHOT_ROW_CONCURRENCY: String(CONCURRENCY),
    ROWSHOT_ROW_RATE: '500', ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: 'none',
    ROWSHOT_RATE_LIMIT_PER_MIN: '1000000', ROWSHOT_FLUSH_INTERVAL_MS: String(FLUSH_MS), ROWSHOT_WORKBOOK_ROOTS: dir,
  });
  if (!loaded.ok) throw new Error(loaded.message);
  const provider = new FakeProvider({ latencyMs: LATENCY, costUsd: 0 });
  let writeCalls = 0;
  let rowsWritten = 0;
  let rowshot: Awaited<ReturnType<typeof createRowshot>> | null = null;
  const workbook = new WorkbookTarget({ readAsset: async (_t, key) => (await rowshot!.deps.store.get(key))?.data ?? null, allowedRoots: [dir] });
  const counting: SheetTarget = {
    kinds: workbook.kinds,
    checkTarget: (t) => workbook.checkTarget?.(t) ?? Promise.resolve(null),
    async write(t, tenant, rows) {
      writeCalls++;
      rowsWritten += rows.length;
      return workbook.write(t, tenant, rows);
    },
  };
  rowshot = await createRowshot(loaded.config, { providers: [provider], targets: [counting], logger: createLogger('warn') });
  const { url } = await rowshot.listen();
  const key = (await readFile(rowshot.devKeyFile as string, 'utf8')).trim();
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const body = JSON.stringify({
    name: 'bench', rows: rowIds.map((rowId, i) => ({ rowId, cells: { Prompt: `Product shot ${i}` } })),
    target: { kind: 'workbook', path: csv, links: 'urls' },
  });

  const t0 = performance.now();
  const res = await fetch(`${url}/v1/batches`, { method: 'POST', headers, body });
  const acceptMs = performance.now() - t0;
  if (res.status !== 202) throw new Error(`accept failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };

  const statusMs: number[] = [];
  let status: BatchStatus;
  let lastLine = 0;
  for (;;) {
    const s0 = performance.now();
    status = (await (await fetch(`${url}/v1/batches/${id}`, { headers })).json()) as BatchStatus;
    statusMs.push(performance.now() - s0);
    if (status.state === 'DONE') break;
    if (Date.now() - lastLine > 5000) {
      lastLine = Date.now();
      process.stderr.write(`  ${status.counts.DONE}/${N} done, ETA ${status.etaSeconds ?? '…'} s\n`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const makespanS = (performance.now() - t0) / 1000;
  await rowshot.close();
  await rm(dir, { recursive: true, force: true });
  const boundS = (N * LATENCY) / 1000 / CONCURRENCY;
  return {
    rows: N, latencyMs: LATENCY, concurrency: CONCURRENCY,
    acceptMs: round(acceptMs),
    makespanS: round(makespanS, 2), boundS: round(boundS, 2), makespanOverBound: round(makespanS / boundS, 3),
    writeCalls, writeCallsPer1000Rows: round((writeCalls / N) * 1000, 2), rowsPerWriteCall: round(rowsWritten / Math.max(1, writeCalls)),
    writeCallsPerFlushInterval: round(writeCalls / (makespanS / (FLUSH_MS / 1000)), 2),
    statusP50Ms: round(pct(statusMs, 50), 2), statusP99Ms: round(pct(statusMs, 99), 2), statusSamples: statusMs.length,
    providerMaxInFlight: provider.maxInFlight, providerCalls: provider.calls.length,
  };
}

async function renderer() {
  const r = new TemplateRenderer();
  const req = (i: number) => ({
    model: 'template', prompt: `Bench image ${i}`, negativePrompt: '', aspectRatio: '1:1' as const, width: 1080, height: 1080, variant: 1,
    headline: `Happy ${i} years, Alex!`, subline: 'With thanks from the whole team', references: [], logo: null, palette: [],
  });
  await r.generate(req(0));
  const n = 40;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await r.generate(req(i));
  const sequential = n / ((performance.now() - t0) / 1000);
  const t1 = performance.now();
  // Two at a time: one per core, as the row queue would run them on this machine.
  for (let i = 0; i < n; i += 2) await Promise.all([r.generate(req(i + n)), r.generate(req(i + n + 1))]);
  const parallel = n / ((performance.now() - t1) / 1000);
  return { size: '1080x1080', imagesPerSecondSequential: round(sequential), imagesPerSecondConcurrent: round(parallel) };
}

const targets = { provenanceExtraWritesPerImage: 1, provenanceMsPerRow: 5, acceptMs: 1000, makespanOverBound: 1.1, writeCallsPerFlushInterval: 1, statusP99Ms: 50, peakRssMb: 400, rendererImagesPerSecond: 10 };
console.error(`Pipeline: ${N} rows, provider latency ${LATENCY} ms, concurrency ${CONCURRENCY}…`);
const p = await pipeline();
// Peak RSS of the whole process (server, queue, store and the bench client with its 10,000-row request) up to the end of the batch.
const pipelinePeakRssMb = round(process.resourceUsage().maxRSS / 1024);
console.error('Template renderer…');
const t = await renderer();
console.error('Text: shaping with fallback fonts, overlay compositing…');
const text = await textBench();
console.error('Sizes: renderer at 1080×1350 and 1080×1920, crop-and-scale per image…');
const sizes = await sizesBench();
console.error('Workbooks: 10,000-row CSV, 2,000-row XLSX…');
const workbook = await workbookBench();
console.error('Provenance: extra writes per image, time per row…');
const provenance = await provenanceBench();
const peakRssMb = pipelinePeakRssMb;
const result = { at: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg().map((x) => round(x, 2)) }, pipeline: p, renderer: t, text, sizes, workbook, provenance, peakRssMb, peakRssWithRendererMb: round(process.resourceUsage().maxRSS / 1024), targets };
await mkdir(path.dirname(values.out!), { recursive: true });
await writeFile(values.out!, `${JSON.stringify(result, null, 2)}\n`);

const mark = (ok: boolean) => (ok ? 'ok ' : 'MISS');
const lines: [string, string, string, boolean][] = [
  [`accept latency, ${N.toLocaleString('en')} rows`, `${p.acceptMs} ms`, '< 1000 ms', p.acceptMs < targets.acceptMs],
  ['makespan / bound', `${p.makespanS} s / ${p.boundS} s = ${p.makespanOverBound}`, '≤ 1.10', p.makespanOverBound <= targets.makespanOverBound],
  ['write calls per 1,000 rows', `${p.writeCallsPer1000Rows} (${p.rowsPerWriteCall} rows per call)`, '', true],
  ['write calls per flush interval', `${p.writeCallsPerFlushInterval}`, '≤ 1', p.writeCallsPerFlushInterval <= targets.writeCallsPerFlushInterval],
  ['GET status p50 / p99', `${p.statusP50Ms} / ${p.statusP99Ms} ms`, 'p99 < 50 ms', p.statusP99Ms < targets.statusP99Ms],
  ['peak RSS during the batch', `${peakRssMb} MB`, '< 400 MB', peakRssMb < targets.peakRssMb],
  ...sizes.renderer.map((r): [string, string, string, boolean] => [`renderer ${r.size}`, `${r.msPerImage} ms/image (2 at once: ${r.imagesPerSecondConcurrent} img/s)`, '', true]),
  ...sizes.fit.map((f): [string, string, string, boolean] => [`crop and scale ${f.from} → ${f.to}`, `${f.msPerImage} ms/image`, '', true]),
  ['renderer 1080×1080', `${t.imagesPerSecondSequential} img/s (2 at once: ${t.imagesPerSecondConcurrent})`, '≥ 10 img/s', Math.max(t.imagesPerSecondSequential, t.imagesPerSecondConcurrent) >= targets.rendererImagesPerSecond],
  ['renderer, shaped scripts, 4:5', `${text.template.imagesPerSecondSequential} img/s (2 at once: ${text.template.imagesPerSecondConcurrent})`, '≥ 10 img/s', Math.max(text.template.imagesPerSecondSequential, text.template.imagesPerSecondConcurrent) >= targets.rendererImagesPerSecond],
  [`overlay on AI image ${text.overlay.size}`, `${text.overlay.msPerImage} ms/image (2 at once: ${text.overlay.imagesPerSecondConcurrent} img/s)`, '', true],
  ['CSV 10k: read / Row IDs / write', `${workbook.csv10k.readMs} / ${workbook.csv10k.prepareMs} / ${workbook.csv10k.writeMs} ms (100-row flush ${workbook.csv10k.flush100Ms} ms)`, '', true],
  ['provenance: extra writes per image', `${provenance.writes.extraWritesPerImage} (${provenance.writes.provenanceWrites} records for ${provenance.writes.storedImages} stored files)`, '≤ 1', provenance.writes.extraWritesPerImage <= targets.provenanceExtraWritesPerImage],
  ['provenance: ms per row', `${provenance.time.msPerRowOneAtATime} one at a time, ${provenance.time.msPerRowAt50} at 50 (${provenance.time.cpuMsPerRowWithoutDisk} without the disk)`, '< 5 ms', provenance.time.msPerRowAt50 < targets.provenanceMsPerRow],
  ['XLSX 2k: Row IDs / write', `${workbook.xlsx2k.prepareMs} / ${workbook.xlsx2k.writeMs} ms`, '', true],
];
for (const [name, value, target, ok] of lines) console.log(`${mark(ok)} ${name.padEnd(32)} ${value.padEnd(44)} ${target}`);
console.log(`saved ${values.out}`);
