// SheetTarget: writes row results into a spreadsheet in one batched call, locating rows by
// their Row ID (never by position), so sorting or inserting rows mid-batch is harmless.
import type { ColumnMapping, RowState, TargetRef } from '../../../shared/index';

export interface AssetLink {
  /** Blob key in the tenant's store, for targets that copy files. */
  key: string;
  /** Long-lived capability URL (`/a/<token>`). */
  url: string;
}

export interface RowImageWrite {
  /** `1080x1350`: exact pixels, what file names are made from. */
  size: string;
  aspectRatio: string;
  variant: number;
  image: AssetLink;
  thumbnail: AssetLink;
  /** The capability link to the image's provenance record (absent for images made before records were kept). */
  provenance?: AssetLink;
}

export interface RowWrite {
  rowId: string;
  state: RowState;
  reason: string | null;
  /** In a stable order: sizes as listed in the row, then variant. */
  images: RowImageWrite[];
  provider: string | null;
  costUsd: number;
  batchId: string;
  /** ISO time. */
  updatedAt: string;
  /** The row's version (1, then 2 after a revision or retry): copied files are named by it. Absent: 1. */
  version?: number;
  /** The approved version and its images (Approved image URL); null: not approved; absent: not known. */
  approved?: { version: number; images: RowImageWrite[] } | null;
}

export type WriteOutcome =
  | { ok: true; written: number; missingRowIds: string[] }
  | { ok: false; kind: 'transient' | 'permanent'; reason: string };

export interface TargetCheckOptions {
  /** The caller adds the Row ID column only once the batch can start (a dry check before preparing the file). */
  rowIdsPending: boolean;
}

export interface SheetTarget {
  /** Target kinds this adapter handles (`workbook`, `google-sheet`). */
  readonly kinds: readonly TargetRef['kind'][];
  /** Why this target cannot be written (checked when a batch is accepted), or null when it can. */
  checkTarget?(target: TargetRef, opts?: TargetCheckOptions): Promise<string | null>;
  /**
   * One call for all rows: one read to find rows by Row ID, one write. `columns`: the batch's
   * column mapping, so output headers are found exactly as the add-on found them.
   */
  write(target: TargetRef, tenant: string, rows: readonly RowWrite[], columns?: ColumnMapping): Promise<WriteOutcome>;
}
