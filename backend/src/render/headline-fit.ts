// Measures, without drawing, the largest headline size at which one row fits one size: the set
// planner (core/batches/text-sets.ts) takes the smallest of these as the set's common size. It
// lays rows out with the very functions the renderers use, so what it measures is what they draw.
import type { TextFitMember } from '../core/deps';
import { logoDrawSize, logoFootprint, logoPadFor } from './logo';
import { templateLayoutFor } from './template-renderer';
import { overlayBlock } from './text-overlay';
import { brandTextFonts } from './text-metrics';

/** The member type is the core's (ImageTools.headlineShares), so the two cannot drift. */
export type HeadlineFitMember = TextFitMember;

/**
 * Each member's largest fitting headline size as a share of its image's short side, or null
 * when it has no headline or cannot be set at all (that row fails on its own when rendered).
 */
export async function headlineShares(members: readonly HeadlineFitMember[]): Promise<(number | null)[]> {
  // Rows of a pack share one logo buffer: its header is read once per size.
  const logoSizes = new Map<Buffer, Map<string, { width: number; height: number } | null>>();
  const out: (number | null)[] = [];
  for (const [i, m] of members.entries()) {
    // Fitting is CPU work: let other requests through now and then.
    if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
    if (m.headline.trim() === '') {
      out.push(null);
      continue;
    }
    const { width, height } = m;
    const sizeKey = `${width}x${height}`;
    const short = Math.min(width, height);
    if (m.renderer === 'overlay') {
      const fonts = brandTextFonts(m.fonts);
      const block = overlayBlock({ headline: m.headline, subline: m.subline, ...(fonts ? { fonts } : {}), ...(m.minTextPx ? { minTextPx: m.minTextPx } : {}), ...(m.kit ? { kit: m.kit } : {}) }, width, height);
      out.push(block.problem || !block.headline ? null : block.headline.fontSize / short);
      continue;
    }
    let logo: { width: number; height: number } | null = null;
    if (m.logo) {
      let bySize = logoSizes.get(m.logo);
      if (!bySize) logoSizes.set(m.logo, (bySize = new Map()));
      if (!bySize.has(sizeKey)) {
        const drawn = await logoDrawSize(m.logo, width, height, m.kit?.logoSize).catch(() => null);
        bySize.set(sizeKey, drawn ? logoFootprint(drawn, logoPadFor(drawn.height, width, height, m.kit)) : null);
      }
      logo = bySize.get(sizeKey) ?? null;
    }
    const layout = templateLayoutFor({ headline: m.headline, subline: m.subline, fonts: m.fonts, ...(m.minTextPx ? { minTextPx: m.minTextPx } : {}), ...(m.kit ? { kit: m.kit } : {}) }, width, height, logo, m.composition);
    out.push(layout.block.problem || !layout.block.headline ? null : layout.block.headline.fontSize / short);
  }
  return out;
}
