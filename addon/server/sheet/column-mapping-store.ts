// The user's column mapping per sheet, in document properties (shared by the sheet's editors):
// only the fields that differ from the automatic mapping, so renamed headers still map.
import { INPUT_FIELDS, OUTPUT_FIELDS, type ColumnMapping } from '../../../shared/index';
import type { PropertyStore } from '../services/ports';

const key = (sheetId: number): string => `rowshot.mapping.${sheetId}`;
const FIELDS = new Set<string>([...Object.keys(INPUT_FIELDS), ...Object.keys(OUTPUT_FIELDS)]);

export function loadOverrides(props: PropertyStore, sheetId: number): ColumnMapping {
  const raw = props.get(key(sheetId));
  if (raw === null) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: Record<string, string> = {};
    for (const [field, header] of Object.entries(parsed as Record<string, unknown>)) {
      if (FIELDS.has(field) && typeof header === 'string') out[field] = header;
    }
    return out as ColumnMapping;
  } catch {
    return {};
  }
}

export function saveOverrides(props: PropertyStore, sheetId: number, overrides: ColumnMapping): void {
  if (Object.keys(overrides).length === 0) props.delete(key(sheetId));
  else props.set(key(sheetId), JSON.stringify(overrides));
}
