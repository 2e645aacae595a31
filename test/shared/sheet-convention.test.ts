import { describe, expect, it } from 'vitest';
import { looksLikeFormula, mapHeaders, statusText } from '../../shared/sheet-convention';
import { fillTemplate } from '../../shared/prompt-template';

describe('sheet convention', () => {
  it('maps headers case-insensitively, with aliases and overrides', () => {
    const m = mapHeaders(['Row_ID', 'PROMPT', 'Aspect Ratio', 'cost', 'My Status'], { status: 'My Status' });
    expect(m).toMatchObject({ rowId: 'Row_ID', prompt: 'PROMPT', aspectRatios: 'Aspect Ratio', costUsd: 'cost', status: 'My Status' });
    expect(m.headline).toBeUndefined();
  });

  it('recognises formula-looking text', () => {
    for (const t of ['=1+1', '+1', '-2', '@SUM(A1)']) expect(looksLikeFormula(t)).toBe(true);
    expect(looksLikeFormula('Hello =')).toBe(false);
  });

  it('formats status cells', () => {
    expect(statusText('FAILED', 'Prompt is empty')).toBe('FAILED: Prompt is empty');
    expect(statusText('DONE', null)).toBe('DONE');
  });

  it('fills placeholders and reports every missing column', () => {
    expect(fillTemplate('{{a}}-{{ B }}', { A: 1, b: true })).toEqual({ ok: true, text: '1-TRUE' });
    expect(fillTemplate('{{x}} {{y}} {{x}}', {})).toEqual({ ok: false, missing: ['x', 'y'] });
  });
});
