// =ROWSHOT_COST(prompts, [variants], [model]): what generating these prompts would cost, from
// the shared price table, with no network (custom functions must answer fast).
import { findModel, fromMicros, LIMITS, MODELS, pricePerImage, toMicros } from '../../../shared/index';
import { argText, cellsOf, isBlank } from './args';

export const DEFAULT_COST_MODEL = 'gemini-2.5-flash-image';

/** USD, or an error string starting with "ROWSHOT_COST:". `timeZone`: the spreadsheet's, for date cells in messages. */
export function rowshotCost(timeZone: () => string, prompts: unknown, variants?: unknown, model?: unknown): number | string {
  const modelId = isBlank(model) ? DEFAULT_COST_MODEL : argText(model, timeZone).trim().toLowerCase();
  if (!findModel(modelId)) return `ROWSHOT_COST: unknown model '${argText(model, timeZone).trim()}' (known: ${MODELS.map((m) => m.id).join(', ')})`;
  const price = pricePerImage(modelId) ?? 0;
  const promptCells = cellsOf(prompts);
  const variantCells = cellsOf(variants);
  const perCell = variantCells.length > 1;
  if (perCell && variantCells.length !== promptCells.length) {
    return `ROWSHOT_COST: variants has ${variantCells.length} cells but prompts has ${promptCells.length}: give one number, or a range the size of prompts`;
  }
  let images = 0;
  for (const [i, prompt] of promptCells.entries()) {
    if (isBlank(prompt)) continue;
    const v = perCell ? variantCells[i] : variantCells[0];
    const n = isBlank(v) ? 1 : Number(argText(v, timeZone));
    if (!Number.isInteger(n) || n < 1 || n > LIMITS.maxVariants) {
      return `ROWSHOT_COST: variants must be a whole number from 1 to ${LIMITS.maxVariants} (got '${argText(v, timeZone)}')`;
    }
    images += n;
  }
  return fromMicros(toMicros(price) * images);
}
