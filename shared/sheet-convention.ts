// The sheet convention: which headers Rowshot reads and writes, and how they are matched.

export const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const ROW_STATES = ['QUEUED', 'RUNNING', 'DONE', 'FAILED', 'SKIPPED', 'CANCELLED'] as const;
export type RowState = (typeof ROW_STATES)[number];
export const FINAL_ROW_STATES: readonly RowState[] = ['DONE', 'FAILED', 'SKIPPED', 'CANCELLED'];

export const INPUT_FIELDS = {
  prompt: 'Prompt',
  negativePrompt: 'Negative prompt',
  referencePack: 'Reference pack',
  /** The field keeps its old key (saved mappings and API `columns` use it); the column is Sizes. */
  aspectRatios: 'Sizes',
  variants: 'Variants',
  model: 'Model',
  headline: 'Headline',
  subline: 'Subline',
  logo: 'Logo',
  text: 'Text',
  resize: 'Resize',
  referenceImages: 'Reference images',
  /** The reviewer's decision (Approve or Changes) and what to change: read by Apply feedback. */
  review: 'Review',
  feedback: 'Feedback',
} as const;
export type InputField = keyof typeof INPUT_FIELDS;

export const OUTPUT_FIELDS = {
  rowId: 'Row ID',
  status: 'Status',
  image: 'Image',
  imageUrl: 'Image URL',
  thumbnailUrl: 'Thumbnail URL',
  error: 'Error',
  provider: 'Provider',
  costUsd: 'Cost (USD)',
  batchId: 'Batch ID',
  updatedAt: 'Updated at',
  /** Links to each image's provenance record (one per line, as Image URL). */
  provenance: 'Provenance',
  /** Review columns: written only where the sheet has them (see ON_DEMAND_OUTPUTS). */
  version: 'Version',
  approvedImageUrl: 'Approved image URL',
} as const;
export type OutputField = keyof typeof OUTPUT_FIELDS;
/** Output columns written only when the sheet has their header (the add-on adds them with the review columns). */
export const ON_DEMAND_OUTPUTS = ['version', 'approvedImageUrl'] as const satisfies readonly OutputField[];
export type OnDemandOutput = (typeof ON_DEMAND_OUTPUTS)[number];
/** Output columns every run adds when missing. */
export type AutoOutputField = Exclude<OutputField, OnDemandOutput>;

/**
 * Other names people give each column (matched the way headers are, see `normalizeHeader`).
 * The one header rule of Rowshot: the CLI, the playground, the add-on and the API all map
 * through `mapHeaders`, so a sheet reads the same everywhere.
 */
export const HEADER_SYNONYMS: Readonly<Record<InputField | OutputField, readonly string[]>> = {
  prompt: ['Image prompt', 'Prompts', 'Description', 'Image description', 'Image brief', 'Prompt text', 'Text prompt'],
  negativePrompt: ['Negative', 'Negative prompts', 'Avoid'],
  referencePack: ['Pack', 'Brand kit', 'Template', 'Style pack', 'Reference packs'],
  aspectRatios: ['Aspect ratios', 'Size', 'Format', 'Formats', 'Aspect ratio', 'Ratio', 'Ratios', 'Dimensions'],
  variants: ['Variant', 'Variations', 'Images per size'],
  model: ['AI model', 'Image model'],
  headline: ['Heading', 'Headline text'],
  subline: ['Subheadline', 'Sub headline', 'Subtitle', 'Tagline'],
  logo: ['Use logo?', 'Logo?', 'Add logo', 'Show logo', 'With logo'],
  text: ['Text mode', 'Text on image'],
  resize: ['Resize mode', 'Resizing', 'Other sizes'],
  referenceImages: ['Reference image', 'Product images', 'Product image', 'Product photo', 'Product photos', 'Row references'],
  review: ['Approval', 'Review decision', 'Decision'],
  feedback: ['Review feedback', 'Change request', 'Requested changes'],
  // Output columns are overwritten by Rowshot: only names nobody uses for their own data.
  rowId: ['Rowshot ID'],
  status: ['Rowshot status'],
  image: [],
  imageUrl: ['Image URLs'],
  thumbnailUrl: ['Thumbnail URLs'],
  error: [],
  provider: [],
  costUsd: ['Cost', 'Cost USD'],
  batchId: [],
  updatedAt: [],
  provenance: ['Provenance URL', 'Provenance URLs', 'Provenance record'],
  version: ['Image version'],
  approvedImageUrl: ['Approved image', 'Approved URL', 'Approved image URLs'],
};

/**
 * Headers match case-insensitively, ignoring spaces, underscores, dashes, brackets and
 * punctuation (`Use logo?` is `uselogo`), and accents (`Descripción` is `descripcion`).
 */
export function normalizeHeader(header: string): string {
  return header.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[\s_\-()[\]{}?!.:;,'"*#/\\]+/g, '');
}

export type ColumnMapping = Partial<Record<InputField | OutputField, string>>;
type Field = InputField | OutputField;

const FIELD_LABELS = { ...INPUT_FIELDS, ...OUTPUT_FIELDS } as Readonly<Record<Field, string>>;

/** Every normalised name a field answers to, its own label first. */
export function namesOf(field: Field): string[] {
  const names = [FIELD_LABELS[field], field, ...HEADER_SYNONYMS[field]].map(normalizeHeader);
  return [...new Set(names)];
}

/**
 * Maps convention fields to the header text found in the sheet. `overrides` name a header
 * for a field explicitly (the user's mapping wins over the automatic one; '' means no column, and
 * stays '' in the result).
 * A field's own label wins over another field's synonym; among synonyms, the earlier listed wins;
 * a header is used for one field only.
 */
export function mapHeaders(headers: readonly string[], overrides: ColumnMapping = {}): ColumnMapping {
  const byNorm = new Map<string, string>();
  for (const h of headers) if (h.trim() !== '' && !byNorm.has(normalizeHeader(h))) byNorm.set(normalizeHeader(h), h);
  const mapping: ColumnMapping = {};
  const used = new Set<string>();
  for (const [field, header] of Object.entries(overrides) as [Field, string | undefined][]) {
    if (header !== undefined) {
      mapping[field] = header;
      if (header !== '') used.add(header);
    }
  }
  const fields = Object.keys(FIELD_LABELS) as Field[];
  const names = new Map(fields.map((f) => [f, namesOf(f)]));
  const maxRank = Math.max(...[...names.values()].map((n) => n.length));
  // Rank by rank, so every field's exact label is taken before any field's synonym.
  for (let rank = 0; rank < maxRank; rank++) {
    for (const field of fields) {
      if (field in mapping) continue;
      const name = names.get(field)?.[rank];
      const found = name === undefined ? undefined : byNorm.get(name);
      if (found !== undefined && !used.has(found)) {
        mapping[field] = found;
        used.add(found);
      }
    }
  }
  return mapping;
}

/** Output columns in the order they are appended when missing. */
export const OUTPUT_ORDER: readonly AutoOutputField[] = [
  'rowId', 'status', 'image', 'imageUrl', 'thumbnailUrl', 'error', 'provider', 'costUsd', 'batchId', 'updatedAt', 'provenance',
];

/** A cell starting with one of these would be read as a formula by a spreadsheet. */
export function looksLikeFormula(text: string): boolean {
  return /^[=+\-@\t\r]/.test(text);
}

/**
 * Text for a format with no cell types (CSV): a formula-looking value gets a leading `'`, which
 * spreadsheets show as text (OWASP's CSV-injection advice).
 */
export function formulaSafeText(text: string): string {
  return looksLikeFormula(text) ? `'${text}` : text;
}

/** A1-notation column letters for a 0-based column index (0 → A, 26 → AA). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** The Status cell text: `FAILED: reason`, `SKIPPED: reason`, or the bare state. */
export function statusText(state: RowState, reason?: string | null): string {
  if ((state === 'FAILED' || state === 'SKIPPED') && reason) return `${state}: ${reason}`;
  return state;
}
