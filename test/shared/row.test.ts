import { describe, expect, it } from 'vitest';
import { generationsPerRow, imagesPerRow, readRow } from '../../shared/row';

const reasons = (cells: Record<string, string | number | boolean | null>) => {
  const r = readRow(cells);
  return r.ok ? [] : r.reasons;
};

describe('readRow', () => {
  it('reads a complete row with defaults and templated text', () => {
    const r = readRow({ Prompt: 'A card for {{ first_name }}', 'First name': 'Ana', Headline: 'Happy {{Years}} years, {{First Name}}!', Years: 5 });
    expect(r).toEqual({
      ok: true,
      spec: {
        prompt: 'A card for Ana', negativePrompt: '', referencePack: null, sizes: [{ id: '1080x1080', width: 1080, height: 1080, label: '1:1', ratio: '1:1' }], variants: 1,
        model: 'auto', headline: 'Happy 5 years, Ana!', subline: '', logo: false, text: 'overlay', resize: 'recompose', referenceImages: [],
      },
    });
  });

  it('matches headers ignoring case, spaces and underscores, and parses lists', () => {
    const r = readRow({ PROMPT: 'x', aspect_ratios: '16:9, 1:1,16:9', VARIANTS: '3', model: 'Template', 'reference  pack': 'brand', LOGO: 'Yes' });
    expect(r.ok && r.spec.sizes.map((s) => s.id)).toEqual(['1080x608', '1080x1080']);
    expect(r.ok && r.spec).toMatchObject({ variants: 3, model: 'template', referencePack: 'brand', logo: true });
  });

  it('gives one readable reason per problem', () => {
    expect(reasons({ Prompt: '' })).toEqual(['Prompt is empty']);
    expect(reasons({ Prompt: 'x'.repeat(10_000) })).toEqual(['Prompt is 10000 characters long; the limit is 4000']);
    expect(reasons({ Prompt: 'x', Sizes: 'Instagram pst' })).toEqual([
      'Size "Instagram pst" is not a known size (did you mean "Instagram post"? sizes are ratios like 4:5, pixels like 1080x1350, or a preset)',
    ]);
    expect(reasons({ Prompt: 'x', Variants: 0 })).toEqual(['Variants must be a whole number from 1 to 4 (got "0")']);
    expect(reasons({ Prompt: 'x', Variants: '99' })).toEqual(['Variants must be a whole number from 1 to 4 (got "99")']);
    expect(reasons({ Prompt: 'x', Model: 'dall-e' })[0]).toMatch(/Model "dall-e" is unknown/);
    expect(reasons({ Prompt: 'x', Logo: 'maybe' })).toEqual(['Logo must be yes or no (got "maybe")']);
    expect(reasons({ Prompt: 'Hi {{Nme}}', Name: 'A' })).toEqual(['Prompt uses {{Nme}} but the row has no such column']);
    expect(reasons({ Prompt: '', Variants: 9 })).toHaveLength(2);
    expect(reasons({ Prompt: 'x', Text: 'sometimes' })).toEqual(['Text must be overlay, model or none (got "sometimes")']);
  });

  it('reads the Resize column: recompose by default, crop when asked or by the batch default, a reason otherwise', () => {
    const of = (cells: Record<string, string>, defaults = {}) => {
      const r = readRow({ Prompt: 'x', Sizes: '1:1, 9:16', ...cells }, {}, defaults);
      return r.ok ? r.spec.resize : r.reasons;
    };
    expect(of({})).toBe('recompose');
    expect(of({ Resize: 'Crop' })).toBe('crop');
    expect(of({ 'Resize mode': 'recompose' })).toBe('recompose');
    expect(of({}, { resize: 'crop' })).toBe('crop');
    expect(of({ Resize: 'recompose' }, { resize: 'crop' })).toBe('recompose');
    expect(of({ Resize: 'stretch' })).toEqual(['Resize must be recompose or crop (got "stretch")']);
    // Priced per model call: crop pays one generation per variant for all its sizes.
    const spec = (cells: Record<string, string>) => {
      const r = readRow({ Prompt: 'x', Sizes: '1:1, 9:16, Instagram post', Variants: '2', ...cells });
      if (!r.ok) throw new Error(r.reasons.join());
      return r.spec;
    };
    expect(imagesPerRow(spec({ Resize: 'crop' }))).toBe(6);
    expect(generationsPerRow(spec({ Resize: 'crop' }))).toBe(2);
    expect(generationsPerRow(spec({}))).toBe(6);
  });

  it('reads Reference images: links one per line or by comma, Drive share links as downloads, upload ids; a reason per bad item', () => {
    const refs = (cell: string) => {
      const r = readRow({ Prompt: 'x', 'Reference images': cell });
      return r.ok ? r.spec.referenceImages : r.reasons;
    };
    expect(refs('')).toEqual([]);
    expect(refs('https://example.com/lamp.png\nhttps://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing, u_abcdefghijklmnop')).toEqual([
      { kind: 'url', url: 'https://example.com/lamp.png' },
      { kind: 'url', url: 'https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOp' },
      { kind: 'upload', id: 'u_abcdefghijklmnop' },
    ]);
    expect(refs('https://drive.google.com/open?id=1AbCdEfGhIjKlMnOp')).toEqual([{ kind: 'url', url: 'https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOp' }]);
    // The same image twice is sent once.
    expect(refs('https://example.com/a.png, https://example.com/a.png')).toHaveLength(1);
    expect(refs('http://example.com/a.png\nlamp.png\nhttps://user:pw@example.com/a.png')).toEqual([
      'Reference image 1 must be an https link (got "http://example.com/a.png")',
      'Reference image 2 is not an https link, a Google Drive link or an upload id (got "lamp.png")',
      'Reference image 3 must not carry a user name or password',
    ]);
    expect(refs(Array.from({ length: 7 }, (_, i) => `https://example.com/${i}.png`).join('\n'))).toEqual(['Reference images lists 7 images; the limit is 6']);
    expect(readRow({ Prompt: 'x', 'Product images': 'https://example.com/a.png' })).toMatchObject({ ok: true, spec: { referenceImages: [{ kind: 'url' }] } });
  });

  it('reads the Text column: overlay by default, model or none when asked', () => {
    const mode = (cells: Record<string, string>): string | false => {
      const r = readRow({ Prompt: 'x', ...cells });
      return r.ok && r.spec.text;
    };
    expect(mode({})).toBe('overlay');
    expect(mode({ Text: 'Model' })).toBe('model');
    expect(mode({ 'Text mode': 'none' })).toBe('none');
  });

  it('keeps formula-looking text as plain text', () => {
    const r = readRow({ Prompt: 'x', Headline: '=HYPERLINK("http://evil")' });
    expect(r.ok && r.spec.headline).toBe('=HYPERLINK("http://evil")');
  });

  it('honours an explicit column mapping', () => {
    const r = readRow({ Text: 'a prompt', Prompt: 'ignored' }, { prompt: 'Text' });
    expect(r.ok && r.spec.prompt).toBe('a prompt');
  });
});
