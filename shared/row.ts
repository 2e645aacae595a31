// Reads one spreadsheet row into a validated generation request. Every problem becomes a
// readable reason (never an exception), so one bad row fails alone.
import { mapHeaders, type ColumnMapping, type InputField } from './sheet-convention';
import { parseSizes, SIZE_LIMITS, type RowSize } from './sizes';
import { cellToText, fillTemplateFrom, placeholderValues } from './prompt-template';
import { findModel } from './models';
import { parseYesNo } from './yes-no';
import { parseReferenceImages, type RowReference } from './reference-images';

export const LIMITS = {
  promptChars: 4000,
  headlineChars: 300,
  sublineChars: 500,
  maxVariants: 4,
  maxSizes: SIZE_LIMITS.maxSizesPerRow,
} as const;

export type CellInput = string | number | boolean | null;

export interface RowSpec {
  prompt: string;
  negativePrompt: string;
  referencePack: string | null;
  /** Exact output sizes, in the cell's order, without duplicates (at least one). */
  sizes: RowSize[];
  variants: number;
  /** 'auto', 'template' or a model id from the registry. */
  model: string;
  headline: string;
  subline: string;
  logo: boolean;
  /** Who draws the headline, subline and logo on AI images (see TEXT_MODES). */
  text: TextMode;
  /** How an AI row's further sizes are made from its first (see RESIZE_MODES). */
  resize: ResizeMode;
  /** The row's own reference images (product shots), before the pack's in the model's list. */
  referenceImages: RowReference[];
}

/**
 * `overlay` (default): the model draws the scene with no text or logo and Rowshot typesets the
 * text and places the logo; `model`: the model is asked to draw them; `none`: no text at all.
 */
export const TEXT_MODES = ['overlay', 'model', 'none'] as const;
export type TextMode = (typeof TEXT_MODES)[number];
/** For values that arrive untyped (sidebar calls, stored JSON, flags). */
export const isTextMode = (v: unknown): v is TextMode => (TEXT_MODES as readonly unknown[]).includes(v);

/**
 * How an AI row's sizes after the first are made, so that every size shows one scene:
 * `recompose` (default): one generation per further size, given the first size's image to keep
 * subject, palette and lighting while recomposing for the new frame; `crop` (free): one
 * generation at a ratio that covers every size, and each size a content-aware crop of it.
 * Template rows render every size exactly and ignore it.
 */
export const RESIZE_MODES = ['recompose', 'crop'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];
export const isResizeMode = (v: unknown): v is ResizeMode => (RESIZE_MODES as readonly unknown[]).includes(v);

export type RowSpecResult = { ok: true; spec: RowSpec } | { ok: false; reasons: string[] };

/** What a batch sets for cells left empty. */
export interface RowDefaults {
  /** The Text mode of a row whose Text cell is empty (else `overlay`). */
  text?: TextMode;
  /** The Resize mode of a row whose Resize cell is empty (else `recompose`). */
  resize?: ResizeMode;
  /** Long edge of ratio sizes (`4:5`), in pixels; default SIZE_LIMITS.defaultLongEdge. */
  longEdge?: number;
}

/**
 * Reads a row given as header → cell value. `columns` overrides the automatic header mapping;
 * `defaults` fills empty cells and sets the batch's long edge (a batch's settings).
 */
export function readRow(cells: Readonly<Record<string, CellInput>>, columns: ColumnMapping = {}, defaults: RowDefaults = {}): RowSpecResult {
  const mapping = cachedMapping(Object.keys(cells), columns);
  let values: ReadonlyMap<string, string> | null = null;
  const raw = (field: InputField): string => {
    const header = mapping[field];
    return header === undefined ? '' : cellToText(cells[header]).trim();
  };
  const reasons: string[] = [];
  /** Expanded at most to its limit (+1, to tell "too long"); the reason gives the full length. */
  const templated = (field: 'prompt' | 'headline' | 'subline', label: string, limit: number): string => {
    values ??= placeholderValues(cells);
    const filled = fillTemplateFrom(raw(field), values, limit + 1);
    if (!filled.ok) {
      reasons.push(`${label} uses ${filled.missing.map((m) => `{{${m}}}`).join(', ')} but the row has no such column`);
      return '';
    }
    const text = filled.text.trim();
    const length = filled.fullLength ?? text.length;
    if (length > limit) reasons.push(`${label} is ${length} characters long; the limit is ${limit}`);
    return text;
  };

  const prompt = templated('prompt', 'Prompt', LIMITS.promptChars);
  if (prompt === '' && !reasons.some((r) => r.startsWith('Prompt'))) reasons.push('Prompt is empty');
  const headline = templated('headline', 'Headline', LIMITS.headlineChars);
  const subline = templated('subline', 'Subline', LIMITS.sublineChars);

  const sized = parseSizes(raw('aspectRatios'), defaults.longEdge);
  if (!sized.ok) reasons.push(...sized.reasons);
  const variants = parseVariants(raw('variants'), reasons);
  const model = parseModel(raw('model'), reasons);
  const logo = parseLogo(raw('logo'), reasons);
  const text = parseTextMode(raw('text'), reasons, defaults.text);
  const resize = parseResize(raw('resize'), reasons, defaults.resize);
  const refs = parseReferenceImages(raw('referenceImages'));
  if (!refs.ok) reasons.push(...refs.reasons);
  const pack = raw('referencePack');

  if (reasons.length > 0) return { ok: false, reasons };
  return {
    ok: true,
    spec: {
      prompt,
      negativePrompt: raw('negativePrompt'),
      referencePack: pack === '' ? null : pack,
      sizes: sized.ok ? sized.sizes : [],
      variants,
      model,
      headline,
      subline,
      logo,
      text,
      resize,
      referenceImages: refs.ok ? refs.references : [],
    },
  };
}

// The rows of one sheet share their headers: map them once, not once per row (accepting and
// pricing 10,000 rows reads every row).
const mappings = new Map<string, ColumnMapping>();
function cachedMapping(headers: readonly string[], columns: ColumnMapping): ColumnMapping {
  const key = `${headers.join('\u0000')}\u0001${JSON.stringify(columns)}`;
  let m = mappings.get(key);
  if (!m) {
    if (mappings.size > 100) mappings.clear();
    m = mapHeaders(headers, columns);
    mappings.set(key, m);
  }
  return m;
}

function parseVariants(text: string, reasons: string[]): number {
  if (text === '') return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > LIMITS.maxVariants) {
    reasons.push(`Variants must be a whole number from 1 to ${LIMITS.maxVariants} (got "${text}")`);
    return 1;
  }
  return n;
}

function parseModel(text: string, reasons: string[]): string {
  const id = text.toLowerCase();
  if (id === '' || id === 'auto') return 'auto';
  if (!findModel(id)) {
    reasons.push(`Model "${text}" is unknown; use auto, template or a listed model id`);
    return 'auto';
  }
  return id;
}

function parseLogo(text: string, reasons: string[]): boolean {
  const yes = parseYesNo(text);
  if (yes === null) reasons.push(`Logo must be yes or no (got "${text}")`);
  return yes ?? false;
}

function parseTextMode(value: string, reasons: string[], fallback: TextMode = 'overlay'): TextMode {
  const mode = value.toLowerCase();
  if (mode === '') return fallback;
  if (isTextMode(mode)) return mode;
  reasons.push(`Text must be overlay, model or none (got "${value}")`);
  return 'overlay';
}

function parseResize(value: string, reasons: string[], fallback: ResizeMode = 'recompose'): ResizeMode {
  const mode = value.toLowerCase();
  if (mode === '') return fallback;
  if (isResizeMode(mode)) return mode;
  reasons.push(`Resize must be recompose or crop (got "${value}")`);
  return 'recompose';
}

/** Images one row produces: one per size and variant. */
export function imagesPerRow(spec: RowSpec): number {
  return spec.sizes.length * spec.variants;
}

/**
 * Model calls one row pays for: one per image, except `crop`, where each variant is one
 * generation and its sizes are crops of it (free). What the estimate and the budget price.
 */
export function generationsPerRow(spec: Pick<RowSpec, 'sizes' | 'variants' | 'resize'>): number {
  return spec.resize === 'crop' ? spec.variants : spec.sizes.length * spec.variants;
}
