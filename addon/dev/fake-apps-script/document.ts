// What several executions on one spreadsheet share: its cells, its document properties and
// cache, its document lock and its triggers, plus each fake user's own properties. Pass one
// FakeDocument to two createFakeAppsScript calls to act out two users or two executions.
import type { CacheData } from './cache';
import { createFakeClock, type FakeClock } from './clock';
import type { DocumentLockState } from './lock';
import type { PropertyData } from './properties';
import type { TriggerRecord } from './script-app';
import { Workbook, type WorkbookOptions } from './workbook';

export interface FakeDocument {
  workbook: Workbook;
  clock: FakeClock;
  documentProperties: PropertyData;
  /** By user e-mail. */
  userProperties: Map<string, PropertyData>;
  documentCache: CacheData;
  scriptCache: CacheData;
  lock: DocumentLockState;
  /** Every user's triggers on this document. */
  triggers: TriggerRecord[];
}

export function createFakeDocument(options: WorkbookOptions & { clock?: FakeClock } = {}): FakeDocument {
  return {
    workbook: new Workbook(options),
    clock: options.clock ?? createFakeClock(),
    documentProperties: new Map(),
    userProperties: new Map(),
    documentCache: new Map(),
    scriptCache: new Map(),
    lock: { holder: null, refused: 0 },
    triggers: [],
  };
}

export function userStore(document: FakeDocument, user: string): PropertyData {
  let store = document.userProperties.get(user);
  if (!store) document.userProperties.set(user, (store = new Map()));
  return store;
}
