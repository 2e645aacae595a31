// Batch sidebar: wires the sheet context, Estimate/Run, live progress and the history.
import type { BatchSummary, SheetContext } from '../../server/rpc';
import { byId, clearBanner, el, showBanner, whileBusy } from '../common/dom';
import { plural } from '../common/format';
import { callOrShow } from '../common/rpc';
import { isActive, type CardActions } from './batch-card';
import { mappingFromForm, renderContext, selectedScope } from './context-view';
import { renderHistory } from './history';
import { cancelPreview, confirmPreview, preview } from './preview-flow';
import { cancelConfirm, confirmRun, estimate, run } from './run-flow';
import { Tracker } from './tracker';

let context: SheetContext | null = null;
/** The history as last listed; live updates of its batches are painted into it. */
let history: BatchSummary[] = [];

const actions: CardActions = {
  cancel: (batch, button) => void whileBusy(button, async () => {
    const cancelled = await callOrShow('cancelRun', batch.id);
    if (!cancelled) return;
    tracker.update(cancelled);
    showBanner('info', `Cancelled “${cancelled.name}”. Rows already made are kept.`);
    await loadHistory();
  }),
  retryFailed: (batch, button) => void whileBusy(button, async () => {
    const retried = await callOrShow('retryFailedRun', batch.id);
    if (!retried) return;
    tracker.update(retried.batch);
    showBanner('success', `Retrying ${plural(retried.retriedRows, 'failed row')} of “${retried.batch.name}” ${retryValues(retried.retriedRows, retried.freshRows)}.`);
    await loadHistory();
  }),
  download: (batch, choice, button, slot) => void whileBusy(button, async () => {
    const link = await callOrShow('downloadLink', { batchId: batch.id, approvedOnly: choice === 'approved', allVersions: choice === 'versions' });
    if (!link) return;
    const what = choice === 'approved' ? 'the approved images' : choice === 'versions' ? 'every version of every image' : 'the latest images';
    slot.replaceChildren(
      el('a', { href: link.url, target: '_blank', rel: 'noopener', class: 'download-zip' }, 'Open the zip'),
      el('span', { class: 'muted' }, ` with ${what} and results.csv; anyone with this link can open it.`),
    );
  }),
};

/** Says which cells a retry runs with: the sheet's current ones, or (rows no longer there) the earlier ones. */
function retryValues(retried: number, fresh: number): string {
  if (fresh >= retried) return 'with the values the sheet holds now';
  if (fresh === 0) return 'with the values they had when the batch ran (their rows are no longer in the sheet)';
  return `with the sheet's current values (${plural(retried - fresh, 'row')} no longer in the sheet ${retried - fresh === 1 ? 'runs' : 'run'} with earlier values)`;
}

const tracker = new Tracker(actions, () => {
  void loadHistory();
  void loadContext();
}, () => context?.timeZone, (batch) => {
  if (!history.some((b) => b.id === batch.id)) return;
  history = history.map((b) => (b.id === batch.id ? batch : b));
  renderHistory(history, actions, context?.timeZone);
});

async function loadContext(): Promise<void> {
  const ctx = await callOrShow('getSheetContext');
  if (!ctx) return;
  context = ctx;
  renderContext(ctx);
  if (!ctx.settingsOk) showBanner('info', 'Connect to your Rowshot backend first: Extensions → Rowshot → Settings.');
}

async function loadHistory(): Promise<BatchSummary[]> {
  const batches = await callOrShow('listSheetRuns');
  if (!batches) return [];
  history = batches;
  renderHistory(batches, actions, context?.timeZone);
  return batches;
}

byId('refresh').addEventListener('click', () => void whileBusy(byId<HTMLButtonElement>('refresh'), async () => {
  clearBanner();
  await loadContext();
}));

byId('mapping-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void whileBusy(byId<HTMLButtonElement>('save-mapping'), async () => {
    if (!context) return;
    const ctx = await callOrShow('saveColumnMapping', mappingFromForm(context));
    if (!ctx) return;
    context = ctx;
    renderContext(ctx);
    showBanner('success', 'Column mapping saved for this sheet.');
  });
});

byId('preview').addEventListener('click', () => void whileBusy(byId<HTMLButtonElement>('preview'), () => preview(selectedScope())));
byId('preview-make').addEventListener('click', () => void whileBusy(byId<HTMLButtonElement>('preview-make'), () => confirmPreview()));
byId('preview-cancel').addEventListener('click', () => {
  cancelPreview();
  byId('preview').focus();
});

byId('estimate').addEventListener('click', () => void whileBusy(byId<HTMLButtonElement>('estimate'), async () => {
  clearBanner();
  await estimate(selectedScope());
}));

// Disabled from the first click until the call answers: a double click makes one batch.
const runButton = byId<HTMLButtonElement>('run');
const started = (batch: BatchSummary): void => {
  tracker.track(batch);
  void loadHistory();
  void loadContext(); // the run added output columns and Row IDs
};
runButton.addEventListener('click', () => void whileBusy(runButton, () => run(selectedScope(), context?.confirmAboveUsd ?? 0, started)));

const confirmButton = byId<HTMLButtonElement>('confirm-run');
confirmButton.addEventListener('click', () => void whileBusy(confirmButton, async () => {
  runButton.disabled = true;
  try {
    await confirmRun(started);
  } finally {
    runButton.disabled = false;
  }
}));
byId('confirm-cancel').addEventListener('click', () => {
  cancelConfirm();
  runButton.focus();
});

byId('sync').addEventListener('click', () => void whileBusy(byId<HTMLButtonElement>('sync'), async () => {
  const report = await callOrShow('syncNow');
  if (report) showBanner('success', report.message);
  await loadHistory();
}));

// On open: read the sheet, then resume the live view of batches still running.
void (async () => {
  await loadContext();
  const batches = await loadHistory();
  for (const b of batches) if (isActive(b)) tracker.track(b);
})();
