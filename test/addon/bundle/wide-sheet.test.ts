// A new Google sheet has 26 columns and getRange throws past them: a run on a wide sheet must
// grow the grid before it appends its output columns.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BatchSummary } from '../../../addon/server/rpc';
import { OUTPUT_ORDER } from '../../../shared/index';
import { startAddon, valueOf } from './harness';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let built: BuiltAddon;
beforeAll(async () => {
  built = builtAddon();
});
afterAll(() => built.remove());

it('adds the output columns past column Z by growing the grid once', () => {
  const { fake, g } = startAddon(built, 5, { notes: 22 }); // 24 columns used of 26
  fake.calls.reset();
  const started = valueOf<BatchSummary>(g.startRun({ scope: 'not_done', requestId: 'wide', confirmed: true }));
  expect(started.rowCount).toBe(5);
  expect(fake.calls.byMethod['Sheet.insertColumnsAfter']).toBe(1);
  const header = fake.workbook.sheet('Products').dump()[0] as string[];
  expect(header).toHaveLength(24 + OUTPUT_ORDER.length);
  expect(header.slice(24)).toEqual(['Row ID', 'Status', 'Image', 'Image URL', 'Thumbnail URL', 'Error', 'Provider', 'Cost (USD)', 'Batch ID', 'Updated at', 'Provenance']);
  const ids = fake.workbook.sheet('Products').dump().slice(1).map((r) => r[24]);
  expect(ids.every((id) => typeof id === 'string' && id.startsWith('r_'))).toBe(true);
});
