// What each mode's adapters give the composition root.
import type { ImageProvider } from './ports/image-provider';
import type { BlobStore } from './ports/blob-store';
import type { SheetTarget } from './ports/sheet-target';
import type { TaskQueue } from './ports/task-queue';
import type { TaskAuthVerifier } from './http/task-auth';

export interface Wiring {
  store: BlobStore;
  queues: { rows: TaskQueue; control: TaskQueue };
  providers: ImageProvider[];
  targets: SheetTarget[];
  taskAuth: TaskAuthVerifier;
  signingSecret: string;
  defaultProviderChain: string[];
  /** The embedded default's data folder, which this process owns alone (null in the cloud). */
  dataDir: string | null;
  /** Called once the server listens (the local queues push to it). */
  start(internalBaseUrl: string): Promise<void>;
  stop(): Promise<void>;
}
