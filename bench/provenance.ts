// Provenance figures for `npm run bench`: what the records cost. (1) Extra store writes per
// stored image, counted on a real batch (every put of the store, by kind of key); (2) the time
// a row's records take (one 1024×1024 PNG and its thumbnail: hash, embed the XMP, sign, one
// create-only write each) one row at a time, and per row with 50 rows at once, on the local
// store as the embedded server uses it (fsync on).
import { randomFillSync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { LocalStore } from '../backend/src/adapters/local/local-store';
import { c2paContentCredentials } from '../backend/src/adapters/c2pa/content-credentials';
import { loadConfig } from '../backend/src/config';
import { createRowshot } from '../backend/src/compose';
import { systemClock } from '../backend/src/core/clock';
import { mapLimit } from '../backend/src/core/concurrency';
import { createProvenanceLog, type RecordDraft } from '../backend/src/core/provenance/chain-log';
import { createProvenanceSigner } from '../backend/src/core/provenance/signer';
import { SOURCE_TYPES } from '../backend/src/core/provenance/xmp';
import { createLogger } from '../backend/src/http/logger';
import type { BlobStore } from '../backend/src/ports/blob-store';
import { isFinalBatch, type BatchStatus } from '../shared/index';
import { FakeProvider } from '../test/helpers/fake-provider';

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function writesPerImage(rows: number): Promise<{ rows: number; storedImages: number; provenanceWrites: number; extraWritesPerImage: number; extraWritesPerRow: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-bench-prov-'));
  const loaded = loadConfig({
    ROWSHOT_DATA_DIR: dir, PORT: '0', ROWSHOT_LOG_LEVEL: 'warn', ROWSHOT_ROW_CONCURRENCY: '50', ROWSHOT_ROW_RATE: '500',
    ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: 'none', ROWSHOT_RATE_LIMIT_PER_MIN: '1000000',
  });
  if (!loaded.ok) throw new Error(loaded.message);
  const rowshot = await createRowshot(loaded.config, { providers: [new FakeProvider({ latencyMs: 50, costUsd: 0 })], logger: createLogger('warn') });
  // Count every put of the one store (the provenance log holds the same object).
  const store: BlobStore = rowshot.deps.store;
  const put = store.put.bind(store);
  let provenanceWrites = 0;
  let storedImages = 0;
  store.put = (key, data, options) => {
    if (key.includes('/provenance/')) provenanceWrites++;
    else if (key.includes('/assets/')) storedImages++;
    return put(key, data, options);
  };
  try {
    const { url } = await rowshot.listen();
    const key = (await readFile(rowshot.devKeyFile as string, 'utf8')).trim();
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    // Half the rows with an overlay (model image + composite + thumbnail), half without (image + thumbnail).
    const body = JSON.stringify({ rows: Array.from({ length: rows }, (_, i) => ({ rowId: `r${i}`, cells: { Prompt: `shot ${i}`, ...(i % 2 ? { Headline: 'Sale' } : { Text: 'none' }) } })) });
    const res = await fetch(`${url}/v1/batches`, { method: 'POST', headers, body });
    const { id } = (await res.json()) as { id: string };
    for (;;) {
      const s = (await (await fetch(`${url}/v1/batches/${id}`, { headers })).json()) as BatchStatus;
      if (isFinalBatch(s.state)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await rowshot.close();
    await rm(dir, { recursive: true, force: true });
  }
  return { rows, storedImages, provenanceWrites, extraWritesPerImage: round(provenanceWrites / storedImages, 3), extraWritesPerRow: round(provenanceWrites / rows, 2) };
}

function draft(i: number, role: 'generated' | 'thumbnail'): RecordDraft {
  return {
    actor: 'api-key:bench (k1)', assetKey: `tenants/bench/batches/b/assets/r${i}/g0/1x1-v1${role === 'thumbnail' ? '-thumb.webp' : '.png'}`, role,
    batchId: 'b_bench', rowId: `r${i}`, version: 1, aspectRatio: '1:1', variant: 1, parent: null, prompt: `Product shot ${i}`, negativePrompt: '',
    model: 'gemini-3.1-flash-image', modelVersion: null, providerResponseId: null, parameters: { imageSize: '1K', aspectRatio: '1:1', seed: 1, textMode: 'none' },
    pack: null, inputs: { references: [], logoSha256: null, fonts: null }, overlay: null, startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), costUsd: 0.039,
  };
}

/** Keeps puts in memory: the records' own cost (hash, XMP, signature) without the disk. */
function memoryStore(): BlobStore {
  const m = new Map<string, Buffer>();
  let gen = 0;
  return {
    get: async () => null, stat: async () => null, delete: async () => false, list: async () => ({ keys: [], nextPageToken: null }), signedReadUrl: async () => null,
    put: async (key, data, options) => {
      if (options?.ifGenerationMatch === 0 && m.has(key)) return { ok: false, reason: 'precondition_failed' };
      m.set(key, Buffer.from(data));
      return { ok: true, generation: String(++gen) };
    },
  };
}

async function msPerRow(sequentialRows: number, concurrentRows: number): Promise<{ imageBytes: number; msPerRowOneAtATime: number; msPerRowAt50: number; cpuMsPerRowWithoutDisk: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-bench-prov-'));
  // A 1024×1024 PNG of noise (about 3 MB, more than a model's image) and a thumbnail.
  const noise = Buffer.alloc(1024 * 1024 * 3);
  randomFillSync(noise);
  const image = await sharp(noise, { raw: { width: 1024, height: 1024, channels: 3 } }).png().toBuffer();
  const thumb = await sharp(image).resize(256).webp().toBuffer();
  const signer = createProvenanceSigner('bench-secret-of-at-least-32-characters');
  // With Content Credentials, as the app signs every PNG and JPEG.
  const credentials = await c2paContentCredentials('bench-secret-of-at-least-32-characters', { claimGenerator: 'Rowshot bench' });
  let log = createProvenanceLog(memoryStore(), signer, systemClock, credentials);
  const row = async (i: number): Promise<void> => {
    const made = await log.append({ tenant: 'bench', draft: draft(i, 'generated'), image: { data: image, mimeType: 'image/png' }, link: (k) => `http://localhost/a/${k}`, sourceType: SOURCE_TYPES.ai });
    await log.append({ tenant: 'bench', draft: { ...draft(i, 'thumbnail'), parent: made.record.id }, image: { data: thumb, mimeType: 'image/webp' }, link: (k) => k, sourceType: SOURCE_TYPES.ai });
  };
  try {
    await row(-1);
    const tm = performance.now();
    for (let i = 0; i < sequentialRows; i++) await row(i);
    const cpu = (performance.now() - tm) / sequentialRows;
    log = createProvenanceLog(new LocalStore(dir), signer, systemClock, credentials);
    await row(-1);
    const t0 = performance.now();
    for (let i = 0; i < sequentialRows; i++) await row(i);
    const one = (performance.now() - t0) / sequentialRows;
    const t1 = performance.now();
    await mapLimit(Array.from({ length: concurrentRows }, (_, i) => i + sequentialRows), 50, row);
    const at50 = (performance.now() - t1) / concurrentRows;
    return { imageBytes: image.length, msPerRowOneAtATime: round(one), msPerRowAt50: round(at50), cpuMsPerRowWithoutDisk: round(cpu) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function provenanceBench(): Promise<{ writes: Awaited<ReturnType<typeof writesPerImage>>; time: Awaited<ReturnType<typeof msPerRow>> }> {
  return { writes: await writesPerImage(200), time: await msPerRow(100, 500) };
}
