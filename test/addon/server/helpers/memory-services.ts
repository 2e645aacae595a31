// The add-on's Services (the Apps Script boundary) in memory, for unit tests: a spreadsheet of
// MemorySheets, the stores of memory-stores.ts, a UI that records, a counting uuid. The HttpPort
// is passed in (a FakeBackend, a stub, or the real backend). A test world is one document: more
// executions on it (another editor, an overlapping trigger) share what Apps Script shares.
import type { HttpPort, MailMessage, MailPort, MenuItem, Services, SpreadsheetPort, UiPort } from '../../../../addon/server/services/ports';
import type { MemorySheet } from './memory-sheet';
import { ManualClock, MemoryCache, MemoryDocumentLock, MemoryProperties, MemoryTriggers } from './memory-stores';

export class MemorySpreadsheet implements SpreadsheetPort {
  activeIndex = 0;
  selectedRowNumbers: number[] = [];
  range: { row: number; column: number; numRows: number; numColumns: number } | null = null;
  constructor(readonly sheetList: MemorySheet[], private readonly zone = 'Etc/UTC', private readonly ssId = 'ss_0123456789abcdef') {}
  id(): string {
    return this.ssId;
  }
  url(): string {
    return `https://docs.google.com/spreadsheets/d/${this.ssId}/edit`;
  }
  timeZone(): string {
    return this.zone;
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

/** MailApp as one user: what they sent, from their address, within a daily quota. */
export class MemoryMail implements MailPort {
  sent: MailMessage[] = [];
  constructor(readonly address: string, public quota = 100) {}
  myAddress(): string {
    return this.address;
  }
  remainingDailyQuota(): number {
    return this.quota;
  }
  send(message: MailMessage): void {
    if (this.quota < 1) throw new Error('Service invoked too many times for one day: email.');
    this.quota--;
    this.sent.push(message);
  }
}

/** What every execution on one document shares: its sheets and properties, cache, lock, the network and the time. */
interface MemoryDocument {
  sheets: MemorySheet[];
  timeZone: string;
  properties: MemoryProperties;
  cache: MemoryCache;
  lock: MemoryDocumentLock;
  http: HttpPort;
  clock: ManualClock;
  /** Ids unique across the document's executions, as Utilities.getUuid's are. */
  uuid(): string;
}

/** What one editor has of their own: user properties (settings, user id) and triggers. */
interface MemoryUser {
  properties: MemoryProperties;
  triggers: MemoryTriggers;
  mail: MemoryMail;
  /** What ScriptApp.getIdentityToken() gives this user (null: none, as without the openid scope). */
  idToken: string | null;
}

export interface TestServices extends Services {
  spreadsheet: MemorySpreadsheet;
  userProperties: MemoryProperties;
  documentProperties: MemoryProperties;
  cache: MemoryCache;
  triggers: MemoryTriggers;
  ui: MemoryUi;
  mail: MemoryMail;
  clock: ManualClock;
  /** The document lock every `documentLock()` handle of this document takes. */
  lock: MemoryDocumentLock;
  /** What this execution logged. */
  logs: string[];
  readonly document: MemoryDocument;
  readonly user: MemoryUser;
}

export function memoryServices(opts: { sheets: MemorySheet[]; http: HttpPort; now?: Date | string; timeZone?: string }): TestServices {
  const clock = new ManualClock(opts.now ?? '2026-03-01T10:00:00.000Z');
  let uuids = 0;
  const document: MemoryDocument = {
    sheets: opts.sheets,
    timeZone: opts.timeZone ?? 'Etc/UTC',
    properties: new MemoryProperties(),
    cache: new MemoryCache(clock),
    lock: new MemoryDocumentLock(),
    http: opts.http,
    clock,
    uuid: () => countingUuid(++uuids),
  };
  return execution(document, newUser());
}

/**
 * The n-th UUID: n in the first 8 hex digits, and n >> 5 and n >> 10 again in the next two bytes,
 * so code that keeps only a few bits of each byte (Row IDs use the low 5) still sees them all
 * differ. The first 31 are `0000000n-0000-4000-8000-000000000000`, which tests spell out.
 */
function countingUuid(n: number): string {
  const byte = (v: number): string => (v & 31).toString(16).padStart(2, '0');
  return `${n.toString(16).padStart(8, '0')}-${byte(n >> 5)}${byte(n >> 10)}-4000-8000-000000000000`;
}

/** A second editor of the same document: own settings, user id and triggers; the same sheets, document properties and lock. */
export function anotherEditor(s: TestServices): TestServices {
  return execution(s.document, newUser());
}

/** Another execution of the same user on the same document (a trigger firing while a run is still going). */
export function anotherExecution(s: TestServices): TestServices {
  return execution(s.document, s.user);
}

let users = 0;
function newUser(): MemoryUser {
  return { properties: new MemoryProperties(), triggers: new MemoryTriggers(), mail: new MemoryMail(`editor${++users}@example.com`), idToken: null };
}

function execution(document: MemoryDocument, user: MemoryUser): TestServices {
  const logs: string[] = [];
  return {
    spreadsheet: new MemorySpreadsheet(document.sheets, document.timeZone),
    http: document.http,
    userProperties: user.properties,
    documentProperties: document.properties,
    cache: document.cache,
    documentLock: () => document.lock.handle(),
    lock: document.lock,
    triggers: user.triggers,
    ui: new MemoryUi(),
    mail: user.mail,
    clock: document.clock,
    identityToken: () => user.idToken,
    uuid: document.uuid,
    log: (m) => void logs.push(m),
    logs,
    document,
    user,
  };
}

/** Saves working settings into the user properties, as the Settings sidebar would. */
export function configure(s: Services, backendUrl = 'https://rowshot.test', apiKey = 'rs_test_key_1234'): void {
  s.userProperties.set('rowshot.backendUrl', backendUrl);
  s.userProperties.set('rowshot.apiKey', apiKey);
}
