// The composition root: the one place that chooses adapters, from validated config.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Config } from './config';
import type { GoogleClients } from './compose-cloud';
import { localWiring } from './compose-local';
import { createLinkSigner } from './core/asset-links';
import { CircuitBreakers } from './core/batches/circuit-breakers';
import { systemClock, type Clock } from './core/clock';
import type { CoreDeps, Logger } from './core/deps';
import { randomId } from './core/ids';
import { returnIdleLeases } from './core/ledger';
import { createCoreState } from './core/core-state';
import { createProvenanceLog } from './core/provenance/chain-log';
import { createProvenanceSigner } from './core/provenance/signer';
import { createApiKey } from './core/tenants/tenants';
import { googleSignIn } from './compose-sign-in';
import { createApp } from './http/app';
import { createLogger } from './http/logger';
import { createMetrics } from './http/metrics';
import { devKeyPath, writeFileWhole } from './local-secrets';
import type { BlobStore } from './ports/blob-store';
import { storeReady } from './store-ready';
import type { ImageProvider } from './ports/image-provider';
import type { SheetTarget } from './ports/sheet-target';
import { extractPalette } from './render/palette';
import { makeThumbnail } from './render/thumbnail';
import { TemplateRenderer } from './render/template-renderer';
import { processUpload } from './render/upload';
import { overlayText } from './render/text-overlay';
import { headlineShares } from './render/headline-fit';
import { fitToSize } from './render/fit';
import { guardedFetch, type GuardedFetchOptions } from './adapters/http/guarded-fetch';
import { c2paContentCredentials } from './adapters/c2pa/content-credentials';
import { MAX_UPLOAD_BYTES } from '../../shared/index';
import { checkFontUpload } from './render/text-font-check';
import { brandTextFonts } from './render/text-metrics';

export interface Overrides {
  /** Extra providers (e.g. a latency-injecting one for the benchmark), tried before the defaults. */
  providers?: ImageProvider[];
  targets?: SheetTarget[];
  logger?: Logger;
  clock?: Clock;
  /** Clients to use instead of ones built from config and Application Default Credentials (locally: Gemini only). */
  google?: GoogleClients;
  /** Wraps the storage adapter (tests inject disk faults at this boundary). */
  wrapStore?: (store: BlobStore) => BlobStore;
  /**
   * TEST ONLY: lets Reference image links reach a loopback server with its own certificate
   * (and a fake DNS). No setting turns this on: production never fetches from loopback.
   */
  referenceFetchForTests?: Pick<GuardedFetchOptions, 'allowLoopback' | 'ca' | 'resolve'>;
}

export interface Rowshot {
  deps: CoreDeps;
  /** Listens (port 0 = any free port) and starts the local queues. */
  listen(): Promise<{ url: string; port: number }>;
  /** Stops taking tasks, waits for in-flight ones, closes the server. */
  close(): Promise<void>;
  /** The embedded default's development key file (null in the cloud). */
  devKeyFile: string | null;
}

export const LOCAL_TENANT = 'local';

export async function createRowshot(config: Config, overrides: Overrides = {}): Promise<Rowshot> {
  const clock = overrides.clock ?? systemClock;
  const log = overrides.logger ?? createLogger(config.ROWSHOT_LOG_LEVEL);
  // The Google SDKs cost ~100 MB of memory and start-up time: only cloud mode loads them.
  const wiring = config.ROWSHOT_MODE === 'cloud'
    ? (await import('./compose-cloud')).cloudWiring(config, overrides.google)
    : await localWiring(config, log, overrides.google, clock);
  const store = overrides.wrapStore ? overrides.wrapStore(wiring.store) : wiring.store;
  const metrics = createMetrics([wiring.queues.rows, wiring.queues.control]);
  const publicBaseUrl = (config.ROWSHOT_PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  // The C2PA identity (CA and signing certificate) derives from the signing secret, like the
  // provenance key: the same secret gives the same certificates on every start.
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  const contentCredentials = await c2paContentCredentials(wiring.signingSecret, { claimGenerator: `Rowshot ${version}` });
  const deps: CoreDeps = {
    store,
    breakers: new CircuitBreakers(clock, config.ROWSHOT_BREAKER_FAILURES, config.ROWSHOT_BREAKER_OPEN_MS),
    queues: wiring.queues,
    providers: [...(overrides.providers ?? []), ...wiring.providers, new TemplateRenderer()],
    targets: overrides.targets ?? wiring.targets,
    links: createLinkSigner(wiring.signingSecret),
    provenance: createProvenanceLog(wiring.store, createProvenanceSigner(wiring.signingSecret), clock, contentCredentials),
    contentCredentials,
    fetchReference: guardedFetch({ maxBytes: MAX_UPLOAD_BYTES, ...overrides.referenceFetchForTests }),
    images: { fitToSize, thumbnail: makeThumbnail, processUpload: (d) => processUpload(d), palette: (d) => extractPalette(d), overlayText: (i) => overlayText({ ...i, fonts: brandTextFonts(i.fonts) }), checkFont: (d) => checkFontUpload(d), headlineShares: (m) => headlineShares(m) },
    clock,
    config: {
      publicBaseUrl,
      defaultProviderChain: wiring.defaultProviderChain,
      imageSize: config.ROWSHOT_IMAGE_SIZE,
      flushIntervalMs: config.ROWSHOT_FLUSH_INTERVAL_MS,
      claimTtlMs: config.ROWSHOT_CLAIM_TTL_MS,
      rowMaxAttempts: config.ROWSHOT_MAX_ATTEMPTS,
      chunkSize: config.ROWSHOT_CHUNK_SIZE,
      defaultDailyBudgetUsd: config.ROWSHOT_DAILY_BUDGET_USD,
      instanceId: `${process.pid}-${randomId(6)}`,
      exclusiveDataDir: wiring.dataDir !== null,
      minTextPx: {
        ...(config.ROWSHOT_MIN_HEADLINE_PX === undefined ? {} : { headline: config.ROWSHOT_MIN_HEADLINE_PX }),
        ...(config.ROWSHOT_MIN_SUBLINE_PX === undefined ? {} : { subline: config.ROWSHOT_MIN_SUBLINE_PX }),
      },
      workbookTenant: LOCAL_TENANT,
    },
    log,
    metrics,
    state: createCoreState(),
  };

  const devKeyFile = wiring.dataDir === null ? null : devKeyPath(wiring.dataDir);
  if (devKeyFile) await ensureDevKey(deps, devKeyFile);

  const signIn = await googleSignIn(config, deps);
  const app = createApp(deps, {
    ...(signIn ? { signIn } : {}),
    taskAuth: wiring.taskAuth,
    metrics,
    rateLimitPerMinute: config.ROWSHOT_RATE_LIMIT_PER_MIN,
    previewPerMinute: config.ROWSHOT_PREVIEW_PER_MIN,
    ...(config.GOOGLE_CLOUD_PROJECT ? { traceProject: config.GOOGLE_CLOUD_PROJECT } : {}),
    ready: () => storeReady(store, wiring.dataDir !== null),
  });
  let server: Server | null = null;
  let closing = false;
  const unanswered = new Set<ServerResponse>();

  return {
    deps,
    devKeyFile,
    async listen() {
      server = createServer({ keepAliveTimeout: 65_000 });
      // While draining, answers end their connection so that clients reconnect elsewhere.
      server.on('request', (_req, res: ServerResponse) => {
        if (closing) return void res.setHeader('connection', 'close');
        unanswered.add(res);
        res.once('close', () => unanswered.delete(res));
      });
      server.on('request', app);
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(config.PORT, config.ROWSHOT_HOST, () => resolve());
      });
      const port = (server.address() as AddressInfo).port;
      if (!config.ROWSHOT_PUBLIC_URL) deps.config.publicBaseUrl = `http://localhost:${port}`;
      try {
        await wiring.start(`http://127.0.0.1:${port}`);
      } catch (err) {
        await new Promise<void>((resolve) => server?.close(() => resolve()));
        throw err;
      }
      return { url: deps.config.publicBaseUrl, port };
    },
    async close() {
      closing = true;
      for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
      // Stop listening first: no new connection while in-flight requests and pushes finish.
      const s = server;
      const closed = s ? new Promise<void>((resolve) => s.close(() => resolve())) : Promise.resolve();
      // A keep-alive connection that goes idle after its last answer would hold close() open until
      // keepAliveTimeout (65 s); close each one as soon as it is idle.
      const sweep = s ? setInterval(() => s.closeIdleConnections(), 100) : null;
      try {
        await wiring.stop();
        await returnIdleLeases(deps);
        await closed;
      } finally {
        if (sweep) clearInterval(sweep);
        s?.closeAllConnections();
      }
    },
  };
}

/** The embedded default's development key for the `local` tenant, made once. */
async function ensureDevKey(deps: CoreDeps, file: string): Promise<void> {
  // An empty file (written half-way on a full disk by an older version) counts as none.
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim() !== '') return;
  const { key } = await createApiKey(deps.store, LOCAL_TENANT, deps.clock, 'local development key');
  await writeFileWhole(file, `${key}\n`);
  deps.log.info({ file }, 'created a local development API key');
}
