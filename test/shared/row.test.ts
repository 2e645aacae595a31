import { describe, expect, it } from 'vitest';
import { readRow } from '../../shared/row';

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
        model: 'auto', headline: 'Happy 5 years, Ana!', subline: '', logo: false, text: 'overlay',
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
