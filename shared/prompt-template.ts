// `{{Column name}}` placeholders filled from the same row. Column names match the way
// headers do (case, spaces and underscores ignored), so `{{first_name}}` finds "First name".
import { normalizeHeader } from './sheet-convention';

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** Past `maxChars` only the first `maxChars` are built, and `fullLength` says how long it would be. */
export type TemplateResult = { ok: true; text: string; fullLength?: number } | { ok: false; missing: string[] };

export function fillTemplate(template: string, values: Readonly<Record<string, unknown>>): TemplateResult {
  return fillTemplateFrom(template, placeholderValues(values));
}

/** A row's cells by normalised column name, built once when several templates use one row. */
export function placeholderValues(values: Readonly<Record<string, unknown>>): ReadonlyMap<string, string> {
  const byNorm = new Map<string, string>();
  for (const [k, v] of Object.entries(values)) byNorm.set(normalizeHeader(k), cellToText(v));
  return byNorm;
}

/**
 * Fills the placeholders, building at most `maxChars` of output: a row repeating `{{A}}` over a
 * large cell would otherwise pass the engine's string limit and fail the whole request, where
 * it must only fail its own row ("Prompt is … characters long").
 */
export function fillTemplateFrom(template: string, byNorm: ReadonlyMap<string, string>, maxChars = Number.POSITIVE_INFINITY): TemplateResult {
  if (!template.includes('{{')) return template.length > maxChars ? { ok: true, text: template.slice(0, maxChars), fullLength: template.length } : { ok: true, text: template };
  const missing: string[] = [];
  const parts: string[] = [];
  let built = 0;
  let length = 0;
  let last = 0;
  const add = (piece: string) => {
    length += piece.length;
    if (built >= maxChars) return;
    const kept = built + piece.length > maxChars ? piece.slice(0, maxChars - built) : piece;
    parts.push(kept);
    built += kept.length;
  };
  for (const m of template.matchAll(PLACEHOLDER)) {
    add(template.slice(last, m.index));
    last = m.index + m[0].length;
    const name = m[1] as string;
    const value = byNorm.get(normalizeHeader(name));
    if (value === undefined) {
      if (!missing.includes(name)) missing.push(name);
      continue;
    }
    add(value);
  }
  add(template.slice(last));
  if (missing.length > 0) return { ok: false, missing };
  return length > maxChars ? { ok: true, text: parts.join(''), fullLength: length } : { ok: true, text: parts.join('') };
}

/** How a spreadsheet cell reads as text: numbers without float noise, booleans as words. */
export function cellToText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}
