// This sheet's batch history (listSheetRuns), newest first.
import type { BatchSummary } from '../../server/rpc';
import { byId, el, replace } from '../common/dom';
import { batchCard, type CardActions } from './batch-card';

/** `timeZone`: the spreadsheet's, for the batches' times. */
export function renderHistory(batches: BatchSummary[], actions: CardActions, timeZone?: string): void {
  const list = byId('history');
  if (batches.length === 0) {
    replace(list, el('li', { class: 'muted' }, 'No batches from this sheet yet.'));
    return;
  }
  const sorted = [...batches].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  replace(list, ...sorted.map((b) => batchCard(b, actions, false, timeZone)));
}
