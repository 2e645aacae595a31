// SVG overlays drawn over the background: the scrim and the text. Text is drawn as the
// shaped glyph outlines of the fonts that measured it (and Twemoji pictures for emoji), so what
// is drawn is exactly what was laid out, whatever fonts the machine has.
import type { Rect } from './contrast';
import type { TemplateLayout } from './layout';
import { escapeXml, num } from './svg';
import { EMOJI_SIZE, EMOJI_TOP } from './text-emoji';
import type { TextLine, TextPart } from './text-layout';

/** Where a line's advance box starts (x of its left edge), for the block's alignment. */
export function lineLeft(layout: TemplateLayout, part: TextPart, line: TextLine): number {
  const { textRect, align, anchorX } = layout;
  if (align === 'center') return anchorX - line.width / 2;
  // Start is the left for left-to-right text and the right for right-to-left; end the other side.
  const right = (align === 'start') === part.rtl;
  return right ? textRect.left + textRect.width - line.width : textRect.left;
}

export interface PlacedLine {
  part: TextPart;
  line: TextLine;
  /** Left edge of the line's box; the pen starts at x + line.offset. */
  x: number;
  baseline: number;
}

/** Each line's baseline and box in image pixels, in drawing order. */
export function placedLines(layout: TemplateLayout): PlacedLine[] {
  const out: PlacedLine[] = [];
  let y = layout.textRect.top;
  for (const part of [layout.block.headline, layout.block.subline]) {
    if (!part) continue;
    let baseline = y + part.ascent;
    for (const line of part.lines) {
      out.push({ part, line, x: lineLeft(layout, part, line), baseline });
      baseline += part.lineHeight;
    }
    y += part.height + layout.block.gap;
  }
  return out;
}

/**
 * SVG of the text block on a canvas covering `canvas` (a rectangle of the image, so only the
 * area around the text is rasterised). Headline bold, subline regular.
 */
export function textSvg(layout: TemplateLayout, canvas: Rect, color: string, sublineColor: string = color): string {
  const defs = new Map<string, string>();
  const faceIds = new Map<string, number>();
  const body: string[] = [];
  for (const { part, line, x, baseline } of placedLines(layout)) {
    const size = part.fontSize;
    const ox = x + line.offset - canvas.left;
    const oy = baseline - canvas.top;
    const uses: string[] = [];
    for (const g of line.shaped.glyphs) {
      const d = g.face.path(g.gid);
      if (d === '') continue;
      let fid = faceIds.get(g.face.name);
      if (fid === undefined) {
        fid = faceIds.size;
        faceIds.set(g.face.name, fid);
      }
      const id = `g${fid}-${g.gid}`;
      if (!defs.has(id)) defs.set(id, `<path id="${id}" d="${d}"/>`);
      const s = size / g.face.upem;
      uses.push(`<use href="#${id}" transform="translate(${num(ox + g.x * size)} ${num(oy - g.y * size)}) scale(${s.toFixed(5)} ${(-s).toFixed(5)})"/>`);
    }
    // A subline in the headline's colour is a touch lighter; a kit's own subline colour is exact.
    const fill = part.bold ? '' : sublineColor === color ? ' fill-opacity="0.92"' : ` fill="${escapeXml(sublineColor)}"`;
    if (uses.length > 0) body.push(`<g${fill}>${uses.join('')}</g>`);
    for (const e of line.shaped.emoji) {
      const attrs = `x="${num(ox + e.x * size)}" y="${num(oy - EMOJI_TOP * size)}" width="${num(EMOJI_SIZE * size)}" height="${num(EMOJI_SIZE * size)}"`;
      body.push(e.svg.replace(/^\s*<svg\b/, `<svg ${attrs}`));
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${canvas.width}" height="${canvas.height}">` +
    `<defs>${[...defs.values()].join('')}</defs><g fill="${escapeXml(color)}">${body.join('')}</g></svg>`
  );
}

/**
 * SVG of the scrim, full image size: for lower-third text a gradient from clear to `opacity`
 * that reaches full strength at the text's top and holds to the bottom edge; for centred text
 * a full-width band that fades in above the text and out below it.
 */
export function scrimSvg(width: number, height: number, layout: TemplateLayout, color: string, opacity: number): string {
  const { textRect, margin } = layout;
  if (layout.scrim === 'plate') {
    // A rounded plate behind the text block alone, padded, kept inside the image.
    const p = layout.padding;
    const x = Math.max(0, textRect.left - p);
    const y = Math.max(0, textRect.top - p);
    const w = Math.min(width, textRect.left + textRect.width + p) - x;
    const h = Math.min(height, textRect.top + textRect.height + p) - y;
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="${num(Math.min(w, h) * 0.12)}" fill="${color}" fill-opacity="${num(opacity)}"/></svg>`
    );
  }
  const fade = Math.max(margin * 1.5, textRect.height * 0.6);
  let y0: number;
  let y1: number;
  let stops: [number, number][];
  if (layout.scrim === 'gradient' && layout.mode === 'upper-third') {
    // From the top edge, full strength down to the text's bottom, then fading out.
    y0 = 0;
    y1 = Math.min(height, textRect.top + textRect.height + fade);
    const full = (textRect.top + textRect.height) / Math.max(1, y1);
    stops = [
      [0, opacity],
      [full, opacity],
      [full + (1 - full) * 0.5, opacity * 0.45],
      [1, 0],
    ];
  } else if (layout.scrim === 'gradient') {
    y0 = Math.max(0, textRect.top - fade);
    y1 = height;
    const full = (textRect.top - y0) / Math.max(1, y1 - y0);
    stops = [
      [0, 0],
      [full * 0.5, opacity * 0.45],
      [full, opacity],
      [1, opacity],
    ];
  } else {
    y0 = Math.max(0, textRect.top - fade);
    y1 = Math.min(height, textRect.top + textRect.height + fade);
    const span = Math.max(1, y1 - y0);
    const a = (textRect.top - y0) / span;
    const b = (textRect.top + textRect.height - y0) / span;
    stops = [
      [0, 0],
      [a, opacity],
      [b, opacity],
      [1, 0],
    ];
  }
  const stopTags = stops
    .map(([o, a]) => `<stop offset="${num(Math.min(1, Math.max(0, o)))}" stop-color="${color}" stop-opacity="${num(a)}"/>`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<defs><linearGradient id="s" gradientUnits="userSpaceOnUse" x1="0" y1="${num(y0)}" x2="0" y2="${num(y1)}">${stopTags}</linearGradient></defs>` +
    `<rect x="0" y="${num(y0)}" width="${width}" height="${num(y1 - y0)}" fill="url(#s)"/></svg>`
  );
}
