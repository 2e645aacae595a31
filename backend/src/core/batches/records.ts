// The stored shape of a batch. Written by: manifest (create, cancel, retry), row records (the
// row's claimant), row-states and status (the flush task only: the single writer).
import type { BatchState, ColumnMapping, MinTextPx, ResizeMode, RowState, TargetRef, TextFit, TextMode } from '../../../../shared/index';

export interface Manifest {
  id: string;
  tenant: string;
  name: string;
  createdAt: string;
  rowCount: number;
  chunkSize: number;
  columns: ColumnMapping;
  providerChain: string[];
  allowTemplateFallback: boolean;
  /** Rows naming a retired model run on its successor (absent in older batches: no). */
  allowModelSubstitution?: boolean;
  maxCostUsd: number | null;
  estimatedUsd: number;
  target: TargetRef;
  flushIntervalMs: number;
  /** Long edge of ratio sizes; absent in batches made before it (the default applies). */
  longEdge?: number;
  /** Bumped by retry: row tasks of a newer generation may re-run FAILED rows. */
  retryGen: number;
  cancelled: boolean;
  requestHash: string;
  /** The batch's file-name template (absent in batches made before it existed). */
  fileNameTemplate?: string | null;
  /**
   * `set` (the default): rows that share a pack, and every size of a row, share one headline
   * size (text-sets.ts); `row`: each image is fitted on its own. Absent in older batches: `row`.
   */
  textFit?: TextFit;
  /** Who created the batch, as provenance records name it (absent on older batches). */
  createdBy?: string | null;
  /** The Text mode of rows whose Text cell is empty (absent: overlay). */
  textDefault?: TextMode;
  /** The Resize mode of AI rows whose Resize cell is empty (absent: recompose). */
  resizeDefault?: ResizeMode;
  /** The batch's minimum legible text sizes in px (absent: the server's). */
  minTextPx?: MinTextPx;
}

export interface StoredImage {
  /** `1080x1350`: the exact pixels (absent in records written before exact sizes). */
  size?: string;
  /** The size's reduced ratio (`4:5`), or the ratio asked for in older records. */
  aspectRatio: string;
  variant: number;
  key: string;
  thumbKey: string;
  mimeType: string;
  /** The image's provenance record (absent on images stored before records were kept). */
  provenanceKey?: string;
}

export interface RowRecord {
  rowId: string;
  index: number;
  gen: number;
  state: RowState;
  reason: string | null;
  provider: string | null;
  costMicros: number;
  images: StoredImage[];
  notes: string[];
  attempts: number;
  claim: { owner: string; until: number } | null;
  updatedAt: string;
  /** Increases with every write; the flush applies only newer revisions. */
  rev: number;
  /** Earlier versions that made images, oldest first: a revision keeps them (the sheet shows this record's). */
  versions?: RowVersionRecord[];
  /** The reviewer's feedback this generation was made from (a revision). */
  feedback?: string;
  /** The row's cost when this generation started (what this version cost is the difference). */
  costAtStartMicros?: number;
  /** The version a reviewer approved (pinned: a later version does not move it), with its images. */
  approved?: { version: number; images: StoredImage[]; at: string };
}

export interface RowVersionRecord {
  /** Generation + 1. */
  version: number;
  gen: number;
  state: RowState;
  images: StoredImage[];
  feedback: string | null;
  costMicros: number;
  finishedAt: string;
}

/** What `layout.revision` holds: written by POST /revise before the row's task is queued. */
export interface RevisionRecord {
  feedback: string;
  /** The generation whose images are edited, and those images. */
  fromGen: number;
  images: StoredImage[];
}

/** One character per row, so 10,000 rows cost 10 KB. */
export const STATE_CODES: Record<RowState, string> = {
  QUEUED: 'Q', RUNNING: 'R', DONE: 'D', FAILED: 'F', SKIPPED: 'S', CANCELLED: 'C',
};
export const CODE_STATES: Record<string, RowState> = Object.fromEntries(
  Object.entries(STATE_CODES).map(([s, c]) => [c, s as RowState]),
);

export interface RowStates {
  states: string;
  /** '1' per approved row (absent in batches nobody has reviewed). */
  approved?: string;
  revs: number[];
  gens: number[];
  costMicros: number[];
}

export interface StatusRecord {
  state: BatchState;
  counts: Record<RowState, number>;
  actualMicros: number;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  lastWriteError: string | null;
  /** Recent (time, finished rows) samples for the ETA. */
  samples: [number, number][];
  /** Rows with an approved version (absent: none). */
  approved?: number;
}

export interface InputRow {
  rowId: string;
  cells: Record<string, string | number | boolean | null>;
}

export function emptyCounts(): Record<RowState, number> {
  return { QUEUED: 0, RUNNING: 0, DONE: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0 };
}
