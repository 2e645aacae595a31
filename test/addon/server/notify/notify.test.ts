// Schedule e-mails through the hourly trigger (rowshotDispatch) on in-memory Apps Script
// services, with MailApp recorded: when a run finishes with failures, hits its cap or cannot
// start the owner is told once, with counts, cost, the failed rows and a link to the sheet.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../../addon/server/app';
import { FakeBackend } from '../helpers/fake-backend';
import { anotherEditor, configure, memoryServices } from '../helpers/memory-services';
import { MemorySheet } from '../helpers/memory-sheet';
import { add, dispatcherOf } from '../schedules/dispatch-fixture';

function setup(rows = 3) {
  const backend = new FakeBackend();
  const sheet = new MemorySheet(7, 'Products', [['Prompt'], ...Array.from({ length: rows }, (_, i) => [`a mug, shot ${i + 1}`])]);
  const s = memoryServices({ sheets: [sheet], http: backend, now: '2025-01-10T08:30:00.000Z' });
  configure(s);
  return { s, backend, sheet, dispatch: dispatcherOf(s), mails: () => s.mail.sent };
}

/** The first dispatch starts the hourly schedule's run; the backend finishes it with `failRows` FAILED. */
function runAndFinish(t: ReturnType<typeof setup>, failRows: number[], skipRows: number[] = []) {
  t.s.clock.set('2025-01-10T09:00:01.000Z');
  t.dispatch();
  const batch = t.backend.onlyBatch();
  t.backend.finish(batch.status.id, (r) =>
    failRows.includes(r.index) ? { state: 'FAILED', reason: `Prompt ${r.index + 1} was blocked by the safety filter` }
      : skipRows.includes(r.index) ? { state: 'SKIPPED', reason: 'cost cap reached' } : { state: 'DONE' });
  t.s.clock.set('2025-01-10T10:00:01.000Z');
  return batch.status.id;
}

describe('schedule e-mails', () => {
  it('mails the owner once when a run finishes with failed rows: counts, cost, each failed row with its reason and sheet row, the sheet link', () => {
    const t = setup(3);
    add(t.s, { name: 'Hourly mugs', sheetId: 7 });
    const id = runAndFinish(t, [1]);
    expect(t.mails()).toEqual([]); // nothing is known to have failed yet
    t.dispatch(); // syncs the finished run, then mails
    expect(t.mails()).toHaveLength(1);
    const mail = t.mails()[0]!;
    expect(mail.to).toBe(t.s.mail.address);
    expect(mail.subject).toBe('Rowshot: “Hourly mugs” finished with 1 failed row');
    expect(mail.body).toContain(`Batch ${id}: DONE. 3 rows: 2 done, 1 failed, 0 skipped (cost cap), 0 cancelled.`);
    expect(mail.body).toContain('Cost: $0.08 (cap $5.00 per run).');
    const rowId = String(t.sheet.record(3)['Row ID']);
    expect(mail.body).toContain(`Row 3 (Row ID ${rowId}): Prompt 2 was blocked by the safety filter`);
    expect(mail.body).toContain('Open the sheet: https://docs.google.com/spreadsheets/d/ss_0123456789abcdef/edit#gid=7');
    expect(mail.htmlBody).toContain('<a href="https://docs.google.com/spreadsheets/d/ss_0123456789abcdef/edit#gid=7">Open the sheet</a>');

    t.s.clock.set('2025-01-10T11:00:01.000Z');
    t.dispatch();
    expect(t.mails()).toHaveLength(1); // once per run
  });

  it('lists at most 20 failed rows and counts the rest', () => {
    const t = setup(25);
    add(t.s, { name: 'Big', sheetId: 7, maxCostUsd: 50 });
    runAndFinish(t, Array.from({ length: 25 }, (_, i) => i));
    t.dispatch();
    const body = t.mails()[0]!.body;
    expect(body.match(/^Row \d+ \(Row ID/gm)).toHaveLength(20);
    expect(body).toContain('… and 5 more (the first 20 are listed).');
    expect(t.mails()[0]!.subject).toBe('Rowshot: “Big” finished with 25 failed rows');
  });

  it('says when rows were skipped at the cost cap', () => {
    const t = setup(3);
    add(t.s, { name: 'Capped', sheetId: 7 });
    runAndFinish(t, [], [2]);
    t.dispatch();
    expect(t.mails().map((m) => m.subject)).toEqual(['Rowshot: “Capped” hit its $5.00 cost cap']);
    expect(t.mails()[0]!.body).toContain('1 row was not run because the run reached its cost cap');
  });

  it('stays quiet after a clean run unless the schedule mails on every run', () => {
    const quiet = setup(2);
    add(quiet.s, { name: 'Quiet', sheetId: 7 });
    runAndFinish(quiet, []);
    quiet.dispatch();
    expect(quiet.mails()).toEqual([]);

    const chatty = setup(2);
    add(chatty.s, { name: 'Chatty', sheetId: 7, notify: 'every_run' });
    runAndFinish(chatty, []);
    chatty.dispatch();
    expect(chatty.mails().map((m) => m.subject)).toEqual(['Rowshot: “Chatty” finished (2 rows done)']);
  });

  it('mails when a run cannot start, and when the backend refuses it over its cap', () => {
    const t = setup(3);
    add(t.s, { name: 'Tiny cap', sheetId: 7, maxCostUsd: 0.01 });
    t.s.clock.set('2025-01-10T09:00:01.000Z');
    t.dispatch();
    expect(t.mails().map((m) => m.subject)).toEqual(['Rowshot: “Tiny cap” hit its $0.01 cost cap']);
    expect(t.mails()[0]!.body).toContain("over this batch's maxCostUsd of $0.01");

    t.backend.down = true;
    t.s.clock.set('2025-01-10T10:00:01.000Z');
    t.dispatch();
    expect(t.mails().map((m) => m.subject).at(-1)).toBe('Rowshot: “Tiny cap” could not start');
  });

  it('waits for MailApp quota rather than losing the e-mail', () => {
    const t = setup(2);
    add(t.s, { name: 'Hourly', sheetId: 7 });
    runAndFinish(t, [0]);
    t.s.mail.quota = 0;
    t.dispatch();
    expect(t.mails()).toEqual([]);
    t.s.mail.quota = 100; // the next day
    t.s.clock.set('2025-01-10T11:00:01.000Z');
    t.dispatch();
    expect(t.mails()).toHaveLength(1);
  });

  it("is sent by the owner's trigger to the owner even when another editor's sidebar synced the run", () => {
    const t = setup(2);
    add(t.s, { name: 'Hourly', sheetId: 7 });
    const id = runAndFinish(t, [0]);
    const bob = anotherEditor(t.s);
    configure(bob);
    const progress = createApp(() => bob).getRunProgress(id);
    expect(progress.ok).toBe(true);
    expect(bob.mail.sent).toEqual([]);
    t.dispatch();
    expect(t.mails().map((m) => m.to)).toEqual([t.s.mail.address]);
    expect(bob.mail.sent).toEqual([]);
  });
});
