import * as z from '../zod';
import { ROW_ID_MAX_LENGTH, ROW_ID_TEXT_MESSAGE, ROW_ID_TEXT_PATTERN } from '../row-id';
import { ROW_STATES } from '../sheet-convention';
import { RESIZE_MODES, TEXT_MODES } from '../row';
import { SIZE_LIMITS } from '../sizes';
import { MAX_FILE_NAME_TEMPLATE } from '../file-names';

export const CellValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const MAX_ROWS_PER_BATCH = 50_000;

// Any id a sheet already holds is accepted (keys and file names encode it safely); only
// control characters, surrounding spaces and over-long ids are refused (rule in row-id.ts).
export const RowIdSchema = z.string().check(z.minLength(1), z.maxLength(ROW_ID_MAX_LENGTH), z.regex(ROW_ID_TEXT_PATTERN, ROW_ID_TEXT_MESSAGE));

// Request bodies are strict: an unknown field (a typo such as `maxCostUSD`) is refused and
// listed, never silently ignored.
export const BatchRowInput = z.strictObject({
  rowId: RowIdSchema,
  /** The row as header → value; headers follow the sheet convention. */
  cells: z.record(z.string(), CellValue),
});
export type BatchRowInput = z.infer<typeof BatchRowInput>;

export const ColumnsOverride = z.optional(z.record(z.string(), z.string()));

/** Where results are written back. `none`: results are pulled through the API. */
export const TargetRef = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('workbook'),
    path: z.string().check(z.minLength(1)),
    sheet: z.optional(z.string()),
    /** `files`: URL cells hold paths into assetsDir; `urls`: capability links. */
    links: z.optional(z.enum(['files', 'urls'])),
    assetsDir: z.optional(z.string()),
    /** Names of the copied images in each row's folder (as the batch's `fileNameTemplate`, which it defaults to). */
    fileNameTemplate: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_FILE_NAME_TEMPLATE))),
  }),
  z.strictObject({ kind: z.literal('google-sheet'), spreadsheetId: z.string().check(z.minLength(10)), sheetName: z.optional(z.string()) }),
]);
export type TargetRef = z.infer<typeof TargetRef>;

/**
 * How headlines are sized. `set`: every size of a row and every row of the batch that shares a
 * pack get one headline size, the largest at which they all fit (a row that can only fit smaller
 * is shrunk and flagged in its notes); `row`: each image gets the largest size it fits alone.
 */
export const TEXT_FITS = ['set', 'row'] as const;
export type TextFit = (typeof TEXT_FITS)[number];

/** Minimum legible text sizes in px: a row whose text only fits smaller FAILS with the reason. */
export const MinTextPx = z.strictObject({
  headline: z.optional(z.number().check(z.int(), z.gte(6), z.lte(400))),
  subline: z.optional(z.number().check(z.int(), z.gte(6), z.lte(400))),
});
export type MinTextPx = z.infer<typeof MinTextPx>;

export const CreateBatchRequest = z.strictObject({
  name: z.optional(z.string().check(z.maxLength(200))),
  rows: z.array(BatchRowInput).check(z.minLength(1), z.maxLength(MAX_ROWS_PER_BATCH)),
  columns: ColumnsOverride,
  maxCostUsd: z.optional(z.number().check(z.gte(0))),
  /** Ordered provider chain for `auto` rows; defaults to the server's chain. */
  providerChain: z.optional(z.array(z.string()).check(z.minLength(1), z.maxLength(5))),
  allowTemplateFallback: z.optional(z.boolean()),
  /** Rows naming a model past its shutdown day run on its successor (with a note) instead of failing. */
  allowModelSubstitution: z.optional(z.boolean()),
  target: z.optional(TargetRef),
  flushIntervalMs: z.optional(z.number().check(z.int(), z.gte(200), z.lte(60_000))),
  /** `set` (default): one headline size for the rows sharing a pack and all their sizes; `row`: each image fitted alone. */
  textFit: z.optional(z.enum(TEXT_FITS)),
  /** The `Text` mode of rows whose Text cell is empty (default `overlay`). */
  textDefault: z.optional(z.enum(TEXT_MODES)),
  /** The `Resize` mode of AI rows whose Resize cell is empty (default `recompose`; `crop` pays one generation per variant). */
  resizeDefault: z.optional(z.enum(RESIZE_MODES)),
  /** Minimum legible sizes in px (default: the server's, else 3.4% / 2.4% of the short side); text never goes smaller. */
  minTextPx: z.optional(MinTextPx),
  /** Long edge in pixels of the rows' ratio sizes (`4:5`); exact sizes and presets are as given. */
  longEdge: z.optional(z.number().check(z.int(), z.gte(SIZE_LIMITS.minLongEdge), z.lte(SIZE_LIMITS.maxEdge))),
  /** Names of the images in the zip export, e.g. `{{Name}}-{{size}}-v{{variant}}` (see shared/file-names.ts). */
  fileNameTemplate: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_FILE_NAME_TEMPLATE))),
});
export type CreateBatchRequest = z.infer<typeof CreateBatchRequest>;

/**
 * POST /v1/batches/:id/retry. `rows`: the current cells of FAILED rows (as the sheet or file
 * holds them now), replacing what the batch stored, so a fixed typo is what runs; FAILED rows
 * not listed run with their stored cells.
 */
export const RetryBatchRequest = z.strictObject({
  rows: z.optional(z.array(BatchRowInput).check(z.maxLength(MAX_ROWS_PER_BATCH))),
});
export type RetryBatchRequest = z.infer<typeof RetryBatchRequest>;

/** Longest Feedback a reviewer may give one row (it becomes part of the model's instruction). */
export const MAX_FEEDBACK_CHARS = 2000;

/**
 * POST /v1/batches/:id/revise: regenerate DONE rows with a reviewer's feedback, as a new version
 * of each. AI rows are edited from their current image with the feedback as the instruction;
 * template rows are re-rendered from their cells (`cells`: the sheet's current ones). Priced and
 * budgeted like rows; over `maxCostUsd` (else the batch's) the round is refused with the estimate.
 */
export const ReviseBatchRequest = z.strictObject({
  rows: z.array(z.strictObject({
    rowId: RowIdSchema,
    feedback: z.string().check(z.trim(), z.minLength(1, 'give the change to make'), z.maxLength(MAX_FEEDBACK_CHARS)),
    cells: z.optional(z.record(z.string(), CellValue)),
  })).check(z.minLength(1), z.maxLength(MAX_ROWS_PER_BATCH)),
  maxCostUsd: z.optional(z.number().check(z.gte(0))),
});
export type ReviseBatchRequest = z.infer<typeof ReviseBatchRequest>;

export const BATCH_STATES = ['ACCEPTED', 'RUNNING', 'DONE', 'CANCELLED'] as const;
export type BatchState = (typeof BATCH_STATES)[number];
/** A batch in one of these states changes no more (until a retry of its FAILED rows). */
export const FINAL_BATCH_STATES: readonly BatchState[] = ['DONE', 'CANCELLED'];
export const isFinalBatch = (state: BatchState): boolean => FINAL_BATCH_STATES.includes(state);

export const RowCounts = z.object({
  QUEUED: z.number(), RUNNING: z.number(), DONE: z.number(), FAILED: z.number(), SKIPPED: z.number(), CANCELLED: z.number(),
});
export type RowCounts = z.infer<typeof RowCounts>;

export const BatchStatus = z.object({
  id: z.string(),
  name: z.string(),
  state: z.enum(BATCH_STATES),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.nullable(z.string()),
  rowCount: z.number(),
  counts: RowCounts,
  cost: z.object({ estimatedUsd: z.number(), actualUsd: z.number(), maxUsd: z.nullable(z.number()) }),
  etaSeconds: z.nullable(z.number()),
  progress: z.number(),
  statusUrl: z.string(),
  target: TargetRef,
  lastWriteError: z.nullable(z.string()),
  /** Rows a reviewer approved (POST /v1/batches/:id/approve). */
  approvedRows: z.optional(z.number()),
});
export type BatchStatus = z.infer<typeof BatchStatus>;

export const CreateBatchResponse = z.object({
  id: z.string(), statusUrl: z.string(), state: z.enum(BATCH_STATES), rowCount: z.number(),
  /** Pre-flight warnings: columns that look like inputs but are not read. */
  warnings: z.optional(z.array(z.string())),
});
export type CreateBatchResponse = z.infer<typeof CreateBatchResponse>;

/** POST /v1/batches/check: the batch would be accepted (every refusal is the problem POST /v1/batches gives). */
export const BatchCheckResponse = z.object({
  ok: z.literal(true),
  estimate: z.object({ totalUsd: z.number(), images: z.number() }),
  warnings: z.optional(z.array(z.string())),
});
export type BatchCheckResponse = z.infer<typeof BatchCheckResponse>;

/** `size`: the exact pixels (`1080x1350`); `aspectRatio`: its reduced ratio (`4:5`). */
export const RowImage = z.object({
  size: z.string(), aspectRatio: z.string(), variant: z.number(), url: z.string(), thumbnailUrl: z.string(),
  /** The capability link to the image's provenance record (absent for images made before records were kept). */
  provenanceUrl: z.optional(z.string()),
  /** The image's asset id (its record id), for GET /v1/assets/:id/provenance. */
  assetId: z.optional(z.string()),
});
export type RowImage = z.infer<typeof RowImage>;

export const RowResult = z.object({
  rowId: z.string(),
  index: z.number(),
  state: z.enum(ROW_STATES),
  reason: z.nullable(z.string()),
  provider: z.nullable(z.string()),
  costUsd: z.number(),
  images: z.array(RowImage),
  notes: z.array(z.string()),
  attempts: z.number(),
  updatedAt: z.nullable(z.string()),
  /** The version the images are (1, then 2 after a revision or retry). */
  version: z.optional(z.number()),
  /** The version a reviewer approved, with its images; null: not approved. */
  approved: z.optional(z.nullable(z.object({ version: z.number(), images: z.array(RowImage), approvedAt: z.string() }))),
});
export type RowResult = z.infer<typeof RowResult>;

export const RowsPage = z.object({ rows: z.array(RowResult), nextPageToken: z.nullable(z.string()) });

/**
 * POST /v1/batches/:id/approve: a reviewer's approvals. `approved: true` pins the row's current
 * version (its images go to the Approved image URL column and the approved-only download; a
 * later revision does not move it); `false` withdraws it. Only DONE rows can be approved.
 */
export const ApproveRowsRequest = z.strictObject({
  rows: z.array(z.strictObject({ rowId: RowIdSchema, approved: z.boolean() })).check(z.minLength(1), z.maxLength(MAX_ROWS_PER_BATCH)),
});
export type ApproveRowsRequest = z.infer<typeof ApproveRowsRequest>;

/** One version of a row: v1 is its first run; each revision (or retry) makes the next. */
export const RowVersion = z.object({
  version: z.number(),
  state: z.enum(ROW_STATES),
  /** The reviewer's feedback this version was made from (null for v1 and retries). */
  feedback: z.nullable(z.string()),
  /** What this version cost (the row's Cost cell is the sum of all its versions). */
  costUsd: z.number(),
  images: z.array(RowImage),
  createdAt: z.nullable(z.string()),
  /** True for the version the sheet shows. */
  latest: z.boolean(),
});
export type RowVersion = z.infer<typeof RowVersion>;
export const RowVersions = z.object({ rowId: z.string(), versions: z.array(RowVersion) });
export type RowVersions = z.infer<typeof RowVersions>;

export type RowsPage = z.infer<typeof RowsPage>;

export const ListBatchesQuery = z.object({
  state: z.optional(z.enum(BATCH_STATES)),
  since: z.optional(z.iso.datetime()),
  until: z.optional(z.iso.datetime()),
  q: z.optional(z.string().check(z.maxLength(200))),
  pageSize: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(100))),
  pageToken: z.optional(z.string()),
});

export const ListRowsQuery = z.object({
  pageSize: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(500))),
  pageToken: z.optional(z.string()),
  state: z.optional(z.enum(ROW_STATES)),
});

export const BatchList = z.object({ batches: z.array(BatchStatus), nextPageToken: z.nullable(z.string()) });

export const ExportQuery = z.object({
  format: z._default(z.enum(['csv', 'json', 'zip']), 'json'),
  /** zip: only approved rows, with the version each was approved at. */
  approved: z.optional(z.enum(['true', 'false'])),
  /** zip: `latest` (default) the version the sheet shows; `all` every version, each in its own folder or name. */
  versions: z.optional(z.enum(['latest', 'all'])),
});

/** POST /v1/batches/:id/download-link: a capability link to the batch's zip (no login needed to open it). */
export const DownloadLinkRequest = z.strictObject({
  approvedOnly: z.optional(z.boolean()),
  allVersions: z.optional(z.boolean()),
});
export type DownloadLinkRequest = z.infer<typeof DownloadLinkRequest>;
export const DownloadLink = z.object({ url: z.string(), approvedOnly: z.boolean(), allVersions: z.boolean() });
export type DownloadLink = z.infer<typeof DownloadLink>;

/** POST /v1/preview: one row, made now; no batch, nothing written to a sheet. */
export const PreviewRequest = z.strictObject({
  row: z.strictObject({ rowId: z.optional(RowIdSchema), cells: z.record(z.string(), CellValue) }),
  columns: ColumnsOverride,
  providerChain: z.optional(z.array(z.string()).check(z.minLength(1), z.maxLength(5))),
  maxCostUsd: z.optional(z.number().check(z.gte(0))),
  /** As in CreateBatchRequest: the long edge of ratio sizes. */
  longEdge: z.optional(z.number().check(z.int(), z.gte(SIZE_LIMITS.minLongEdge), z.lte(SIZE_LIMITS.maxEdge))),
  /** As in CreateBatchRequest, so a preview is made the way the run will make the row. */
  textDefault: z.optional(z.enum(TEXT_MODES)),
  resizeDefault: z.optional(z.enum(RESIZE_MODES)),
  minTextPx: z.optional(MinTextPx),
});
export type PreviewRequest = z.infer<typeof PreviewRequest>;

export const PreviewResponse = z.object({
  rowId: z.string(),
  provider: z.string(),
  model: z.string(),
  costUsd: z.number(),
  images: z.array(RowImage),
  notes: z.array(z.string()),
});
export type PreviewResponse = z.infer<typeof PreviewResponse>;

export const EstimateRequest = z.strictObject({
  rows: z.array(BatchRowInput).check(z.minLength(1), z.maxLength(MAX_ROWS_PER_BATCH)),
  columns: ColumnsOverride,
  providerChain: z.optional(z.array(z.string()).check(z.minLength(1))),
  allowModelSubstitution: z.optional(z.boolean()),
  /** As in CreateBatchRequest: `crop` rows are priced one generation per variant. */
  resizeDefault: z.optional(z.enum(RESIZE_MODES)),
});
