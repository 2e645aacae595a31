// Recalculates the add-on's custom functions in the fake spreadsheet as Sheets does: a cell
// =ROWSHOT_COST(B2:B9, C2:C9) is computed by the bundle's own ROWSHOT_COST (a custom-function
// execution) and shows its result; it is computed again only when its formula or the values it
// references change. Arguments may be cell references, ranges, text, numbers and TRUE/FALSE;
// other formulas (=IMAGE(…), =SUM(…)) are left uncomputed, as the fake always has.
import { parseA1, type GridRange, type SheetModel, type StoredValue } from '../fake-apps-script/index';

export const CUSTOM_FUNCTIONS = ['ROWSHOT_COST', 'ROWSHOT_PROMPT', 'ROWSHOT_STATUS'] as const;

type Arg = { kind: 'value'; value: StoredValue | undefined } | { kind: 'cell'; range: GridRange } | { kind: 'range'; range: GridRange; open?: true };
type Call = { fn: string; args: Arg[] } | { error: string };

const UNSUPPORTED = 'the playground computes ROWSHOT_… calls whose arguments are cells, ranges, text, numbers or TRUE/FALSE';

/** `=ROWSHOT_COST(A2:A5, "1:1", 2)` → the call; null for a formula that is not a custom function call. */
export function parseCustomCall(formula: string): Call | null {
  const m = /^=\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\(([\s\S]*)\)\s*$/.exec(formula);
  const fn = m?.[1]?.toUpperCase() ?? '';
  if (!m || !(CUSTOM_FUNCTIONS as readonly string[]).includes(fn)) return null;
  const parts = splitArgs(m[2] ?? '');
  if (parts === null) return { error: `#ERROR! ${UNSUPPORTED}` };
  const args: Arg[] = [];
  for (const part of parts) {
    const arg = parseArg(part.trim());
    if (arg === null) return { error: `#ERROR! ${UNSUPPORTED} (not "${part.trim()}")` };
    args.push(arg);
  }
  return { fn, args };
}

/** Top-level commas, outside "…" strings (where "" is a quote); null for nested parentheses. */
function splitArgs(text: string): string[] | null {
  if (text.trim() === '') return [];
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '(' || ch === ')')) return null;
    if (!quoted && ch === ',') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (quoted) return null;
  parts.push(current);
  return parts;
}

function parseArg(text: string): Arg | null {
  if (text === '') return { kind: 'value', value: undefined };
  if (/^"([^"]|"")*"$/.test(text)) return { kind: 'value', value: text.slice(1, -1).replace(/""/g, '"') };
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return { kind: 'value', value: Number(text) };
  if (/^(true|false)$/i.test(text)) return { kind: 'value', value: text.toUpperCase() === 'TRUE' };
  const ref = text.replace(/\$/g, '').toUpperCase();
  if (/^[A-Z]{1,3}\d+$/.test(ref)) return { kind: 'cell', range: parseA1(ref) };
  if (/^[A-Z]{1,3}\d+:[A-Z]{1,3}\d+$/.test(ref)) return { kind: 'range', range: parseA1(ref) };
  // B2:B and B:B run to the grid's last row (parseA1 reads "B2:B" as B2 alone).
  if (/^[A-Z]{1,3}\d*:[A-Z]{1,3}$/.test(ref)) return { kind: 'range', range: parseA1(/\d/.test(ref) ? `${ref}1000` : ref), open: true };
  return null;
}

/** A range as Sheets passes it to a custom function: a cell is its value, a range a 2-D array. */
function argValue(sheet: SheetModel, arg: Arg): unknown {
  if (arg.kind === 'value') return arg.value;
  const { row, column, numRows, numColumns } = arg.range;
  if (arg.kind === 'cell') return sheet.value(row, column);
  // An open range (B2:B) stops at the last row with content, as Sheets' does in effect.
  const rows = arg.open ? Math.max(1, Math.min(numRows, sheet.lastRow() - row + 1)) : numRows;
  return sheet.read(row, column, rows, numColumns);
}

export type CustomFunctionRunner = (fn: string, args: unknown[]) => unknown;

/** One engine per sheet: it remembers each formula cell's inputs and result between recalculations. */
export class Recalculator {
  private readonly cache = new Map<string, { inputs: string; result: StoredValue | StoredValue[][] }>();

  constructor(private readonly run: CustomFunctionRunner) {}

  /** Recomputes what changed; true when a displayed result changed. Chains settle within a few passes. */
  recalculate(sheet: SheetModel): boolean {
    let changedAny = false;
    for (let pass = 0; pass < 8; pass++) {
      let changed = false;
      const results: { row: number; column: number; value: StoredValue | StoredValue[][] }[] = [];
      for (const cell of sheet.formulaCells()) {
        const call = parseCustomCall(cell.formula);
        if (call === null) continue;
        const key = `${sheet.id}:${cell.row},${cell.column}`;
        if ('error' in call) {
          results.push({ row: cell.row, column: cell.column, value: call.error });
          continue;
        }
        const args = call.args.map((a) => argValue(sheet, a));
        const inputs = JSON.stringify([cell.formula, args]);
        let entry = this.cache.get(key);
        if (entry?.inputs !== inputs) {
          entry = { inputs, result: this.evaluate(call.fn, args) };
          this.cache.set(key, entry);
          changed = true;
        }
        results.push({ row: cell.row, column: cell.column, value: entry.result });
      }
      sheet.setResults(results);
      changedAny ||= changed;
      if (!changed) break;
    }
    return changedAny;
  }

  private evaluate(fn: string, args: unknown[]): StoredValue | StoredValue[][] {
    try {
      return toStoredResult(this.run(fn, args));
    } catch (err) {
      // A custom function that throws shows #ERROR! with the message, as in Sheets.
      return `#ERROR! ${err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err) ? String((err as { message: unknown }).message) : String(err)}`;
    }
  }
}

function toStoredResult(value: unknown): StoredValue | StoredValue[][] {
  if (Array.isArray(value)) return value.map((row: unknown) => (Array.isArray(row) ? row : [row]).map(scalar));
  return scalar(value);
}

function scalar(v: unknown): StoredValue {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Object.prototype.toString.call(v) === '[object Date]') return new Date((v as Date).getTime());
  return v === null || v === undefined ? '' : String(v);
}
