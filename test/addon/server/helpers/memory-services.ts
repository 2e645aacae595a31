// In-memory implementations of the add-on's ports (the Apps Script boundary) for unit tests:
// a spreadsheet of MemorySheets, property stores, a cache, a lock, triggers, a UI that records,
// a settable clock and a counting uuid. The HttpPort is passed in (a stub or the real backend).
import type {
  CachePort, HttpPort, LockPort, MenuItem, PropertyStore, Services, SpreadsheetPort, TriggerInfo, TriggerPort, UiPort,
} from '../../../../addon/server/services/ports';
import { MemorySheet } from './memory-sheet';

export class MemoryProperties implements PropertyStore {
  readonly map = new Map<string, string>();
  get(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  set(key: string, value: string): void {
    // As PropertiesService: 9 KB of UTF-8 per value.
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > 9 * 1024) throw new Error(`Argument too large: property ${key} is ${bytes} bytes, the limit is 9 KB`);
    this.map.set(key, value);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

export class MemoryCache implements CachePort {
  readonly map = new Map<string, { value: string; until: number }>();
  constructor(private readonly now: () => number) {}
  get(key: string): string | null {
    const hit = this.map.get(key);
    return hit && hit.until > this.now() ? hit.value : null;
  }
  put(key: string, value: string, seconds: number): void {
    this.map.set(key, { value, until: this.now() + seconds * 1000 });
  }
}

export class MemorySpreadsheet implements SpreadsheetPort {
  activeIndex = 0;
  selectedRowNumbers: number[] = [];
  range: { row: number; column: number; numRows: number; numColumns: number } | null = null;
  constructor(readonly sheetList: MemorySheet[], private readonly ssId = 'ss_0123456789abcdef') {}
  id(): string {
    return this.ssId;
  }
  name(): string {
    return 'Test spreadsheet';
  }
  timeZone(): string {
    return 'Etc/UTC';
  }
  activeSheet(): MemorySheet {
    const sheet = this.sheetList[this.activeIndex];
    if (!sheet) throw new Error('no active sheet');
    return sheet;
  }
  sheetById(id: number): MemorySheet | null {
    return this.sheetList.find((s) => s.id === id) ?? null;
  }
  sheets(): { id: number; name: string }[] {
    return this.sheetList.map((s) => ({ id: s.id, name: s.name }));
  }
  selectedRows(): number[] {
    return [...this.selectedRowNumbers];
  }
  selection(): { row: number; column: number; numRows: number; numColumns: number } | null {
    return this.range;
  }
}

export class MemoryUi implements UiPort {
  menus: { title: string; items: readonly (MenuItem | null)[] }[] = [];
  sidebars: { file: string; title: string }[] = [];
  alerts: { title: string; message: string }[] = [];
  toasts: { message: string; title?: string }[] = [];
  createMenu(title: string, items: readonly (MenuItem | null)[]): void {
    this.menus.push({ title, items });
  }
  showSidebar(file: string, title: string): void {
    this.sidebars.push({ file, title });
  }
  alert(title: string, message: string): void {
    this.alerts.push({ title, message });
  }
  toast(message: string, title?: string): void {
    this.toasts.push(title === undefined ? { message } : { message, title });
  }
}

export class MemoryLock implements LockPort {
  held = false;
  /** Set to make tryLock fail (another execution holds it). */
  busy = false;
  acquired = 0;
  tryLock(): boolean {
    if (this.busy || this.held) return false;
    this.held = true;
    this.acquired++;
    return true;
  }
  release(): void {
    this.held = false;
  }
}

export class MemoryTriggers implements TriggerPort {
  list_: TriggerInfo[] = [];
  private n = 0;
  list(): TriggerInfo[] {
    return [...this.list_];
  }
  createHourly(handler: string): TriggerInfo {
    const t = { id: `t${++this.n}`, handler };
    this.list_.push(t);
    return t;
  }
  delete(id: string): void {
    this.list_ = this.list_.filter((t) => t.id !== id);
  }
}

export interface TestServices extends Services {
  spreadsheet: MemorySpreadsheet;
  userProperties: MemoryProperties;
  documentProperties: MemoryProperties;
  cache: MemoryCache;
  ui: MemoryUi;
  lock: MemoryLock;
  logs: string[];
  /** Moves the clock. */
  advance(ms: number): void;
}

export function memoryServices(opts: { sheets: MemorySheet[]; http: HttpPort; now?: Date }): TestServices {
  let now = (opts.now ?? new Date('2026-03-01T10:00:00.000Z')).getTime();
  let uuids = 0;
  const lock = new MemoryLock();
  const logs: string[] = [];
  return {
    spreadsheet: new MemorySpreadsheet(opts.sheets),
    http: opts.http,
    userProperties: new MemoryProperties(),
    documentProperties: new MemoryProperties(),
    cache: new MemoryCache(() => now),
    documentLock: () => lock,
    lock,
    triggers: new MemoryTriggers(),
    ui: new MemoryUi(),
    clock: { now: () => new Date(now) },
    uuid: () => {
      uuids++;
      return `${uuids.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    },
    log: (m) => void logs.push(m),
    logs,
    advance: (ms) => void (now += ms),
  };
}

/** Saves working settings into the user properties, as the Settings sidebar would. */
export function configure(s: Services, backendUrl = 'https://rowshot.test', apiKey = 'rs_test_key_1234'): void {
  s.userProperties.set('rowshot.backendUrl', backendUrl);
  s.userProperties.set('rowshot.apiKey', apiKey);
}
