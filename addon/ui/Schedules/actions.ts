// Run now and Test on a schedule. Run now may ask first (an "All rows" schedule over DONE rows
// says what it will re-render and cost); Test runs one row and follows it here until its
// result is in: the image, or the reason it failed.
import type { Schedule, ScheduleTestView, SchedulesView } from '../../server/rpc';
import { byId, clearBanner, confirmInline, el, newRequestId, replace, showBanner, whileBusy } from '../common/dom';
import { call, errorText } from '../common/rpc';
import { outcomeText } from './describe';

const FINAL_ROW = ['DONE', 'FAILED', 'SKIPPED', 'CANCELLED'];
const POLL_MS = 2_000;
/** After this long the panel stops polling and says where the result will land. */
const GIVE_UP_MS = 5 * 60_000;

let testTimer: ReturnType<typeof setTimeout> | null = null;

export function runNow(button: HTMLButtonElement, actions: HTMLElement, s: Schedule, render: (v: SchedulesView) => void): void {
  const requestId = newRequestId();
  const go = async (confirmed: boolean): Promise<void> => {
    clearBanner();
    const result = await call('runScheduleNow', { id: s.id, requestId, confirmed });
    if (!result.ok) {
      if (result.error.code === 'needs_confirmation' && !confirmed) {
        confirmInline(actions, { label: `Run ${s.name} now?`, text: result.error.message, yes: 'Run anyway', confirm: () => go(true) });
        return;
      }
      showBanner('error', errorText(result.error));
      return;
    }
    const { run, view } = result.value;
    render(view);
    const kind = run.outcome === 'started' ? 'success' : run.outcome === 'nothing_to_do' ? 'info' : 'error';
    showBanner(kind, `“${s.name}”: ${outcomeText(run.outcome)}. ${run.message}`);
  };
  void whileBusy(button, () => go(false));
}

function showTest(v: ScheduleTestView, name: string, note?: string): void {
  const state = v.result?.state ?? v.batch.state;
  const line = v.result && FINAL_ROW.includes(v.result.state)
    ? `Row ${v.row} of “${v.sheetName}”: ${v.result.state}${v.result.reason ? `: ${v.result.reason}` : ''}`
    : `Testing row ${v.row} of “${v.sheetName}” (${state.toLowerCase()})…`;
  const images = (v.result?.images ?? []).map((i) =>
    el('a', { href: i.url, target: '_blank', rel: 'noopener' }, el('img', { src: i.thumbnailUrl, alt: `Row ${v.row}, ${i.aspectRatio}` })));
  replace(byId('test-result'),
    el('div', { class: 'card-title' }, el('strong', {}, name), el('span', { class: 'muted' }, `batch ${v.batchId}`)),
    el('div', { class: `test-line test-state-${v.result?.state ?? 'QUEUED'}` }, line),
    images.length > 0 ? el('div', { class: 'test-images' }, ...images) : null,
    note ? el('p', { class: 'muted' }, note) : null);
  byId('test-panel').hidden = false;
}

export function testOneRow(button: HTMLButtonElement, s: Schedule): void {
  if (testTimer !== null) clearTimeout(testTimer);
  void whileBusy(button, async () => {
    clearBanner();
    const started = await call('testSchedule', { id: s.id, requestId: newRequestId() });
    if (!started.ok) {
      showBanner('error', errorText(started.error));
      return;
    }
    showTest(started.value, s.name);
    const since = Date.now();
    const poll = async (): Promise<void> => {
      const next = await call('getScheduleTest', { batchId: started.value.batchId, row: started.value.row });
      if (!next.ok) {
        showTest(started.value, s.name, `Could not follow the test: ${errorText(next.error)}`);
        return;
      }
      const done = next.value.result !== null && FINAL_ROW.includes(next.value.result.state);
      if (done) return showTest(next.value, s.name);
      if (Date.now() - since > GIVE_UP_MS) return showTest(next.value, s.name, 'Still running: its result is written into the row when it finishes.');
      showTest(next.value, s.name);
      testTimer = setTimeout(() => void poll(), POLL_MS);
    };
    testTimer = setTimeout(() => void poll(), POLL_MS);
  });
}
