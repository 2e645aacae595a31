import { describe, expect, it } from 'vitest';
import { API_MAP_HINT, CLI_MAP_HINT, preflightHeaders, SIDEBAR_MAP_HINT } from '../../shared/header-preflight';
import { readRow } from '../../shared/row';
import { HEADER_SYNONYMS, INPUT_FIELDS, mapHeaders, normalizeHeader } from '../../shared/sheet-convention';
import { parseYesNo } from '../../shared/yes-no';

describe('one header rule', () => {
  it('maps the everyday headers of the issue to their fields', () => {
    const m = mapHeaders(['Image prompt', 'Size', 'Brand kit', 'Use logo?', 'Notes']);
    expect(m).toMatchObject({ prompt: 'Image prompt', aspectRatios: 'Size', referencePack: 'Brand kit', logo: 'Use logo?' });
    expect(Object.values(m)).not.toContain('Notes');
    expect(mapHeaders(['Description', 'Format', 'Template'])).toMatchObject({ prompt: 'Description', aspectRatios: 'Format', referencePack: 'Template' });
    expect(mapHeaders(['Descripción']).prompt).toBeUndefined();
    expect(normalizeHeader('Descripción')).toBe('descripcion');
  });

  it('prefers a field label over another field\'s synonym and uses a header once', () => {
    // "Prompt" is the label; "Description" stays free for placeholders.
    const m = mapHeaders(['Description', 'Prompt', 'Aspect ratios', 'Size']);
    expect(m.prompt).toBe('Prompt');
    expect(m.aspectRatios).toBe('Aspect ratios');
    expect(Object.values(m).filter((h) => h === 'Size')).toHaveLength(0);
    // An override claims its header: no other field maps to it.
    const o = mapHeaders(['Image prompt', 'Format'], { prompt: 'Format' });
    expect(o.prompt).toBe('Format');
    expect(o.aspectRatios).toBeUndefined();
  });

  it('has a synonym entry for every field, none shared by two fields', () => {
    const seen = new Map<string, string>();
    for (const [field, names] of Object.entries(HEADER_SYNONYMS)) {
      for (const n of names) {
        const k = normalizeHeader(n);
        expect(seen.get(k) ?? field, `${n} is a synonym of two fields`).toBe(field);
        seen.set(k, field);
      }
    }
    for (const field of Object.keys(INPUT_FIELDS)) expect((HEADER_SYNONYMS as Record<string, readonly string[]>)[field]?.length).toBeGreaterThan(0);
  });

  it('reads the same row through a synonym header as through the label', () => {
    const a = readRow({ 'Image prompt': 'a cat', Size: '16:9, 1:1', 'Use logo?': 'sí', 'Brand kit': 'spring' });
    const b = readRow({ Prompt: 'a cat', 'Aspect ratios': '16:9, 1:1', Logo: 'yes', 'Reference pack': 'spring' });
    expect(a).toEqual(b);
    expect(a.ok && a.spec.logo).toBe(true);
    expect(a.ok && a.spec.sizes.map((s) => s.id)).toEqual(['1080x608', '1080x1080']);
  });
});

describe('yes/no cells', () => {
  it('accepts words, letters, digits, check marks and translations', () => {
    for (const t of ['yes', 'Y', 'TRUE', '1', '✓', '✔', 'sí', 'SI', 'sim', 'oui', 'ja', 'да', 'はい', '是', '예', 'हाँ', 'نعم', 'vero', 'wahr']) expect(parseYesNo(t), t).toBe(true);
    for (const t of ['no', 'N', 'false', '0', '✗', '✘', '', 'não', 'Nao', 'non', 'nein', 'нет', 'いいえ', '否', '아니요', 'नहीं', 'لا', 'falso', 'faux']) expect(parseYesNo(t), t).toBe(false);
    for (const t of ['maybe', '2', 'yess']) expect(parseYesNo(t), t).toBeNull();
  });

  it('fails a row whose logo cell is not a yes/no answer, with the text it got', () => {
    expect(readRow({ Prompt: 'x', Logo: 'perhaps' })).toEqual({ ok: false, reasons: ['Logo must be yes or no (got "perhaps")'] });
    const r = readRow({ Prompt: 'x', Logo: true });
    expect(r.ok && r.spec.logo).toBe(true);
  });
});

describe('header pre-flight', () => {
  it('stops without a Prompt column, naming the headers found and the nearest one with the --map hint', () => {
    const p = preflightHeaders(['Promt text', 'Size', 'Name']);
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.nearest).toBe('Promt text');
    expect(p.message).toBe('No Prompt column. Headers found: "Promt text", "Size", "Name". Did you mean "Promt text"? Map it with --map "Prompt=Promt text" or rename it.');
  });

  it('finds a header holding the word prompt as nearest', () => {
    const p = preflightHeaders(['SKU', 'Prompt for the AI (English)', 'Size']);
    expect(!p.ok && p.nearest).toBe('Prompt for the AI (English)');
  });

  it('says so when nothing is near, and words the hint for the add-on and the API', () => {
    const p = preflightHeaders(['SKU', 'Colour']);
    expect(!p.ok && p.message).toBe('No Prompt column. Headers found: "SKU", "Colour". Name a column "Prompt" (or "Image prompt", "Description"), or map one with --map "Prompt=HEADER".');
    const s = preflightHeaders(['Promts'], {}, SIDEBAR_MAP_HINT);
    expect(!s.ok && s.message).toContain('Map it to Prompt in the Batch sidebar (Column mapping)');
    const a = preflightHeaders(['Promts'], {}, API_MAP_HINT);
    expect(!a.ok && a.message).toContain('"columns": { "prompt": "Promts" }');
  });

  it('passes with a mapping, and refuses one naming a missing column', () => {
    expect(preflightHeaders(['Image text'], { prompt: 'Image text' }).ok).toBe(true);
    const p = preflightHeaders(['Prompt'], { aspectRatios: 'Formats' });
    expect(!p.ok && p.message).toBe('Sizes is mapped to "Formats", which is not a column here');
  });

  it('warns about a column that looks like an input but is not read', () => {
    const p = preflightHeaders(['Prompt', 'Aspect ratios', 'Format', 'Brand kits', 'Logo placement', 'Notes'], {}, CLI_MAP_HINT);
    expect(p.ok).toBe(true);
    const byHeader = Object.fromEntries(p.warnings.map((w) => [w.header, w]));
    expect(Object.keys(byHeader).sort()).toEqual(['Brand kits', 'Format', 'Logo placement']);
    expect(byHeader.Format?.message).toBe('Column "Format" is not read (Sizes comes from "Aspect ratios"). To read it instead, map it with --map "Sizes=Format" or rename it.');
    expect(byHeader['Brand kits']?.field).toBe('referencePack');
    expect(byHeader['Brand kits']?.message).toBe('Column "Brand kits" is not read (it is not a name Rowshot reads as Reference pack). Map it with --map "Reference pack=Brand kits" or rename it.');
  });
});
