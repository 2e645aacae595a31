// Which rows a run takes.
import { describe, expect, it } from 'vitest';
import { readSheet } from '../../../../addon/server/sheet/read-sheet';
import { selectRows } from '../../../../addon/server/sheet/select-rows';
import { MemorySheet } from '../helpers/memory-sheet';

const sheet = new MemorySheet(1, 'S', [
  ['Prompt', 'Status', 'Notes'],
  ['a', 'DONE', ''], //             row 2
  ['b', 'FAILED: timeout', ''], //  row 3
  ['', '', ''], //                  row 4: blank, never taken
  ['c', '', ''], //                 row 5: never run
  ['d', 'RUNNING', ''], //          row 6: in flight
  ['e', 'SKIPPED: Prompt is empty', ''], // row 7
  ['', 'DONE', 'only a note'], //   row 8: has input (Notes)
]);
const data = readSheet(sheet, {});
const rowsOf = (indexes: number[]) => indexes.map((i) => i + 1);

describe('scopes', () => {
  it('selected: the selected rows below the header that have input', () => {
    expect(rowsOf(selectRows(data, 'selected', [1, 2, 4, 5]))).toEqual([2, 5]);
  });
  it('not_done: rows not DONE and not queued or running', () => {
    expect(rowsOf(selectRows(data, 'not_done'))).toEqual([3, 5, 7]);
  });
  it('failed: the FAILED rows', () => {
    expect(rowsOf(selectRows(data, 'failed'))).toEqual([3]);
  });
  it('all (schedules): every row with input', () => {
    expect(rowsOf(selectRows(data, 'all'))).toEqual([2, 3, 5, 6, 7, 8]);
  });
});
