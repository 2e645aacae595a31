// The harness's recalculation of custom-function cells: parsed arguments, recomputed only when a
// formula or the values it references change, array results spilled (or #REF! when blocked).
import { describe, expect, it } from 'vitest';
import { SheetModel } from '../../../../addon/dev/fake-apps-script/index';
import { parseCustomCall, Recalculator } from '../../../../addon/dev/harness/recalc';

function engine() {
  const calls: { fn: string; args: unknown[] }[] = [];
  const r = new Recalculator((fn, args) => {
    calls.push({ fn, args });
    if (fn === 'ROWSHOT_PROMPT') return (args[2] as unknown[][]).map((row) => [`${String(args[0])}: ${String(row[0])}`]);
    if (fn === 'ROWSHOT_STATUS') throw new Error('boom');
    const cells = Array.isArray(args[0]) ? (args[0] as unknown[][]).flat() : [args[0]];
    return cells.filter((c) => c !== '').length * 0.039 * (typeof args[2] === 'number' ? args[2] : 1);
  });
  return { r, calls };
}

describe('parseCustomCall', () => {
  it('reads cells, ranges (with $), text with "" quotes, numbers, booleans and empty arguments', () => {
    expect(parseCustomCall('=rowshot_cost($A$2:A4, "1:1, ""16:9""", 2, , TRUE)')).toEqual({
      fn: 'ROWSHOT_COST',
      args: [
        { kind: 'range', range: { row: 2, column: 1, numRows: 3, numColumns: 1 } },
        { kind: 'value', value: '1:1, "16:9"' },
        { kind: 'value', value: 2 },
        { kind: 'value', value: undefined },
        { kind: 'value', value: true },
      ],
    });
    expect(parseCustomCall('=ROWSHOT_STATUS(B7)')).toEqual({ fn: 'ROWSHOT_STATUS', args: [{ kind: 'cell', range: { row: 7, column: 2, numRows: 1, numColumns: 1 } }] });
    expect(parseCustomCall('=IMAGE("https://x.test/a.png")')).toBeNull();
    expect(parseCustomCall('=SUM(A1:A3)')).toBeNull();
    expect(parseCustomCall('=ROWSHOT_COST(UPPER(A2))')).toEqual({ error: '#ERROR! the playground computes ROWSHOT_… calls whose arguments are cells, ranges, text, numbers or TRUE/FALSE' });
  });
});

describe('Recalculator', () => {
  it('computes a formula, and again only when its inputs change, as Sheets does', () => {
    const sheet = new SheetModel(0, 'S', [['Prompt', 'Cost'], ['a fox', '=ROWSHOT_COST(A2:A4, "", 2)'], ['an owl', ''], ['', '']]);
    const { r, calls } = engine();
    expect(r.recalculate(sheet)).toBe(true);
    expect(sheet.value(2, 2)).toBeCloseTo(0.156, 9);
    expect(calls).toHaveLength(1);
    // The range was passed as rows of cells; a single cell would be passed as its value.
    expect(calls[0]?.args[0]).toEqual([['a fox'], ['an owl'], ['']]);
    // Nothing it reads changed: no new execution.
    sheet.write(1, 3, [['unrelated']]);
    expect(r.recalculate(sheet)).toBe(false);
    expect(calls).toHaveLength(1);
    // An input changed: computed again.
    sheet.write(4, 1, [['a frog']]);
    r.recalculate(sheet);
    expect(sheet.value(2, 2)).toBeCloseTo(0.234, 9);
    expect(calls).toHaveLength(2);
    // The formula itself changed.
    sheet.write(2, 2, [['=ROWSHOT_COST(A2:A4)']]);
    r.recalculate(sheet);
    expect(sheet.value(2, 2)).toBeCloseTo(0.117, 9);
    expect(sheet.formula(2, 2)).toBe('=ROWSHOT_COST(A2:A4)');
  });

  it('reads an open range (A2:A) down to the last row with content', () => {
    const sheet = new SheetModel(0, 'S', [['Prompt', '=ROWSHOT_COST(A2:A)'], ['a'], ['b'], ['c']]);
    const { r, calls } = engine();
    r.recalculate(sheet);
    expect(calls[0]?.args[0]).toEqual([['a'], ['b'], ['c']]);
    expect(sheet.value(1, 2)).toBeCloseTo(0.117, 9);
  });

  it('settles chains: a formula reading another formula\'s result sees it', () => {
    const sheet = new SheetModel(0, 'S', [['=ROWSHOT_COST(B1)', '=ROWSHOT_COST("x")']]);
    const { r } = engine();
    r.recalculate(sheet);
    expect(sheet.value(1, 2)).toBeCloseTo(0.039, 9);
    expect(sheet.value(1, 1)).toBeCloseTo(0.039, 9);
  });

  it('spills an array result into empty cells, shows #REF! when they hold data, and a throw as #ERROR!', () => {
    const sheet = new SheetModel(0, 'S', [['Name', '=ROWSHOT_PROMPT("Hi", A1, A2:A3)'], ['Ann', ''], ['Bo', ''], ['', '=ROWSHOT_STATUS("b_1")']]);
    const { r } = engine();
    r.recalculate(sheet);
    expect(sheet.read(1, 2, 3, 1)).toEqual([['Hi: Ann'], ['Hi: Bo'], ['']]);
    expect(sheet.isSpilled(2, 2)).toBe(true);
    expect(sheet.formula(2, 2)).toBe('');
    expect(sheet.value(4, 2)).toBe('#ERROR! boom');
    expect(sheet.lastRow()).toBe(4);
    sheet.write(2, 2, [['mine']]);
    r.recalculate(sheet);
    expect(sheet.value(1, 2)).toBe('#REF! Array result was not expanded because it would overwrite data in B2.');
    expect(sheet.value(2, 2)).toBe('mine');
    expect(sheet.isSpilled(2, 2)).toBe(false);
  });
});
