// What Rowshot writes into a row's output cells, independent of the spreadsheet technology.
// The backend's Sheets and workbook targets and the add-on's pull sync all render these cells,
// so a row looks the same whoever wrote it.
import { FINAL_ROW_STATES, statusText, type OutputField, type RowState } from './sheet-convention';

export type ResultCell =
  | { kind: 'text'; text: string }
  | { kind: 'number'; value: number }
  /** An `=IMAGE("url")` formula, the only formula Rowshot ever writes. */
  | { kind: 'image'; url: string };

export interface ResultRow {
  state: RowState;
  reason: string | null;
  provider: string | null;
  costUsd: number;
  batchId: string;
  /** ISO time. */
  updatedAt: string;
  /** In a stable order: aspect ratios as listed in the row, then variant. */
  images: readonly { url: string; thumbnailUrl: string; provenanceUrl?: string | undefined }[];
  /** The row's version (Version column, where the sheet has one). */
  version?: number;
  /** The approved version's image links (Approved image URL, where the sheet has one); null: not approved. */
  approved?: { version: number; urls: readonly string[] } | null;
}

/** A spreadsheet cell holds at most 50,000 characters. */
export const MAX_CELL_CHARS = 50_000;

const text = (value: string): ResultCell => ({
  kind: 'text',
  text: value.length > MAX_CELL_CHARS ? `${value.slice(0, MAX_CELL_CHARS - 1)}…` : value,
});

/** Whether a write replaces the image cells: a re-run keeps the old images until it is final. */
export function replacesImages(row: Pick<ResultRow, 'state' | 'images'>): boolean {
  return row.images.length > 0 || FINAL_ROW_STATES.includes(row.state);
}

/** `=IMAGE()` only for an http(s) URL of sane length; anything else is written as text. */
function imageCell(url: string | undefined): ResultCell {
  if (url === undefined || url === '') return text('');
  return /^https?:\/\//i.test(url) && url.length <= 2000 ? { kind: 'image', url } : text(url);
}

/** The cells for one row by output field. Row ID is never rewritten, so it is not here. */
export function resultCells(row: ResultRow): Partial<Record<OutputField, ResultCell>> {
  const cells: Partial<Record<OutputField, ResultCell>> = {
    status: text(statusText(row.state, row.reason)),
    error: text(row.state === 'FAILED' || row.state === 'SKIPPED' ? (row.reason ?? '') : ''),
    provider: text(row.provider ?? ''),
    costUsd: { kind: 'number', value: Math.round(row.costUsd * 1e6) / 1e6 },
    batchId: text(row.batchId),
    updatedAt: text(row.updatedAt),
  };
  if (row.version !== undefined) cells.version = { kind: 'number', value: row.version };
  if (row.approved !== undefined) cells.approvedImageUrl = text(row.approved ? row.approved.urls.join('\n') : '');
  if (replacesImages(row)) {
    cells.imageUrl = text(row.images.map((i) => i.url).join('\n'));
    cells.thumbnailUrl = text(row.images.map((i) => i.thumbnailUrl).join('\n'));
    // One record link per image, in the same order (empty for images made before records were kept).
    cells.provenance = text(row.images.some((i) => i.provenanceUrl) ? row.images.map((i) => i.provenanceUrl ?? '').join('\n') : '');
    cells.image = imageCell(row.images[0]?.thumbnailUrl);
  }
  return cells;
}

/** The formula text of an image cell, with `"` doubled. */
export function imageFormula(url: string): string {
  return `=IMAGE("${url.replace(/"/g, '""')}")`;
}
