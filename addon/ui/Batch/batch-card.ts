// One batch as the sidebar shows it: name, state, progress bar, counts, ETA and cost.
import { batchStatusLine } from '../../../shared/batch-status';
import type { BatchSummary } from '../../server/rpc';
import { el } from '../common/dom';
import { eta, percent, usd, when } from '../common/format';

export function isActive(batch: BatchSummary): boolean {
  return batch.state === 'ACCEPTED' || batch.state === 'RUNNING';
}

export function countsText(batch: BatchSummary): string {
  const c = batch.counts;
  const parts = [`${c.DONE} done`];
  if (c.RUNNING > 0) parts.push(`${c.RUNNING} running`);
  if (c.QUEUED > 0) parts.push(`${c.QUEUED} queued`);
  if (c.FAILED > 0) parts.push(`${c.FAILED} failed`);
  if (c.SKIPPED > 0) parts.push(`${c.SKIPPED} skipped`);
  if (c.CANCELLED > 0) parts.push(`${c.CANCELLED} cancelled`);
  return parts.join(' · ');
}

/** Which zip Download all makes: the images the sheet shows, the approved ones, or every version. */
export type DownloadChoice = 'latest' | 'approved' | 'versions';

export interface CardActions {
  cancel?: (batch: BatchSummary, button: HTMLButtonElement) => void;
  retryFailed?: (batch: BatchSummary, button: HTMLButtonElement) => void;
  /** Shows a link to the zip in `slot` (a click's async answer cannot open a window itself). */
  download?: (batch: BatchSummary, choice: DownloadChoice, button: HTMLButtonElement, slot: HTMLElement) => void;
}

/**
 * How far the bar goes: the share of rows processed while it runs; once final, the share of rows
 * made (DONE), so a cancelled or failing batch never shows a full bar.
 */
function barShare(batch: BatchSummary): number {
  if (isActive(batch)) return batch.progress;
  return batch.rowCount > 0 ? batch.counts.DONE / batch.rowCount : 0;
}

/**
 * A list item for a batch; `live` adds the progress bar and the ETA. Times are in `timeZone`
 * (the spreadsheet's, as Schedules shows them), or the browser's until the sheet is known.
 */
export function batchCard(batch: BatchSummary, actions: CardActions, live: boolean, timeZone?: string): HTMLLIElement {
  const share = barShare(batch);
  const pct = percent(share);
  const finished = !isActive(batch);
  const status = batchStatusLine(batch);
  const item = el('li', { 'data-batch-id': batch.id, class: 'batch' },
    el('div', { class: 'card-title' },
      el('strong', { title: batch.name }, batch.name || batch.id),
      el('span', { class: `chip status ${status.tone}`, 'data-state': batch.state }, status.text)),
    el('div', { class: 'muted' }, `${when(batch.createdAt, timeZone)} · ${batch.rowCount} rows`));
  if (live) {
    item.append(
      el('div', { class: `progress ${status.tone}`, role: 'progressbar', 'aria-label': `Progress of ${batch.name || batch.id}`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(share * 100) },
        el('div', { class: 'bar', style: `width: ${pct}` })),
      el('div', { class: 'row' }, el('strong', { class: 'percent' }, pct), el('span', { class: 'muted' }, finished ? 'of rows made' : eta(batch.etaSeconds) ? `${eta(batch.etaSeconds)} left` : '')));
  }
  item.append(
    el('div', { class: 'counts' }, countsText(batch)),
    el('div', { class: 'muted cost' }, `Cost so far ${usd(batch.actualUsd)} of ${usd(batch.estimatedUsd)} estimated`));
  if (batch.lastWriteError) item.append(el('div', { class: 'write-error', role: 'status' }, `Writing to the sheet failed: ${batch.lastWriteError}`));
  const buttons = el('div', { class: 'actions' });
  if (!finished && actions.cancel) {
    const cancel = actions.cancel;
    const b = el('button', { type: 'button', class: 'small danger cancel' }, 'Cancel');
    b.addEventListener('click', () => cancel(batch, b));
    buttons.append(b);
  }
  if (finished && batch.counts.FAILED > 0 && actions.retryFailed) {
    const retry = actions.retryFailed;
    const b = el('button', { type: 'button', class: 'small retry' }, `Retry ${batch.counts.FAILED} failed`);
    b.addEventListener('click', () => retry(batch, b));
    buttons.append(b);
  }
  if (buttons.childElementCount > 0) item.append(buttons);
  if (finished && batch.counts.DONE > 0 && actions.download) item.append(downloadMenu(batch, actions.download));
  return item;
}

/** Download all: one button per kind of zip, and the place its link appears. */
function downloadMenu(batch: BatchSummary, download: NonNullable<CardActions['download']>): HTMLElement {
  const slot = el('div', { class: 'download-link', 'aria-live': 'polite' });
  const approved = batch.approvedRows ?? 0;
  const choices: [DownloadChoice, string][] = [['latest', 'Latest images'], ['approved', approved > 0 ? `Approved only (${approved})` : 'Approved only'], ['versions', 'Every version']];
  const menu = el('details', { class: 'download' }, el('summary', {}, 'Download all…'));
  const row = el('div', { class: 'actions' });
  for (const [choice, label] of choices) {
    const b = el('button', { type: 'button', class: 'small', 'data-download': choice }, label);
    b.addEventListener('click', () => download(batch, choice, b, slot));
    row.append(b);
  }
  menu.append(row, slot);
  return menu;
}
