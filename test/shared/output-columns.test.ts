import { describe, expect, it } from 'vitest';
import { OUTPUT_ORDER, placeOutputColumns } from '../../shared/index';

describe('placeOutputColumns', () => {
  it('uses the headers a sheet has and appends the rest, in order, after the last used column', () => {
    const p = placeOutputColumns(['Prompt', 'status', 'Notes'], 5);
    expect(p.columns.status).toBe(1);
    expect(p.added.map((a) => a.field)).toEqual(OUTPUT_ORDER.filter((f) => f !== 'status'));
    expect(p.added.map((a) => a.column)).toEqual(p.added.map((_, i) => 5 + i));
    expect(p.added[0]).toEqual({ field: 'rowId', column: 5, label: 'Row ID' });
  });

  it('never places before the header row ends, even when the used width is smaller', () => {
    expect(placeOutputColumns(['Prompt', '', 'Notes'], 0).columns.rowId).toBe(3);
  });

  it("follows the batch's mapping, and one header feeds one field only", () => {
    const mapped = placeOutputColumns(['Prompt', 'Where it is'], 2, { status: 'Where it is' });
    expect(mapped.columns.status).toBe(1);
    expect(mapped.added.some((a) => a.field === 'status')).toBe(false);
    const shared = placeOutputColumns(['Prompt', 'Image URL'], 2, { image: 'Image URL' });
    expect(shared.columns.image).toBe(1);
    expect(shared.columns.imageUrl).toBeGreaterThanOrEqual(2);
  });
});
