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
  aspectRatios: 'Aspect ratios',
  variants: 'Variants',
  model: 'Model',
  headline: 'Headline',
  subline: 'Subline',
  logo: 'Logo',
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
} as const;
export type OutputField = keyof typeof OUTPUT_FIELDS;

/** Extra spellings people actually use, already normalised. */
const ALIASES: Record<string, InputField | OutputField> = {
  aspectratio: 'aspectRatios',
  ratio: 'aspectRatios',
  ratios: 'aspectRatios',
  pack: 'referencePack',
  negative: 'negativePrompt',
  variant: 'variants',
  subheadline: 'subline',
  imageurls: 'imageUrl',
  cost: 'costUsd',
  costusd: 'costUsd',
};

/** Headers match case-insensitively, ignoring spaces, underscores, dashes and brackets. */
export function normalizeHeader(header: string): string {
  return header.toLowerCase().replace(/[\s_\-()]+/g, '');
}

export type ColumnMapping = Partial<Record<InputField | OutputField, string>>;

/**
 * Maps convention fields to the header text found in the sheet. `overrides` name a header
 * for a field explicitly (the user's mapping wins over the automatic one).
 */
export function mapHeaders(headers: readonly string[], overrides: ColumnMapping = {}): ColumnMapping {
  const byNorm = new Map<string, string>();
  for (const h of headers) if (h.trim() !== '' && !byNorm.has(normalizeHeader(h))) byNorm.set(normalizeHeader(h), h);
  const mapping: ColumnMapping = {};
  const fields = { ...INPUT_FIELDS, ...OUTPUT_FIELDS } as Record<InputField | OutputField, string>;
  for (const [field, label] of Object.entries(fields) as [InputField | OutputField, string][]) {
    const found = byNorm.get(normalizeHeader(label)) ?? byNorm.get(normalizeHeader(field));
    if (found !== undefined) mapping[field] = found;
  }
  for (const [alias, field] of Object.entries(ALIASES)) {
    const found = byNorm.get(alias);
    if (found !== undefined && mapping[field] === undefined) mapping[field] = found;
  }
  for (const [field, header] of Object.entries(overrides) as [InputField | OutputField, string | undefined][]) {
    if (header !== undefined) mapping[field] = header;
  }
  return mapping;
}

/** Output columns in the order they are appended when missing. */
export const OUTPUT_ORDER: readonly OutputField[] = [
  'rowId', 'status', 'image', 'imageUrl', 'thumbnailUrl', 'error', 'provider', 'costUsd', 'batchId', 'updatedAt',
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
