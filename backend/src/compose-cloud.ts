// Google Cloud adapters: Cloud Storage for all state, Cloud Tasks (pushing to our /tasks/*
// with OIDC tokens), Gemini, and the Sheets API. Clients can be injected (tests point them at
// local fakes of the wire protocol); by default they use Application Default Credentials.
import { CloudTasksClient } from '@google-cloud/tasks';
import { Storage } from '@google-cloud/storage';
import { auth as sheetsAuth, sheets as sheetsApi, type sheets_v4 } from '@googleapis/sheets';
import { CloudTasksQueue } from './adapters/google/cloud-tasks-queue';
import { GcsStore } from './adapters/google/gcs-store';
import { oidcTaskAuth } from './adapters/google/oidc-task-auth';
import { SheetsTarget } from './adapters/google/sheets-target';
import { defaultProviderChain, type Config } from './config';
import { geminiProvider, type GeminiClients } from './compose-gemini';
import type { TaskAuthVerifier } from './http/task-auth';
import type { Wiring } from './wiring';

export interface GoogleClients extends GeminiClients {
  storage?: Storage;
  tasks?: Pick<CloudTasksClient, 'createTask'>;
  sheets?: sheets_v4.Sheets;
  taskAuth?: TaskAuthVerifier;
}

/** Both are checked by loadConfig when ROWSHOT_MODE=cloud. */
function need<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is required in cloud mode`);
  return value;
}

export function cloudWiring(config: Config, clients: GoogleClients = {}): Wiring {
  const project = need(config.GOOGLE_CLOUD_PROJECT, 'GOOGLE_CLOUD_PROJECT');
  const publicUrl = need(config.ROWSHOT_PUBLIC_URL, 'ROWSHOT_PUBLIC_URL').replace(/\/+$/, '');
  const serviceAccountEmail = need(config.ROWSHOT_TASKS_SERVICE_ACCOUNT, 'ROWSHOT_TASKS_SERVICE_ACCOUNT');
  const audience = config.ROWSHOT_TASKS_AUDIENCE ?? publicUrl;
  // The library ignores per-request timeouts; only the instance's applies (see gcs-store.ts).
  const storage = clients.storage ?? new Storage({ projectId: project, timeout: 60_000 });
  const tasks = clients.tasks ?? new CloudTasksClient();
  const queue = (id: string) =>
    new CloudTasksQueue({
      client: tasks, project, location: need(config.ROWSHOT_TASKS_LOCATION, 'ROWSHOT_TASKS_LOCATION'), queue: id,
      targetBaseUrl: publicUrl, oidc: { serviceAccountEmail, audience },
      dispatchDeadlineSeconds: Math.min(1800, Math.max(15, Math.ceil(config.ROWSHOT_CLAIM_TTL_MS / 1000))),
    });
  const sheets = clients.sheets ?? sheetsApi({ version: 'v4', auth: new sheetsAuth.GoogleAuth({ scopes: ['https://www.googleapis.com/auth/spreadsheets'] }) });
  return {
    store: new GcsStore({ storage, bucket: need(config.ROWSHOT_BUCKET, 'ROWSHOT_BUCKET') }),
    queues: { rows: queue(config.ROWSHOT_ROWS_QUEUE), control: queue(config.ROWSHOT_CONTROL_QUEUE) },
    providers: [geminiProvider(config, clients)],
    // One SheetsTarget per process: its limiter is what keeps the service account under its quota.
    // Reads have the same per-identity quota as writes, shared by all instances the same way.
    targets: [new SheetsTarget({ sheets, writesPerMinute: config.ROWSHOT_SHEETS_WRITES_PER_MINUTE, readsPerMinute: config.ROWSHOT_SHEETS_WRITES_PER_MINUTE, ...(config.ROWSHOT_SERVICE_ACCOUNT ? { serviceAccountEmail: config.ROWSHOT_SERVICE_ACCOUNT } : {}) })],
    taskAuth: clients.taskAuth ?? oidcTaskAuth({ audience, serviceAccountEmail }),
    signingSecret: need(config.ROWSHOT_SIGNING_SECRET, 'ROWSHOT_SIGNING_SECRET'),
    defaultProviderChain: defaultProviderChain(config),
    dataDir: null,
    async start() {},
    async stop() {},
  };
}
