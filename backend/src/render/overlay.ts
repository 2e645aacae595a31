// SVG overlays drawn over the background: the scrim and the text.
import type { Rect } from './contrast';
import type { TemplateLayout } from './layout';
import { escapeXml, num } from './svg';
import { FONT_ASCENT, FONT_FAMILY } from './text-metrics';
import type { TextPart } from './text-layout';

/**
 * SVG of the text block on a canvas covering `canvas` (a rectangle of the image, so only the
 * area around the text is rasterised). Headline bold, subline regular, DejaVu Sans.
 */
export function textSvg(layout: TemplateLayout, canvas: Rect, color: string): string {
  const { block, textRect, align, anchorX } = layout;
  const out: string[] = [];
  const x = anchorX - canvas.left;
  let y = textRect.top - canvas.top;
  const part = (p: TextPart | null, opacity: number): void => {
    if (!p) return;
    let baseline = y + p.fontSize * FONT_ASCENT;
    const weight = p.bold ? ' font-weight="bold"' : '';
    const fade = opacity < 1 ? ` fill-opacity="${num(opacity)}"` : '';
    for (const line of p.lines) {
      out.push(`<text x="${num(x)}" y="${num(baseline)}" font-size="${num(p.fontSize)}"${weight}${fade}>${escapeXml(line.text)}</text>`);
      baseline += p.lineHeight;
    }
    y += p.height + block.gap;
  };
  part(block.headline, 1);
  part(block.subline, 0.92);
  const anchor = align === 'center' ? 'middle' : 'start';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas.width}" height="${canvas.height}">` +
    `<g font-family="${FONT_FAMILY}, sans-serif" text-anchor="${anchor}" fill="${color}">${out.join('')}</g></svg>`
  );
}

/**
 * SVG of the scrim, full image size: for lower-third text a gradient from clear to `opacity`
 * that reaches full strength at the text's top and holds to the bottom edge; for centred text
 * a full-width band that fades in above the text and out below it.
 */
export function scrimSvg(width: number, height: number, layout: TemplateLayout, color: string, opacity: number): string {
  const { textRect, margin } = layout;
  const fade = Math.max(margin * 1.5, textRect.height * 0.6);
  let y0: number;
  let y1: number;
  let stops: [number, number][];
  if (layout.mode === 'lower-third') {
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
