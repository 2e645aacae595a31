// The brand kit schema: British "centre" is understood, and every bad field is named.
import { describe, expect, it } from 'vitest';
import { applyKitPatch, BrandKitPatch, BrandKitStyle, issuesToFields } from '../../../shared/index';

describe('brand kit schema', () => {
  it('takes "centre" as center for the text position and alignment, in a kit and in a patch', () => {
    expect(BrandKitStyle.parse({ position: 'centre', align: 'Centre' })).toEqual({ position: 'center', align: 'center' });
    const patch = BrandKitPatch.parse({ position: 'centre', align: null });
    expect(applyKitPatch({ align: 'end', scrim: 'band' }, patch)).toEqual({ position: 'center', scrim: 'band' });
  });

  it('names each invalid field and what it accepts', () => {
    const r = BrandKitStyle.safeParse({ position: 'middle', headlineColor: 'yellow', logoSize: 0.9 });
    expect(r.success).toBe(false);
    const fields = issuesToFields(r.success ? [] : r.error.issues);
    expect(fields.map((f) => f.field).sort()).toEqual(['headlineColor', 'logoSize', 'position']);
    expect(fields.find((f) => f.field === 'position')?.message).toMatch(/top.*center.*bottom.*auto/);
  });
});
