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

  it('prices the configured output size for models that make it, and the only size for models that do not', () => {
    const rows = [
      { rowId: 'a', cells: { Prompt: 'x', Model: 'gemini-3.1-flash-image' } },
      { rowId: 'b', cells: { Prompt: 'x', Model: 'gemini-2.5-flash-image' } },
      { rowId: 'c', cells: { Prompt: 'x', Model: 'gemini-3-pro-image' } },
    ];
    expect(estimateRows(rows, [], {}, '4K').rows.map((r) => r.costUsd)).toEqual([0.151, 0.039, 0.24]);
    expect(estimateRows(rows, [], {}).rows.map((r) => r.costUsd)).toEqual([0.067, 0.039, 0.134]);
    expect(resolveModel('auto', ['gemini-3.1-flash-image', 'gemini-3-pro-image'], '2K')).toBe('gemini-3-pro-image');
  });
});

describe('estimateRows with the server checks', () => {
  it('flags valid rows naming a model not served or a pack that does not exist, and still prices them', () => {
    const e = estimateRows(
      [
        { rowId: 'a', cells: { Prompt: 'x', Model: 'gemini-2.5-flash-image', 'Reference pack': 'Kit' } },
        { rowId: 'b', cells: { Prompt: 'x', Model: 'template', 'Reference pack': 'Gone' } },
        { rowId: 'c', cells: { Prompt: 'x' } },
        { rowId: 'd', cells: { Prompt: '', 'Reference pack': 'Gone' } },
      ],
      ['template'], {}, undefined,
      { servedModels: ['template'], packExists: (name) => name === 'Kit' },
    );
    expect(e.rows.map((r) => r.flag)).toEqual(['Model "gemini-2.5-flash-image" is not available on this server; it runs template', 'Reference pack "Gone" was not found', undefined, undefined]);
    expect(e.flaggedRows).toBe(2);
    expect(e.invalidRows).toBe(1);
    expect(e.totalUsd).toBe(0.039);
  });
});
