// Every script Rowshot promises, in the three shapes that stress layout most: every code point
// has a glyph in the font that drew it, every line's ink is inside the safe margins (from the
// layout, and confirmed from the pixels: the margin band is exactly the background), mixed
// right-to-left lines keep their Latin words at the right end of the reading order.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { AspectRatio } from '../../../shared/index';
import { outputSize } from '../../../backend/src/render/dimensions';
import { layoutTemplate, safeMargin } from '../../../backend/src/render/layout';
import { placedLines } from '../../../backend/src/render/overlay';
import { TemplateRenderer } from '../../../backend/src/render/template-renderer';
import { isEmojiCluster } from '../../../backend/src/render/text-emoji';
import { graphemes } from '../../../backend/src/render/text-layout';
import { generateRequest } from '../../helpers/generate-request';

export const SCRIPT_SAMPLES: [string, string, string][] = [
  ['Latin', 'Happy 3 years, Kenji Watanabe!', 'With thanks from the whole Operations team'],
  ['Cyrillic', 'С 12-летием работы, Алексей!', 'Спасибо от команды Operations'],
  ['Greek', 'Καλή επέτειο, Γιώργο!', 'Ευχαριστούμε από την ομάδα'],
  ['Simplified Chinese', '李小龙，周年快乐！', '感谢您五年来的付出'],
  ['Traditional Chinese', '恭喜週年快樂，陳大文', '感謝您的辛勞與貢獻'],
  ['Japanese', 'おめでとうございます、山田さん', '入社10周年記念'],
  ['Korean', '김민준님, 입사 5주년을 축하합니다', '운영팀 드림'],
  ['Arabic', 'شكراً من فريق Finance', 'عيد عمل سعيد يا أحمد'],
  ['Hebrew', 'מזל טוב, דנה!', 'תודה מצוות Finance'],
  ['Devanagari', 'प्रिया शर्मा को बधाई', 'पाँच साल पूरे होने पर'],
  ['Thai', 'สมชายสุขสันต์วันครบรอบการทำงาน', 'ขอบคุณจากทีมปฏิบัติการ'],
  ['Emoji', 'Congrats Kenji 🎉👩🏽‍💻', 'Team 🇯🇵 ❤️ 5 years'],
];
const RATIOS: AspectRatio[] = ['1:1', '16:9', '9:16'];
const IGNORABLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f]/u;
const DARK = ['#14213d'];

const renderer = new TemplateRenderer();

async function rgb(png: Buffer): Promise<Buffer> {
  return (await sharp(png).removeAlpha().raw().toBuffer());
}

async function draw(headline: string, subline: string, aspectRatio: AspectRatio): Promise<Buffer> {
  const outcome = await renderer.generate(generateRequest('template', 'anniversary card', { headline, subline, aspectRatio, palette: DARK }));
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.image.data;
}

describe.each(SCRIPT_SAMPLES)('%s', (_name, headline, subline) => {
  it.each(RATIOS)('%s: every glyph present, inside the safe margins, in reading order', async (ratio) => {
    const { width, height } = outputSize(ratio);
    const layout = layoutTemplate({ width, height, mode: 'centered', headline, subline, logo: null });
    expect(layout.block.problem).toBeNull();
    const margin = safeMargin(width, height);
    const lines = placedLines(layout);
    expect(lines.length).toBeGreaterThan(1);
    // Together the lines hold exactly the text (nothing cut).
    const drawn = lines.map((l) => l.line.text).join('').replace(/\s/g, '');
    expect(drawn).toBe((headline + subline).replace(/\s/g, ''));
    for (const { part, line, x, baseline } of lines) {
      const s = line.shaped;
      expect(s.missing).toEqual([]);
      expect(s.glyphs.every((g) => g.gid !== 0)).toBe(true);
      const faces = [...new Set(s.glyphs.map((g) => g.face))];
      for (const cluster of graphemes(line.text)) {
        if (isEmojiCluster(cluster) || /^\s+$/u.test(cluster)) continue;
        for (const ch of cluster) {
          if (IGNORABLE.test(ch)) continue;
          expect(faces.some((f) => f.covers(ch.codePointAt(0) ?? 0)), `${ch} in "${line.text}"`).toBe(true);
        }
      }
      const size = part.fontSize;
      const pen = x + line.offset;
      expect(pen + s.inkLeft * size, line.text).toBeGreaterThanOrEqual(margin);
      expect(pen + s.inkRight * size, line.text).toBeLessThanOrEqual(width - margin);
      expect(baseline - s.inkTop * size, line.text).toBeGreaterThanOrEqual(margin);
      expect(baseline + s.inkBottom * size, line.text).toBeLessThanOrEqual(height - margin);
      if (/Finance/.test(line.text) && s.rtl) {
        const latin = s.glyphs.filter((g) => g.face.name.startsWith('Noto Sans ') && /^Noto Sans (Bold|Regular)$/.test(g.face.name));
        const rtl = s.glyphs.filter((g) => !latin.includes(g));
        expect(latin).toHaveLength(7);
        // Visually leftmost = last in right-to-left reading order.
        expect(Math.max(...latin.map((g) => g.x))).toBeLessThan(Math.min(...rtl.map((g) => g.x)));
      }
    }

    // Pixels: the text changed the image, and not one pixel of the margin band.
    const withText = await rgb(await draw(headline, subline, ratio));
    const background = await rgb(await draw('', '', ratio));
    let inside = 0;
    let band = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        const diff = Math.abs((withText[i] ?? 0) - (background[i] ?? 0)) + Math.abs((withText[i + 1] ?? 0) - (background[i + 1] ?? 0)) + Math.abs((withText[i + 2] ?? 0) - (background[i + 2] ?? 0));
        if (diff <= 6) continue;
        if (x < margin || x >= width - margin || y < margin || y >= height - margin) band++;
        else inside++;
      }
    }
    expect(band).toBe(0);
    expect(inside).toBeGreaterThan(2000);
  });
});
