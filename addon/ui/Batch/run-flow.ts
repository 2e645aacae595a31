// Estimate and Run. One click of Run is one request id: if startRun fails before the add-on
// surely answered (network, backend unreachable), the next click sends the same request again,
// so the add-on's history and the backend's idempotency turn it into the same batch instead of
// a second one.
import type { TextMode } from '../../../shared/index';
import type { BatchSummary, EstimateView, Scope } from '../../server/rpc';
import { byId, clearBanner, el, newRequestId, replace, showBanner } from '../common/dom';
import { plural, usd } from '../common/format';
import { call, callOrShow, errorText, isRetryable } from '../common/rpc';

/** A startRun whose answer was lost (it may have started a batch); resent for the same scope only. */
let unanswered: { scope: Scope; requestId: string; confirmed: boolean } | null = null;
let pendingConfirm: { scope: Scope; requestId: string } | null = null;

export function renderEstimate(est: EstimateView): void {
  byId('estimate-view').hidden = false;
  byId('est-rows').textContent = String(est.rows);
  byId('est-images').textContent = String(est.images);
  byId('est-cost').textContent = usd(est.totalUsd);
  byId('est-invalid').textContent = String(est.invalidRows);
  replace(byId('est-invalid-list'), ...est.invalid.map((r) => el('li', {}, `Row ${r.row}: ${r.reason}`)));
  byId('est-flagged').hidden = est.flaggedRows === 0;
  byId('est-flagged-text').textContent = `${plural(est.flaggedRows, 'row')} will fail on this server (priced above until fixed):`;
  replace(byId('est-flagged-list'), ...est.flagged.map((r) => el('li', {}, `Row ${r.row}: ${r.reason}`)));
  // Models that shut down soon: said before the run, with what to switch to.
  replace(byId('est-warnings'), ...est.warnings.map((w) => el('li', {}, `Warning: ${w}`)));
}

export async function estimate(scope: Scope): Promise<EstimateView | null> {
  const est = await callOrShow('estimateRun', scope);
  if (est) renderEstimate(est);
  return est;
}

function maxCost(): number | undefined {
  const raw = byId<HTMLInputElement>('max-cost').value.trim();
  const n = Number(raw);
  return raw !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The Text default for rows with an empty Text cell; the backend's own default (overlay) is not sent. */
export function textDefault(): TextMode | undefined {
  const v = byId<HTMLSelectElement>('text-default').value;
  return v === 'model' || v === 'none' ? v : undefined;
}

function hideConfirm(): void {
  pendingConfirm = null;
  byId('confirm').hidden = true;
}

/** Run clicked: estimate, then start, or ask for confirmation inline when the run costs more than the limit. */
export async function run(scope: Scope, confirmAboveUsd: number, started: (b: BatchSummary) => void): Promise<void> {
  clearBanner();
  hideConfirm();
  if (unanswered?.scope === scope) {
    // Resend before anything else: if the lost call started the batch, its rows now show QUEUED
    // and a fresh estimate would find nothing to run, while the same request finds that batch.
    await start(scope, unanswered.requestId, unanswered.confirmed, started);
    return;
  }
  unanswered = null;
  const est = await estimate(scope);
  if (!est) return;
  if (est.rows === 0) {
    showBanner('info', 'No rows to run in this scope.');
    return;
  }
  const requestId = newRequestId();
  if (est.needsConfirmation) {
    askToConfirm(scope, requestId, `This run of ${plural(est.rows, 'row')} is estimated at ${usd(est.totalUsd)}, above your ${usd(confirmAboveUsd)} limit. Run it anyway?`);
    return;
  }
  await start(scope, requestId, false, started);
}

function askToConfirm(scope: Scope, requestId: string, text: string): void {
  pendingConfirm = { scope, requestId };
  byId('confirm-text').textContent = text;
  byId('confirm').hidden = false;
  byId('confirm-run').focus();
}

export async function confirmRun(started: (b: BatchSummary) => void): Promise<void> {
  if (!pendingConfirm) return;
  const { scope, requestId } = pendingConfirm;
  await start(scope, requestId, true, started);
}

export function cancelConfirm(): void {
  hideConfirm();
}

async function start(scope: Scope, requestId: string, confirmed: boolean, started: (b: BatchSummary) => void): Promise<void> {
  const cap = maxCost();
  const text = textDefault();
  const names = byId<HTMLInputElement>('name-template').value.trim();
  const result = await call('startRun', {
    scope, requestId, ...(confirmed ? { confirmed } : {}), ...(cap !== undefined ? { maxCostUsd: cap } : {}), ...(text ? { textDefault: text } : {}),
    ...(names ? { fileNameTemplate: names } : {}),
  });
  if (!result.ok) {
    const again = isRetryable(result.error);
    unanswered = again ? { scope, requestId, confirmed } : null;
    // The rows changed since the estimate and now cost more than the limit: ask, same request.
    if (result.error.code === 'needs_confirmation' && !confirmed) return askToConfirm(scope, requestId, result.error.message);
    showBanner('error', again ? `${errorText(result.error)} Click Run again to retry; it will not start a second batch.` : errorText(result.error));
    return;
  }
  unanswered = null;
  hideConfirm();
  const warning = result.value.warning ? ` ${result.value.warning}` : '';
  showBanner(warning ? 'info' : 'success', `Started “${result.value.name}” with ${plural(result.value.rowCount, 'row')}.${warning}`);
  started(result.value);
}
