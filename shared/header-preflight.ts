// The pre-flight of a sheet's headers, run before anything is submitted (CLI, add-on, API):
// no recognisable Prompt column stops the run with one message naming the headers found and
// the nearest one; a column that is not read but looks like an input gets a warning.
import { HEADER_SYNONYMS, INPUT_FIELDS, mapHeaders, namesOf, normalizeHeader, type ColumnMapping, type InputField } from './sheet-convention';
import { editDistance } from './edit-distance';

/** How the caller's user maps a column: the CLI's `--map`, the add-on's sidebar, the API's `columns`. */
export interface MapHint {
  /** Maps `header` to the column labelled `label`. */
  column(label: string, header: string): string;
  /** Maps some header to Prompt (none is near). */
  prompt: string;
}

const NAME_PROMPT = 'Name a column "Prompt" (or "Image prompt", "Description")';
export const CLI_MAP_HINT: MapHint = {
  column: (label, header) => `Map it with --map "${label}=${header}" or rename it.`,
  prompt: `${NAME_PROMPT}, or map one with --map "Prompt=HEADER".`,
};
export const SIDEBAR_MAP_HINT: MapHint = {
  column: (label) => `Map it to ${label} in the Batch sidebar (Column mapping) or rename it.`,
  prompt: `${NAME_PROMPT}, or map one to Prompt in the Batch sidebar (Column mapping).`,
};
export const API_MAP_HINT: MapHint = {
  column: (label, header) => `Send "columns": { "${fieldOfLabel(label)}": "${header}" } or rename it.`,
  prompt: `${NAME_PROMPT}, or send "columns": { "prompt": "HEADER" }.`,
};

export interface PreflightWarning {
  header: string;
  /** The input it looks like. */
  field: InputField;
  message: string;
}

export type HeaderPreflight =
  | { ok: true; mapping: ColumnMapping; warnings: PreflightWarning[] }
  | { ok: false; message: string; headersFound: string[]; nearest: string | null; warnings: PreflightWarning[] };

/** Input fields whose names a user would type (the field's label and synonyms), normalised. */
const INPUT_NAMES: readonly { field: InputField; name: string }[] = (Object.keys(INPUT_FIELDS) as InputField[])
  .flatMap((field) => namesOf(field).map((name) => ({ field, name })));

/** Words that make a header look like a Rowshot input even when it is not one of its names. */
const KEYWORDS: Readonly<Record<InputField, readonly string[]>> = {
  prompt: ['prompt'],
  negativePrompt: ['negative'],
  referencePack: ['pack', 'brandkit'],
  aspectRatios: ['ratio', 'size', 'format'],
  variants: ['variant'],
  model: ['model'],
  headline: ['headline'],
  subline: ['subline'],
  logo: ['logo'],
  text: ['textmode', 'lettering'],
  resize: ['resiz'],
  referenceImages: ['referenceimage', 'productimage', 'productphoto'],
  review: ['approv'],
  feedback: ['feedback'],
};

export function preflightHeaders(headers: readonly string[], overrides: ColumnMapping = {}, hint: MapHint = CLI_MAP_HINT): HeaderPreflight {
  const found = headers.map((h) => h.trim()).filter((h) => h !== '');
  const problems: string[] = [];
  for (const [field, header] of Object.entries(overrides) as [InputField, string | undefined][]) {
    if (header !== undefined && header !== '' && !found.includes(header)) problems.push(`${labelOf(field)} is mapped to "${header}", which is not a column here`);
  }
  const mapping = mapHeaders(found, overrides);
  const mapped = new Set(Object.values(mapping).filter((h): h is string => h !== undefined && h !== ''));
  const warnings: PreflightWarning[] = [];
  for (const header of found) {
    if (mapped.has(header)) continue;
    const like = looksLike(header);
    if (like === null) continue;
    const current = mapping[like];
    const label = INPUT_FIELDS[like];
    const why = current ? `${label} comes from "${current}"` : `it is not a name Rowshot reads as ${label}`;
    warnings.push({ header, field: like, message: `Column "${header}" is not read (${why}). ${current ? `To read it instead, ${lowerFirst(hint.column(label, header))}` : hint.column(label, header)}` });
  }
  if (!mapping.prompt || problems.length > 0) {
    const nearest = mapping.prompt ? null : nearestPrompt(found, mapped);
    const list = found.length > 0 ? found.map((h) => `"${h}"`).join(', ') : 'none';
    const parts = [...problems];
    if (!mapping.prompt) {
      parts.push(`No Prompt column. Headers found: ${list}.${nearest ? ` Did you mean "${nearest}"? ${hint.column(INPUT_FIELDS.prompt, nearest)}` : ` ${hint.prompt}`}`);
    }
    return { ok: false, message: parts.join('. '), headersFound: found, nearest, warnings: warnings.filter((w) => w.header !== nearest) };
  }
  return { ok: true, mapping, warnings };
}

/** The input field an unmapped header resembles: a near spelling of one of its names, or one of its words. */
function looksLike(header: string): InputField | null {
  const norm = normalizeHeader(header);
  if (norm === '') return null;
  let best: { field: InputField; d: number } | null = null;
  for (const { field, name } of INPUT_NAMES) {
    const d = editDistance(norm, name);
    if (d <= tolerance(name) && (!best || d < best.d)) best = { field, d };
  }
  if (best) return best.field;
  for (const [field, words] of Object.entries(KEYWORDS) as [InputField, readonly string[]][]) {
    if (words.some((w) => norm.includes(w))) return field;
  }
  return null;
}

/** The header most like a Prompt column, among those not already used for something else. */
function nearestPrompt(headers: readonly string[], mapped: ReadonlySet<string>): string | null {
  const names = namesOf('prompt');
  let best: { header: string; score: number } | null = null;
  for (const header of headers) {
    if (mapped.has(header)) continue;
    const norm = normalizeHeader(header);
    const d = Math.min(...names.map((n) => editDistance(norm, n)));
    const score = norm.includes('prompt') ? 0 : d <= Math.max(2, tolerance(norm)) ? d : Infinity;
    if (score !== Infinity && (!best || score < best.score)) best = { header, score };
  }
  return best?.header ?? null;
}

const tolerance = (name: string): number => (name.length <= 4 ? 0 : name.length <= 8 ? 1 : 2);


function labelOf(field: string): string {
  return (INPUT_FIELDS as Record<string, string>)[field] ?? field;
}
function fieldOfLabel(label: string): string {
  return (Object.entries(INPUT_FIELDS).find(([, l]) => l === label)?.[0]) ?? label;
}
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** For docs and messages: the names each input column answers to. */
export function inputSynonyms(field: InputField): readonly string[] {
  return [INPUT_FIELDS[field], ...HEADER_SYNONYMS[field]];
}
