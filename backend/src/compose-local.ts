// The embedded default's adapters: files under ROWSHOT_DATA_DIR, no network, no credentials.
import path from 'node:path';
import { LocalStore } from './adapters/local/local-store';
import { LocalTaskQueue } from './adapters/local/local-task-queue';
import { WorkbookTarget } from './adapters/local/workbook/workbook-target';
import { defaultProviderChain, geminiEnabled, type Config } from './config';
import type { GeminiClients } from './compose-gemini';
import { systemClock, type Clock } from './core/clock';
import type { Logger } from './core/deps';
import { lockDataDir } from './data-dir-lock';
import { sharedSecretVerifier } from './http/task-auth';
import { loadOrCreateSecrets } from './local-secrets';
import type { Wiring } from './wiring';

/** `clock` is the core's: the queues time schedule and backoff with it, so both agree on "now". */
export async function localWiring(config: Config, log: Logger, gemini: GeminiClients = {}, clock: Clock = systemClock): Promise<Wiring> {
  const dataDir = path.resolve(config.ROWSHOT_DATA_DIR);
  const secrets = await loadOrCreateSecrets(dataDir);
  // Deleted keys (outbox entries, finished tasks) are never re-created under the same name, so
  // their directories can be reclaimed soon; otherwise every list() would walk their tombstones.
  const storeOptions = { reclaimDeletedAfterMs: 10_000 };
  const store = new LocalStore(path.join(dataDir, 'store'), storeOptions);
  const taskToken = config.ROWSHOT_TASK_TOKEN ?? secrets.taskToken;
  const authHeader = () => `Bearer ${taskToken}`;
  const backoff = { minBackoffMs: config.ROWSHOT_MIN_BACKOFF_MS, maxBackoffMs: config.ROWSHOT_MAX_BACKOFF_MS, maxDoublings: config.ROWSHOT_MAX_DOUBLINGS };
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
    now: () => clock.now(),
    logger: log,
  });
  // Fan-out, flush and watchdog tasks: cheap, and retried until they succeed.
  const control = new LocalTaskQueue({
    name: 'control',
    store: new LocalStore(path.join(dataDir, 'queues', 'control'), storeOptions),
    config: { ...backoff, minBackoffMs: Math.min(500, backoff.minBackoffMs), maxDispatchesPerSecond: 200, maxConcurrentDispatches: 4, maxAttempts: -1, dispatchDeadlineMs: 120_000 },
    authHeader,
    now: () => clock.now(),
    logger: log,
  });
  // With a key (or Vertex credentials) local mode runs Gemini too, on the same queues and budgets.
  const providers = geminiEnabled(config) ? [(await import('./compose-gemini')).geminiProvider(config, gemini)] : [];
  let unlock: (() => Promise<void>) | null = null;
  return {
    store,
    queues: { rows, control },
    providers,
    targets: [new WorkbookTarget({ readAsset: async (_tenant, key) => (await store.get(key))?.data ?? null, allowedRoots: config.ROWSHOT_WORKBOOK_ROOTS })],
    taskAuth: sharedSecretVerifier(taskToken),
    signingSecret: config.ROWSHOT_SIGNING_SECRET ?? secrets.signingSecret,
    defaultProviderChain: defaultProviderChain(config),
    dataDir,
    async start(internalBaseUrl) {
      unlock = await lockDataDir(dataDir);
      rows.start(internalBaseUrl);
      control.start(internalBaseUrl);
    },
    async stop() {
      await Promise.all([rows.stop(), control.stop()]);
      await unlock?.();
    },
  };
}
