// `{{Column name}}` placeholders filled from the same row. Column names match the way
// headers do (case, spaces and underscores ignored), so `{{first_name}}` finds "First name".
import { normalizeHeader } from './sheet-convention';

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

export type TemplateResult = { ok: true; text: string } | { ok: false; missing: string[] };

export function fillTemplate(template: string, values: Readonly<Record<string, unknown>>): TemplateResult {
  return fillTemplateFrom(template, placeholderValues(values));
}

/** A row's cells by normalised column name, built once when several templates use one row. */
export function placeholderValues(values: Readonly<Record<string, unknown>>): ReadonlyMap<string, string> {
  const byNorm = new Map<string, string>();
  for (const [k, v] of Object.entries(values)) byNorm.set(normalizeHeader(k), cellToText(v));
  return byNorm;
}

export function fillTemplateFrom(template: string, byNorm: ReadonlyMap<string, string>): TemplateResult {
  if (!template.includes('{{')) return { ok: true, text: template };
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (_m, name: string) => {
    const value = byNorm.get(normalizeHeader(name));
    if (value === undefined) {
      if (!missing.includes(name)) missing.push(name);
      return '';
    }
    return value;
  });
  return missing.length > 0 ? { ok: false, missing } : { ok: true, text };
}

/** How a spreadsheet cell reads as text: numbers without float noise, booleans as words. */
export function cellToText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}
