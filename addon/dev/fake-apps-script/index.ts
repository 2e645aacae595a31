// In-memory fakes of the Apps Script services the add-on uses (see the list at the end of
// addon/server/services/ports.ts), for vm tests, the browser-test harness and the playground.
export { createFakeAppsScript, type FakeAppsScript, type FakeAppsScriptOptions } from './create-fake-apps-script';
export { createFakeDocument, type FakeDocument } from './document';
export { createFakeClock, type FakeClock } from './clock';
export type { CallCounter } from './call-counter';
export type { ExecutionMode } from './execution';
export { loadBundle, topLevelFunctions, type LoadBundleOptions } from './load-bundle';
export { FakeNetworkError, payloadBytes, type FetchHandler, type FetchRequest, type FetchResponse } from './url-fetch';
export { Workbook, parseA1, type GridRange, type Toast, type WorkbookOptions } from './workbook';
export { SheetModel, toStored, type StoredValue, type Validation } from './sheet-model';
export type { UiRecord, RecordedMenu, RecordedSidebar, RecordedAlert } from './ui';
export type { TriggerRecord } from './script-app';
export type { LogLine } from './console';
export type { MailRecord, SentMail } from './mail-app';
export { makeFakeGoogleIdentity, mintGoogleIdToken, OPENID_SCOPE, EMAIL_SCOPE, type FakeGoogleIdentity } from './identity';
export type { FormSubmission } from './form-submit';
