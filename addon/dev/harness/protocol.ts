// Messages between the harness (main thread) and the worker that runs the built add-on.
import type { MessagePort } from 'node:worker_threads';
import type { FakeGoogleIdentity } from '../fake-apps-script/index';
import type { GridCell } from './workbook-file';

export interface WorkerInit {
  /** dist/addon: Code.js and the sidebar HTML files. */
  addonDir: string;
  /** Rows of the first sheet, row 1 first; strings starting with "=" are formulas. */
  rows: GridCell[][];
  sheetName: string;
  spreadsheetName: string;
  timeZone: string;
  /** Google sign-in's key (ScriptApp.getIdentityToken), or null: it then answers null. */
  identity: FakeGoogleIdentity | null;
  user: string | null;
  fetchPort: MessagePort;
  fetchSignal: Int32Array;
  /** A Google Form answers into the first sheet (its form-submit triggers run on submitForm). */
  formLinked: boolean;
}

export interface GridRange {
  row: number;
  column: number;
  numRows: number;
  numColumns: number;
}

export type WorkerRequest =
  | { id: number; kind: 'call'; fn: string; argsJson: string }
  | { id: number; kind: 'menu'; handler: string }
  | { id: number; kind: 'sheet' }
  | { id: number; kind: 'select'; ranges: GridRange[] }
  | { id: number; kind: 'mail' }
  /** The user types or pastes `values` into the active sheet from (row, column). */
  | { id: number; kind: 'edit'; row: number; column: number; values: GridCell[][] }

  | { id: number; kind: 'formSubmit'; answers: unknown[] };

/** What the user saw during one execution (toasts, alerts, sidebars opened). */
export interface UiEvents {
  toasts: { title: string; message: string }[];
  alerts: { title: string; prompt: string }[];
  sidebars: { file: string; title: string }[];
}

export interface SheetSnapshot {
  spreadsheet: string;
  sheet: string;
  sheets: { id: number; name: string }[];
  /** Displayed values up to the last row and column with content ('' for formula cells). */
  values: GridCell[][];
  /** Formula text per cell ('' where none), same shape as `values`. */
  formulas: string[][];
  /** Cells (1-based) showing part of another cell's array result: nothing of their own to save. */
  spills: { row: number; column: number }[];
  selection: GridRange[];
  menu: { title: string; items: ({ caption: string; handler: string } | null)[] } | null;
  /** Dropdowns (data validation lists) on the active sheet, latest last. */
  validations: { row: number; column: number; numRows: number; numColumns: number; values: string[] }[];
  /** Grows by one whenever the cells change. */
  version: number;
}

export type WorkerReply =
  | { id: number; ok: true; valueJson: string | null; sheetChanged: boolean; ui: UiEvents }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string }; sheetChanged: boolean; ui: UiEvents };
