// The add-on harness: the built add-on in a worker over the Apps Script fakes, served over HTTP.
export { AddonHarness, type CallOutcome, type HarnessOptions } from './addon-harness';
export type { ExtraRoute } from './http-server';
export type { GridRange, SheetSnapshot, UiEvents } from './protocol';
export { gridOf } from './snapshot';
export { readGrid, writeGrid, type Grid, type GridCell } from './workbook-file';
export { googleSignInEnv, startGoogleCerts, type GoogleCertsServer } from './google-certs';
