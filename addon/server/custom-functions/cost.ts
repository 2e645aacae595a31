// =ROWSHOT_COST(prompts, [sizes], [variants], [model]): what generating these prompts would
// cost, with no network (custom functions must answer fast). Each row is read and priced by the
// same shared code as the sidebar's estimate (readRow + estimateRows), so a row with several
// sizes or variants costs here exactly what the estimate says.
import { estimateRows, findModel, INPUT_FIELDS, MODELS, RECOMMENDED_GEMINI_MODEL, type CellInput } from '../../../shared/index';
import { argText, cellsOf, isBlank } from './args';

export const DEFAULT_COST_MODEL = RECOMMENDED_GEMINI_MODEL;

/** USD, or an error string starting with "ROWSHOT_COST:". `timeZone`: the spreadsheet's, for date cells in messages. */
export function rowshotCost(timeZone: () => string, prompts: unknown, sizes?: unknown, variants?: unknown, model?: unknown, nowMs: number = Date.now()): number | string {
  const promptCells = cellsOf(prompts);
  const perRow = (arg: unknown, name: string): ((i: number) => unknown) | string => {
    const cells = cellsOf(arg);
    if (cells.length <= 1) return () => cells[0];
    if (cells.length !== promptCells.length) {
      return `ROWSHOT_COST: ${name} has ${cells.length} cells but prompts has ${promptCells.length}: give one value, or a range the size of prompts`;
    }
    return (i) => cells[i];
  };
  const sizeOf = perRow(sizes, 'sizes');
  const variantsOf = perRow(variants, 'variants');
  const modelOf = perRow(model, 'model');
  for (const f of [sizeOf, variantsOf, modelOf]) if (typeof f === 'string') return f;
  const text = (v: unknown): CellInput => (isBlank(v) ? '' : argText(v, timeZone));

  const rows: { rowId: string; cells: Record<string, CellInput> }[] = [];
  for (const [i, prompt] of promptCells.entries()) {
    if (isBlank(prompt)) continue;
    const m = (modelOf as (i: number) => unknown)(i);
    const modelId = isBlank(m) ? DEFAULT_COST_MODEL : String(text(m)).trim().toLowerCase();
    if (modelId !== 'auto' && !findModel(modelId)) return `ROWSHOT_COST: unknown model '${String(text(m)).trim()}' (known: ${MODELS.map((x) => x.id).join(', ')})`;
    rows.push({
      rowId: String(i + 1),
      cells: {
        [INPUT_FIELDS.prompt]: text(prompt),
        [INPUT_FIELDS.aspectRatios]: text((sizeOf as (i: number) => unknown)(i)),
        [INPUT_FIELDS.variants]: text((variantsOf as (i: number) => unknown)(i)),
        [INPUT_FIELDS.model]: modelId,
      },
    });
  }
  if (rows.length === 0) return 0;
  // `auto` is priced as the add-on's default model (a custom function cannot ask the backend's chain).
  // With the time, a retired model is refused naming its successor, as the backend's estimate does.
  const estimate = estimateRows(rows, [DEFAULT_COST_MODEL], {}, undefined, { nowMs });
  const bad = estimate.rows.find((r) => r.invalid !== undefined);
  if (bad) return `ROWSHOT_COST: prompt ${bad.rowId}: ${bad.invalid}`;
  return estimate.totalUsd;
}
