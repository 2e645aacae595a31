// The composition root: the one place that chooses adapters, from validated config.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalStore } from './adapters/local/local-store';
import { LocalTaskQueue } from './adapters/local/local-task-queue';
import { WorkbookTarget } from './adapters/local/workbook/workbook-target';
import type { Config } from './config';
import { createLinkSigner } from './core/asset-links';
import { systemClock, type Clock } from './core/clock';
import type { CoreDeps, Logger } from './core/deps';
import { randomId } from './core/ids';
import { returnIdleLeases } from './core/ledger';
import { createApiKey } from './core/tenants/tenants';
import { createApp } from './http/app';
import { createLogger } from './http/logger';
import { createMetrics } from './http/metrics';
import { sharedSecretVerifier } from './http/task-auth';
import { lockDataDir } from './data-dir-lock';
import { devKeyPath, loadOrCreateSecrets } from './local-secrets';
import type { ImageProvider } from './ports/image-provider';
import type { SheetTarget } from './ports/sheet-target';
import { extractPalette } from './render/palette';
import { makeThumbnail } from './render/thumbnail';
import { TemplateRenderer } from './render/template-renderer';
import { processUpload } from './render/upload';

export interface Overrides {
  /** Extra providers (e.g. a latency-injecting one for the benchmark), tried before the defaults. */
  providers?: ImageProvider[];
  targets?: SheetTarget[];
  logger?: Logger;
  clock?: Clock;
}

export interface Rowshot {
  deps: CoreDeps;
  /** Listens (port 0 = any free port) and starts the queues. */
  listen(): Promise<{ url: string; port: number }>;
  /** Stops taking tasks, waits for in-flight ones, closes the server. */
  close(): Promise<void>;
  devKeyFile: string;
}

export const LOCAL_TENANT = 'local';

export async function createRowshot(config: Config, overrides: Overrides = {}): Promise<Rowshot> {
  const dataDir = path.resolve(config.ROWSHOT_DATA_DIR);
  const secrets = await loadOrCreateSecrets(dataDir);
  const clock = overrides.clock ?? systemClock;
  const log = overrides.logger ?? createLogger(config.ROWSHOT_LOG_LEVEL);
  // Deleted keys (outbox entries, finished tasks) are never re-created under the same name, so
  // their directories can be reclaimed soon; otherwise every list() would walk their tombstones.
  const storeOptions = { reclaimDeletedAfterMs: 10_000 };
  const store = new LocalStore(path.join(dataDir, 'store'), storeOptions);
  const taskToken = config.ROWSHOT_TASK_TOKEN ?? secrets.taskToken;
  const authHeader = () => `Bearer ${taskToken}`;
  const backoff = {
    minBackoffMs: config.ROWSHOT_MIN_BACKOFF_MS,
    maxBackoffMs: config.ROWSHOT_MAX_BACKOFF_MS,
    maxDoublings: config.ROWSHOT_MAX_DOUBLINGS,
  };
  const rows = new LocalTaskQueue({
    name: 'rows',
    store: new LocalStore(path.join(dataDir, 'queues', 'rows'), storeOptions),
    config: {
      ...backoff,
      maxDispatchesPerSecond: config.ROWSHOT_ROW_RATE,
      maxConcurrentDispatches: config.ROWSHOT_ROW_CONCURRENCY,
      maxAttempts: config.ROWSHOT_MAX_ATTEMPTS,
      dispatchDeadlineMs: config.ROWSHOT_CLAIM_TTL_MS,
    },
    authHeader,
    logger: log,
  });
  // Fan-out and flush tasks: cheap, and retried until they succeed.
  const control = new LocalTaskQueue({
    name: 'control',
    store: new LocalStore(path.join(dataDir, 'queues', 'control'), storeOptions),
    config: { ...backoff, minBackoffMs: Math.min(500, backoff.minBackoffMs), maxDispatchesPerSecond: 200, maxConcurrentDispatches: 4, maxAttempts: -1, dispatchDeadlineMs: 120_000 },
    authHeader,
    logger: log,
  });

  const metrics = createMetrics([rows, control]);
  const publicBaseUrl = (config.ROWSHOT_PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  const deps: CoreDeps = {
    store,
    queues: { rows, control },
    providers: [...(overrides.providers ?? []), new TemplateRenderer()],
    targets: overrides.targets ?? [
      new WorkbookTarget({
        readAsset: async (_tenant, key) => (await store.get(key))?.data ?? null,
        allowedRoots: config.ROWSHOT_WORKBOOK_ROOTS,
      }),
    ],
    links: createLinkSigner(config.ROWSHOT_SIGNING_SECRET ?? secrets.signingSecret),
    images: { thumbnail: makeThumbnail, processUpload: (d) => processUpload(d), palette: (d) => extractPalette(d) },
    clock,
    config: {
      publicBaseUrl,
      defaultProviderChain: config.ROWSHOT_PROVIDER_CHAIN,
      flushIntervalMs: config.ROWSHOT_FLUSH_INTERVAL_MS,
      claimTtlMs: config.ROWSHOT_CLAIM_TTL_MS,
      rowMaxAttempts: config.ROWSHOT_MAX_ATTEMPTS,
      chunkSize: config.ROWSHOT_CHUNK_SIZE,
      defaultDailyBudgetUsd: config.ROWSHOT_DAILY_BUDGET_USD,
      instanceId: `${process.pid}-${randomId(6)}`,
      exclusiveDataDir: true,
      workbookTenant: LOCAL_TENANT,
    },
    log,
    metrics,
  };

  const devKeyFile = devKeyPath(dataDir);
  await ensureDevKey(deps, devKeyFile);

  const app = createApp(deps, {
    taskAuth: sharedSecretVerifier(taskToken),
    metrics,
    rateLimitPerMinute: config.ROWSHOT_RATE_LIMIT_PER_MIN,
    ready: async () => (await store.list('system/', { maxResults: 1 }), true),
  });
  let server: Server | null = null;
  let unlock: (() => Promise<void>) | null = null;

  return {
    deps,
    devKeyFile,
    async listen() {
      unlock = await lockDataDir(dataDir);
      server = createServer({ keepAliveTimeout: 65_000 }, app);
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(config.PORT, config.ROWSHOT_HOST, () => resolve());
      });
      const port = (server.address() as AddressInfo).port;
      if (!config.ROWSHOT_PUBLIC_URL) deps.config.publicBaseUrl = `http://localhost:${port}`;
      const internal = `http://127.0.0.1:${port}`;
      rows.start(internal);
      control.start(internal);
      return { url: deps.config.publicBaseUrl, port };
    },
    async close() {
      await Promise.all([rows.stop(), control.stop()]);
      await returnIdleLeases(deps);
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections();
      }
      await unlock?.();
    },
  };
}

/** The embedded default's development key for the `local` tenant, made once. */
async function ensureDevKey(deps: CoreDeps, file: string): Promise<void> {
  try {
    await readFile(file, 'utf8');
    return;
  } catch {
    const { key } = await createApiKey(deps.store, LOCAL_TENANT, deps.clock, 'local development key');
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    deps.log.info({ file }, 'created a local development API key');
  }
}
