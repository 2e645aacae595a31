// A pack's brand kit: how its text and logo look. One schema for the API (POST/PATCH
// /v1/packs), the CLI's pack folders (kit.json) and the Reference packs sidebar. Every field is
// optional; what is left out is Rowshot's automatic choice. Sizes in px; margins, padding and
// the logo size as a share of the image's short edge, so one kit fits every size.
import * as z from '../zod';

export const SCRIM_STYLES = ['none', 'gradient', 'band', 'plate'] as const;
export type ScrimStyle = (typeof SCRIM_STYLES)[number];
export const KIT_TEXT_POSITIONS = ['top', 'center', 'bottom', 'auto'] as const;
export type KitTextPosition = (typeof KIT_TEXT_POSITIONS)[number];
/** `start` is the left for left-to-right text and the right for right-to-left text. */
export const KIT_TEXT_ALIGNS = ['start', 'center', 'end'] as const;
export type KitTextAlign = (typeof KIT_TEXT_ALIGNS)[number];
export const KIT_LOGO_POSITIONS = ['top-left', 'top-right', 'bottom-left', 'bottom-right', 'auto'] as const;
export type KitLogoPosition = (typeof KIT_LOGO_POSITIONS)[number];

/** `#rrggbb`, or `auto`: light or dark, whichever reads best over the image. */
export const KitColor = z.string().check(z.regex(/^(auto|#[0-9a-fA-F]{6})$/, 'must be a colour as #rrggbb, or "auto"'));

const px = z.number().check(z.int('must be a whole number of px'), z.gte(6, 'must be 6 px or more'), z.lte(600, 'must be 600 px or less'));
export const KitSizeLimits = z
  .strictObject({ min: z.optional(px), max: z.optional(px) })
  .check(z.refine((v) => v.min === undefined || v.max === undefined || v.min <= v.max, { message: 'min must not be larger than max', path: ['min'] }));
export type KitSizeLimits = z.infer<typeof KitSizeLimits>;

const share = (min: number, max: number) =>
  z.number().check(z.gte(min, `must be at least ${min} (a share of the short edge)`), z.lte(max, `must be at most ${max} (a share of the short edge)`));

/** `centre` (British spelling) is taken as `center`. */
const centred = <T extends readonly [string, ...string[]]>(values: T) =>
  z.pipe(z.pipe(z.string(), z.transform((v: string) => (v.trim().toLowerCase() === 'centre' ? 'center' : v))), z.enum(values));

const fields = {
  headlineColor: KitColor,
  /** Default: the headline's colour. */
  sublineColor: KitColor,
  /** `gradient` from the text's edge of the image, a full-width `band`, a `plate` behind the text, or `none`. Default: Rowshot's choice (gradient for top or bottom text, band for centred). */
  scrim: z.enum(SCRIM_STYLES),
  position: centred(KIT_TEXT_POSITIONS),
  align: centred(KIT_TEXT_ALIGNS),
  headlineSize: KitSizeLimits,
  sublineSize: KitSizeLimits,
  logoPosition: z.enum(KIT_LOGO_POSITIONS),
  /** The logo's height at most (default 0.135). */
  logoSize: share(0.03, 0.4),
  /** Space inside a plate around the text and the logo (default 0.02). */
  padding: share(0, 0.15),
  /** No text or logo closer to an edge than this (default 0.07). */
  safeMargin: share(0.02, 0.25),
};

export const BrandKitStyle = z.strictObject({
  headlineColor: z.optional(fields.headlineColor),
  sublineColor: z.optional(fields.sublineColor),
  scrim: z.optional(fields.scrim),
  position: z.optional(fields.position),
  align: z.optional(fields.align),
  headlineSize: z.optional(fields.headlineSize),
  sublineSize: z.optional(fields.sublineSize),
  logoPosition: z.optional(fields.logoPosition),
  logoSize: z.optional(fields.logoSize),
  padding: z.optional(fields.padding),
  safeMargin: z.optional(fields.safeMargin),
});
export type BrandKitStyle = z.infer<typeof BrandKitStyle>;

/**
 * A change to a kit (`PATCH /v1/packs/:id` `{ brandKit: … }`): given fields replace the kit's,
 * `null` returns a field to Rowshot's automatic choice.
 */
export const BrandKitPatch = z.strictObject({
  headlineColor: z.optional(z.nullable(fields.headlineColor)),
  sublineColor: z.optional(z.nullable(fields.sublineColor)),
  scrim: z.optional(z.nullable(fields.scrim)),
  position: z.optional(z.nullable(fields.position)),
  align: z.optional(z.nullable(fields.align)),
  headlineSize: z.optional(z.nullable(fields.headlineSize)),
  sublineSize: z.optional(z.nullable(fields.sublineSize)),
  logoPosition: z.optional(z.nullable(fields.logoPosition)),
  logoSize: z.optional(z.nullable(fields.logoSize)),
  padding: z.optional(z.nullable(fields.padding)),
  safeMargin: z.optional(z.nullable(fields.safeMargin)),
});
export type BrandKitPatch = z.infer<typeof BrandKitPatch>;

/** Every field of a kit's style, in order. */
export const BRAND_KIT_FIELDS = Object.keys(BrandKitStyle.shape) as (keyof BrandKitStyle)[];

/** A kit with the patch applied (null fields removed). */
export function applyKitPatch(style: BrandKitStyle, patch: BrandKitPatch): BrandKitStyle {
  const out: Record<string, unknown> = { ...style };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out as BrandKitStyle;
}
