import { describe, expect, it } from 'vitest';
import { fileBaseName, safeBaseName, UniqueNames } from '../../shared/file-names';

const input = (cells: Record<string, string | number | boolean | null>, over: Partial<{ rowId: string; aspectRatio: string; variant: number }> = {}) => ({
  cells, rowId: over.rowId ?? 'r_1', aspectRatio: over.aspectRatio ?? '16:9', variant: over.variant ?? 2, version: 1,
});

describe('file names from a template', () => {
  it('fills cells (matched like headers) and size, variant, version, rowId', () => {
    expect(fileBaseName('{{Name}}-{{size}}-v{{variant}}', input({ Name: 'Spring mug' }))).toBe('Spring mug-16x9-v2');
    expect(fileBaseName('{{ product name }}_{{rowId}}_{{version}}', input({ 'Product Name': 'Cap' }))).toBe('Cap_r_1_1');
  });

  it('is one safe segment on every OS: no ../, colon, NUL, control or reserved characters, no trailing dots', () => {
    expect(fileBaseName('{{Name}}', input({ Name: '../../etc/passwd' }))).toBe('etc-passwd');
    expect(fileBaseName('{{Name}}', input({ Name: 'a:b*c?"d<e>f|g\\h' }))).toBe('a-b-c-d-e-f-g-h');
    expect(fileBaseName('{{Name}}', input({ Name: 'nul\u0000byte\u0007bell' }))).toBe('nul-byte-bell');
    expect(safeBaseName('report. . ')).toBe('report');
    expect(safeBaseName('CON')).toBe('_CON');
    expect(safeBaseName('.hidden')).toBe('hidden');
  });

  it('cuts long names to 200 bytes without splitting a character, and never answers an empty name', () => {
    expect(fileBaseName('{{Name}}', input({ Name: 'x'.repeat(300) }))).toHaveLength(200);
    const emoji = fileBaseName('{{Name}}', input({ Name: '🎉'.repeat(300) }));
    expect(new TextEncoder().encode(emoji).length).toBe(200);
    expect([...emoji].every((c) => c === '🎉')).toBe(true);
    expect(fileBaseName('{{Missing}}', input({}))).toBe('r_1-16x9-v2');
    expect(fileBaseName('{{Name}}', input({ Name: '../..' }))).toBe('r_1-16x9-v2');
  });

  it('are unique within a batch, case-insensitively, with a suffix on collision', () => {
    const names = new UniqueNames();
    expect(['Mug', 'mug', 'Mug', 'Cap'].map((b) => names.take(b, 'png'))).toEqual(['Mug.png', 'mug-2.png', 'Mug-3.png', 'Cap.png']);
    const long = new UniqueNames();
    long.take('y'.repeat(200), 'png');
    const second = long.take('y'.repeat(200), 'png');
    expect(second.endsWith('-2.png')).toBe(true);
    expect(second.length).toBeLessThanOrEqual(255);
  });
});
