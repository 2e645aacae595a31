// Live progress of this sheet's running batches: polls getRunProgress every 2.5 s per batch
// (each poll also writes finished rows into the sheet) until the batch is final.
import type { BatchSummary } from '../../server/rpc';
import { byId, replace } from '../common/dom';
import { call, errorText } from '../common/rpc';
import { batchCard, isActive, type CardActions } from './batch-card';

const POLL_MS = 2500;
/** After a failed poll: wait longer, the backend or the network may be down for a while. */
const RETRY_MS = 6000;
/** A finished batch stays in the running list this long, so people see it reach 100%. */
const LINGER_MS = 60_000;

interface Tracked {
  batch: BatchSummary;
  /** The next poll, or the end of lingering once the batch is final. */
  timer: number | null;
  error: string | null;
  /**
   * Bumped whenever the poll chain restarts (cancel, retry): a poll that was in flight then
   * answers for an older generation and is dropped, so one batch never has two poll chains
   * and an older answer never paints over a newer one.
   */
  generation: number;
}

export class Tracker {
  private readonly tracked = new Map<string, Tracked>();

  /** `timeZone` answers the spreadsheet's zone (undefined until the sheet context is loaded). */
  constructor(
    private readonly actions: CardActions,
    private readonly onFinished: (batch: BatchSummary) => void,
    private readonly timeZone: () => string | undefined,
    /** Every fresh view of a batch (poll, cancel, retry): the history shows the same status as the card. */
    private readonly onUpdate: (batch: BatchSummary) => void = () => {},
  ) {}

  /** Shows a batch and keeps polling while it runs. Tracking a batch twice is harmless. */
  track(batch: BatchSummary): void {
    const known = this.tracked.get(batch.id);
    if (known) {
      known.batch = batch;
      this.render();
      return;
    }
    this.tracked.set(batch.id, { batch, timer: null, error: null, generation: 0 });
    this.render();
    if (isActive(batch)) this.schedule(batch.id, 0);
  }

  /**
   * Replaces a batch's view after an action (cancel, retry) and restarts its poll chain: a
   * retried batch runs again, and a cancelled one still needs a poll to write its final rows.
   */
  update(batch: BatchSummary): void {
    const t = this.tracked.get(batch.id);
    if (!t) return this.track(batch);
    t.batch = batch;
    t.generation++;
    this.onUpdate(batch);
    this.render();
    this.schedule(batch.id, POLL_MS);
  }

  private schedule(id: string, delay: number): void {
    const t = this.tracked.get(id);
    if (!t) return;
    if (t.timer !== null) window.clearTimeout(t.timer);
    const generation = t.generation;
    t.timer = window.setTimeout(() => void this.poll(id, generation), delay);
  }

  private async poll(id: string, generation: number): Promise<void> {
    const t = this.tracked.get(id);
    if (!t || t.generation !== generation) return;
    t.timer = null;
    const result = await call('getRunProgress', id);
    // Superseded while the call was out (see `generation`), or no longer tracked.
    if (this.tracked.get(id) !== t || t.generation !== generation) return;
    if (!result.ok) {
      t.error = errorText(result.error);
      this.render();
      this.schedule(id, RETRY_MS);
      return;
    }
    t.error = null;
    t.batch = result.value.batch;
    this.onUpdate(t.batch);
    this.render();
    if (isActive(t.batch)) {
      this.schedule(id, POLL_MS);
      return;
    }
    this.onFinished(t.batch);
    t.timer = window.setTimeout(() => {
      this.tracked.delete(id);
      this.render();
    }, LINGER_MS);
  }

  private render(): void {
    // Polling re-renders the cards: keep keyboard focus on the same button.
    const focused = document.activeElement;
    const focusedCard = focused instanceof HTMLButtonElement ? focused.closest<HTMLElement>('#running [data-batch-id]') : null;
    const refocus = focusedCard && focused instanceof HTMLButtonElement ? { id: focusedCard.dataset.batchId, cls: focused.classList[focused.classList.length - 1] } : null;
    const all = [...this.tracked.values()];
    const items = all.map((t) => {
      const card = batchCard(t.batch, this.actions, true, this.timeZone());
      if (t.error) {
        const line = document.createElement('div');
        line.className = 'write-error';
        line.textContent = `Could not get progress: ${t.error}`;
        card.append(line);
      }
      return card;
    });
    byId('running-section').hidden = items.length === 0;
    // Finished batches linger here for a minute: "Running" only while one still runs.
    byId('h-running').textContent = all.some((t) => isActive(t.batch)) ? 'Running' : 'Latest runs';
    replace(byId('running'), ...items);
    if (refocus?.id && refocus.cls) {
      document.querySelector<HTMLElement>(`#running [data-batch-id="${CSS.escape(refocus.id)}"] button.${CSS.escape(refocus.cls)}`)?.focus();
    }
  }
}
