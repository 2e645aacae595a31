import { describe, expect, it } from 'vitest';
import { estimateRows, resolveModel } from '../../shared/estimate';

describe('estimateRows', () => {
  it('prices images × model price, exact to the cent for large batches', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ rowId: `r${i}`, cells: { Prompt: 'x', Model: 'gemini-2.5-flash-image' } }));
    const e = estimateRows(rows, ['template']);
    expect(e.totalUsd).toBe(390);
    expect(e.images).toBe(10_000);
  });

  it('multiplies aspect ratios by variants, counts invalid rows at zero', () => {
    const e = estimateRows(
      [
        { rowId: 'a', cells: { Prompt: 'x', 'Aspect ratios': '1:1, 16:9', Variants: 2, Model: 'gemini-3-pro-image' } },
        { rowId: 'b', cells: { Prompt: '' } },
        { rowId: 'c', cells: { Prompt: 'x', Model: 'template' } },
      ],
      ['template'],
    );
    expect(e.rows.map((r) => r.costUsd)).toEqual([0.536, 0, 0]);
    expect(e.invalidRows).toBe(1);
    expect(e.rows[1]?.invalid).toBe('Prompt is empty');
  });

  it('prices auto at the most expensive model of the chain', () => {
    expect(resolveModel('auto', ['gemini-2.5-flash-image', 'gemini-3-pro-image', 'template'])).toBe('gemini-3-pro-image');
    expect(resolveModel('auto', [])).toBe('template');
  });
});
