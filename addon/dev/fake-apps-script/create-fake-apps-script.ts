// The Apps Script globals the add-on's adapter uses, in memory, plus the handles a test needs
// to seed them and see what happened. `globals` goes to loadBundle (or the vm directly).
import { randomUUID } from 'node:crypto';
import type vm from 'node:vm';
import { createCacheService } from './cache';
import { createCallCounter, type CallCounter } from './call-counter';
import type { FakeClock } from './clock';
import { createConsole, type LogLine } from './console';
import { createFakeDocument, userStore, type FakeDocument } from './document';
import type { ExecutionMode, ExecutionState } from './execution';
import { FAKE_HOOKS, type FakeHooks } from './hooks';
import { loadBundle, type LoadBundleOptions } from './load-bundle';
import { linkForm, submitFormResponse, type FormSubmission } from './form-submit';
import { createMailApp, createSession, type MailRecord } from './mail-app';
import { createLockService, releaseLocksOf, type DocumentLockState } from './lock';
import { createPropertiesService, type PropertyData } from './properties';
import { createRealm } from './realm';
import type { FakeGoogleIdentity } from './identity';
import { createScriptApp, type TriggerRecord } from './script-app';
import { createSpreadsheetApp, FakeSpreadsheet } from './spreadsheet-app';
import { createHtmlService, FakeUi, type UiRecord } from './ui';
import { createUrlFetchApp, FakeNetworkError, type FetchHandler, type UrlFetchControl } from './url-fetch';
import { createUtilities } from './utilities';
import type { Workbook, WorkbookOptions } from './workbook';

export interface FakeAppsScriptOptions {
  /** Share cells, document properties, lock and triggers with another fake. */
  document?: FakeDocument;
  /** The spreadsheet, when no document is given. */
  workbook?: WorkbookOptions;
  clock?: FakeClock;
  /** The fake user's e-mail: user properties and triggers are per user. */
  user?: string;
  /** Extensions → <addonName>. */
  addonName?: string;
  /** UrlFetchApp's server; the default fails every request as unreachable. */
  fetch?: FetchHandler;
  /** Read sidebars from this folder (e.g. a built dist/addon); else any file name is accepted. */
  htmlDir?: string;
  uuid?: () => string;
  /** Echo the bundle's console lines to the real console. */
  echoConsole?: boolean;
  /** Google sign-in: ScriptApp.getIdentityToken() mints tokens with this key; without it, it answers null. */
  identity?: FakeGoogleIdentity;
  /** The manifest's oauthScopes, for what getIdentityToken gives (default: every scope granted). */
  oauthScopes?: readonly string[];
}

export interface FakeAppsScript {
  /** Everything the bundle sees as global: SpreadsheetApp, UrlFetchApp, … */
  globals: Record<PropertyKey, unknown>;
  document: FakeDocument;
  /** The spreadsheet's sheets, selection and toasts (test side: not counted). */
  workbook: Workbook;
  clock: FakeClock;
  calls: CallCounter;
  ui: UiRecord;
  /** E-mails MailApp.sendEmail sent (recorded, never sent), and the quota left. */
  mail: MailRecord;
  http: UrlFetchControl;
  logs: LogLine[];
  lock: DocumentLockState;
  /** Every user's triggers on the document. */
  triggers: readonly TriggerRecord[];
  documentProperties: PropertyData;
  userProperties(): PropertyData;
  user: string;
  /** The kind of execution outside any top-level call (loadBundle sets it per function). */
  execution: ExecutionState;
  /** loadBundle(code, this.globals, options); the context is kept for submitForm. */
  load(code: string, options?: LoadBundleOptions): vm.Context;
  /** Links a Google Form to a sheet: its responses land there (Sheet.getFormUrl answers it). */
  linkForm(sheetName: string, formUrl?: string): void;
  /** A form response: appended to the linked sheet, then this user's form-submit triggers run in the loaded bundle. */
  submitForm(sheetName: string, answers: readonly unknown[]): FormSubmission;
}

let lastExecution = 0;

export function createFakeAppsScript(options: FakeAppsScriptOptions = {}): FakeAppsScript {
  const document = options.document ?? createFakeDocument({ ...options.workbook, ...(options.clock ? { clock: options.clock } : {}) });
  const clock = document.clock;
  const realm = createRealm();
  const calls = createCallCounter();
  const execution: ExecutionState = { mode: 'editor', realm, calls };
  const stack: { id: number; mode: ExecutionMode }[] = [];
  const uuid = options.uuid ?? randomUUID;
  const record: UiRecord = { menus: [], sidebars: [], alerts: [] };
  const http: UrlFetchControl = {
    handler: options.fetch ?? (() => {
      throw new FakeNetworkError('no fake server');
    }),
    requests: [],
  };
  const logs: LogLine[] = [];
  let loaded: vm.Context | null = null;
  const mail: MailRecord = { sent: [], quota: 100 };

  const fake: FakeAppsScript = {
    globals: {},
    document,
    workbook: document.workbook,
    clock,
    calls,
    ui: record,
    mail,
    http,
    logs,
    lock: document.lock,
    triggers: document.triggers,
    documentProperties: document.documentProperties,
    userProperties: () => userStore(document, fake.user),
    user: options.user ?? 'alice@example.com',
    execution,
    load: (code, loadOptions) => (loaded = loadBundle(code, fake.globals, loadOptions)),
    linkForm: (sheetName, formUrl) => linkForm(document.workbook.sheet(sheetName), formUrl),
    submitForm(sheetName, answers) {
      if (loaded === null) throw new Error('fake form: load the bundle before submitting a response');
      return submitFormResponse(execution, loaded, document.workbook.sheet(sheetName), document.triggers, fake.user, new Date(clock.now()), answers);
    },
  };

  const ui = new FakeUi(options.addonName ?? 'Rowshot', record, realm);
  const spreadsheet = new FakeSpreadsheet(execution, document.workbook);
  const hooks: FakeHooks = {
    now: () => clock.now(),
    bindRealm: (r) => Object.assign(realm, r),
    begin(mode) {
      const id = ++lastExecution;
      stack.push({ id, mode: execution.mode });
      execution.mode = mode ?? 'editor';
      return id;
    },
    end(id) {
      releaseLocksOf(document.lock, id);
      const top = stack.pop();
      if (top) execution.mode = top.mode;
    },
  };
  fake.globals = {
    SpreadsheetApp: createSpreadsheetApp(execution, spreadsheet, ui),
    HtmlService: createHtmlService(realm, options.htmlDir),
    UrlFetchApp: createUrlFetchApp(realm, http),
    PropertiesService: createPropertiesService(realm, document.documentProperties, fake.userProperties),
    CacheService: createCacheService(realm, () => clock.now(), document.documentCache, document.scriptCache),
    LockService: createLockService(document.lock, {
      wait: (ms) => clock.advance(ms),
      currentExecution: () => stack.at(-1)?.id ?? 0,
    }),
    ScriptApp: createScriptApp(execution, document.triggers, () => fake.user, spreadsheet, uuid, {
      identity: options.identity ?? null,
      scopes: options.oauthScopes ?? null,
      now: () => clock.now(),
    }),
    MailApp: createMailApp(execution, mail, () => fake.user),
    Session: createSession(() => fake.user),
    Utilities: createUtilities(realm, (ms) => clock.advance(ms), uuid),
    console: createConsole(logs, options.echoConsole ?? false),
    [FAKE_HOOKS]: hooks,
  };
  return fake;
}
