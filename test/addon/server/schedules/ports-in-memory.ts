// In-memory stand-ins for the Apps Script services behind our ports (the boundary), as small
// as the schedules need. They keep the real services' rules that matter here: a property value
// over 9 KB is refused, a document lock is held by one execution at a time.
import type { Clock, LockPort, PropertyStore, Services, SpreadsheetPort, TriggerInfo, TriggerPort } from '../../../../addon/server/services/ports';

export class MemoryProperties implements PropertyStore {
  readonly values = new Map<string, string>();
  get(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  set(key: string, value: string): void {
    // PropertiesService: "Argument too large" past 9 KB per value.
    if (Buffer.byteLength(value, 'utf8') > 9 * 1024) throw new Error(`Argument too large: value of ${key}`);
    this.values.set(key, value);
  }
  delete(key: string): void {
    this.values.delete(key);
  }
}

/** One document's lock; each `handle()` is one execution's LockService.getDocumentLock(). */
export class MemoryDocumentLock {
  holder: object | null = null;
  handle(): LockPort {
    const me = {};
    return {
      // A real tryLock waits up to the timeout; here the holder can only be in the same call stack, so waiting cannot help.
      tryLock: () => {
        if (this.holder && this.holder !== me) return false;
        this.holder = me;
        return true;
      },
      release: () => {
        if (this.holder === me) this.holder = null;
      },
    };
  }
}

export class MemoryTriggers implements TriggerPort {
  triggers: TriggerInfo[] = [];
  created = 0;
  private seq = 0;
  list(): TriggerInfo[] {
    return this.triggers.map((t) => ({ ...t }));
  }
  createHourly(handler: string): TriggerInfo {
    this.created++;
    const t = { id: `trigger-${++this.seq}`, handler };
    this.triggers.push(t);
    return { ...t };
  }
  delete(id: string): void {
    this.triggers = this.triggers.filter((t) => t.id !== id);
  }
}

export class ManualClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at.getTime());
  }
  set(iso: string): void {
    this.at = new Date(iso);
  }
}

function unused(what: string): never {
  throw new Error(`${what} is not used by schedules`);
}

export function memorySpreadsheet(timeZone: string, sheets: { id: number; name: string }[]): SpreadsheetPort {
  return {
    id: () => 'spreadsheet-1',
    name: () => 'Catalogue',
    timeZone: () => timeZone,
    sheets: () => sheets.map((s) => ({ ...s })),
    activeSheet: () => unused('activeSheet'),
    sheetById: () => unused('sheetById'),
    selectedRows: () => unused('selectedRows'),
    selection: () => unused('selection'),
  };
}

export interface MemoryWorld {
  services: Services;
  props: MemoryProperties;
  userProps: MemoryProperties;
  lock: MemoryDocumentLock;
  triggers: MemoryTriggers;
  clock: ManualClock;
  logs: string[];
}

/**
 * A document's shared state (properties, lock) can be passed in to model a second execution;
 * another `user` (a number) is a second editor: own user properties, triggers and uuids.
 */
export function memoryServices(options: {
  now: string;
  timeZone?: string;
  sheets?: { id: number; name: string }[];
  props?: MemoryProperties;
  lock?: MemoryDocumentLock;
  triggers?: MemoryTriggers;
  user?: number;
}): MemoryWorld {
  const props = options.props ?? new MemoryProperties();
  const lock = options.lock ?? new MemoryDocumentLock();
  const triggers = options.triggers ?? new MemoryTriggers();
  const clock = new ManualClock(new Date(options.now));
  const logs: string[] = [];
  const userProps = new MemoryProperties();
  let ids = 0;
  const services: Services = {
    spreadsheet: memorySpreadsheet(options.timeZone ?? 'UTC', options.sheets ?? [{ id: 0, name: 'Products' }]),
    http: { fetch: () => unused('http') },
    userProperties: userProps,
    documentProperties: props,
    cache: { get: () => unused('cache'), put: () => unused('cache') },
    documentLock: () => lock.handle(),
    triggers,
    ui: { createMenu: () => unused('ui'), showSidebar: () => unused('ui'), alert: () => unused('ui'), toast: () => unused('ui') },
    clock,
    uuid: () => `${String(options.user ?? 0).padStart(8, '0')}-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    log: (message) => logs.push(message),
  };
  return { services, props, userProps, lock, triggers, clock, logs };
}
