// The dispatcher's runs: runScheduled's outcomes. rowshotDispatch wiring it with syncAll is
// tested in schedules/dispatcher.test.ts.
import { describe, expect, it } from 'vitest';
import { runScheduled } from '../../../../addon/server/batch/scheduled-run';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { configure, memoryServices } from '../helpers/memory-services';

function setup() {
  const sheet = new MemorySheet(4, 'Daily', [['Prompt', 'Status'], ['a', 'DONE'], ['b', ''], ['c', 'FAILED: x']]);
  const backend = new FakeBackend();
  const s = memoryServices({ sheets: [sheet], http: backend });
  configure(s);
  return { sheet, backend, s };
}

describe('runScheduled', () => {
  it('starts the rows not done, with the schedule cost ceiling, and records the run', () => {
    const { backend, s } = setup();
    const r = runScheduled(s, { sheetId: 4, scope: 'not_done', maxCostUsd: 1 });
    const batch = backend.onlyBatch();
    expect(r).toEqual({ rows: 2, batchId: batch.status.id, outcome: 'started', message: `Started ${batch.status.id} with 2 rows (estimated $0.08).` });
    expect(batch.request.maxCostUsd).toBe(1);
    expect(batch.request.rows.map((x) => x.cells['Prompt'])).toEqual(['b', 'c']);
    expect(JSON.parse(s.documentProperties.get('rowshot.runs.4')!)[0]).toMatchObject({ id: batch.status.id, requestId: null });
  });

  it('answers nothing_to_do, over_budget and failed as values', () => {
    const { s } = setup();
    expect(runScheduled(s, { sheetId: 4, scope: 'all', maxCostUsd: 0.05 })).toEqual({
      rows: 3, batchId: null, outcome: 'over_budget', message: "The estimate of $0.12 is over this batch's maxCostUsd of $0.05",
    });
    expect(runScheduled(s, { sheetId: 99, scope: 'all', maxCostUsd: 1 })).toEqual({ rows: 0, batchId: null, outcome: 'failed', message: "The schedule's sheet (id 99) no longer exists." });
    const empty = setup();
    empty.sheet.set(3, 2, 'DONE');
    empty.sheet.set(4, 2, 'DONE');
    expect(runScheduled(empty.s, { sheetId: 4, scope: 'not_done', maxCostUsd: 1 })).toMatchObject({ rows: 0, outcome: 'nothing_to_do' });
    empty.s.userProperties.set('rowshot.signIn', 'api_key');
    empty.s.userProperties.delete('rowshot.apiKey');
    expect(runScheduled(empty.s, { sheetId: 4, scope: 'all', maxCostUsd: 1 })).toMatchObject({ outcome: 'failed', message: expect.stringContaining('enter the API key') });
  });
});
