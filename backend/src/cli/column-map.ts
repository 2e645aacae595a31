// `--map "Prompt=Image prompt"`: the left side names a Rowshot column the way a header would
// (its label or one of its synonyms: `Sizes=Format` works), the right side is the sheet's header.
import { INPUT_FIELDS, namesOf, normalizeHeader, OUTPUT_FIELDS, type ColumnMapping } from '../../../shared/index';
import { FlagError } from './cli-errors';

type Field = keyof ColumnMapping;
const FIELDS = [...Object.keys(INPUT_FIELDS), ...Object.keys(OUTPUT_FIELDS)] as Field[];

export function parseColumnMaps(specs: readonly string[]): ColumnMapping {
  const out: ColumnMapping = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq < 0) throw new FlagError(`--map "${spec}" needs the form COLUMN=HEADER, e.g. --map "Prompt=Image prompt"`);
    const name = spec.slice(0, eq).trim();
    const header = spec.slice(eq + 1).trim();
    const field = fieldNamed(name);
    if (!field) throw new FlagError(`--map "${spec}": "${name}" is not a Rowshot column; use one of ${Object.values(INPUT_FIELDS).join(', ')}`);
    if (field in out && out[field] !== header) throw new FlagError(`--map names ${name} twice`);
    out[field] = header;
  }
  return out;
}

function fieldNamed(name: string): Field | null {
  const norm = normalizeHeader(name);
  if (norm === '') return null;
  return FIELDS.find((f) => namesOf(f)[0] === norm) ?? FIELDS.find((f) => namesOf(f).includes(norm)) ?? null;
}
