import * as z from '../zod';
import { BrandKitPatch, BrandKitStyle } from './brand-kit';

export const PACK_IMAGE_MODES = ['style_only', 'style_and_composition'] as const;
export const PackImageMode = z.enum(PACK_IMAGE_MODES);
export type PackImageMode = z.infer<typeof PackImageMode>;

export { MAX_PACK_IMAGES, MAX_UPLOAD_BYTES } from '../limits';

export const PackImage = z.object({
  /** SHA-256 of the normalised image: content addressing, so the same upload is stored once. */
  id: z.string(),
  mode: PackImageMode,
  width: z.number(),
  height: z.number(),
  url: z.string(),
  thumbnailUrl: z.string(),
});
export type PackImage = z.infer<typeof PackImage>;

export const BrandFont = z.object({ family: z.string(), sha256: z.string(), bytes: z.number() });

export const Pack = z.object({
  id: z.string(),
  name: z.string(),
  images: z.array(PackImage),
  logo: z.nullable(PackImage),
  /** Dominant colours of the pack (hex), used by the template renderer for gradients. */
  palette: z.array(z.string()),
  /**
   * The pack's brand kit: fonts for the headline and the subline (null: Rowshot's own) and its
   * style (colours, scrim, position, sizes, logo, margins; see brand-kit.ts). `version` goes up
   * with every change; each row notes the version it used.
   */
  brandKit: z.optional(z.nullable(z.object({ version: z.number(), headlineFont: z.nullable(BrandFont), sublineFont: z.nullable(BrandFont), style: BrandKitStyle }))),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Pack = z.infer<typeof Pack>;

export const PackName = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

/** The text fields of `POST /v1/packs` (multipart). `modes` lists one mode per image, in order. */
export const CreatePackFields = z.object({
  name: PackName,
  modes: z.optional(z.array(PackImageMode)),
});

export const PatchPackRequest = z.strictObject({
  name: z.optional(PackName),
  /** Image ids in their new order: a permutation of the pack's images. */
  order: z.optional(z.array(z.string())),
  modes: z.optional(z.record(z.string(), PackImageMode)),
  /** Changes to the brand kit's style: given fields replace, `null` resets a field. */
  brandKit: z.optional(BrandKitPatch),
});
export type PatchPackRequest = z.infer<typeof PatchPackRequest>;

/**
 * `PUT /v1/packs/:id/fonts/:part` (the font file as the body) sets a brand font after the pack
 * was made; `DELETE` returns that part to Rowshot's fonts. `both` sets the headline and subline.
 */
export const PACK_FONT_PARTS = ['both', 'headline', 'subline'] as const;
export type PackFontPart = (typeof PACK_FONT_PARTS)[number];
/** What a font upload may be sent as; the bytes are sniffed whatever the type says. */
export const FONT_UPLOAD_TYPES = ['font/ttf', 'font/otf', 'font/woff', 'font/woff2', 'font/sfnt', 'application/font-sfnt', 'application/octet-stream'] as const;

export const PackList = z.object({ packs: z.array(Pack) });

/**
 * `POST /v1/uploads` (the raw image as the body): one image checked and stored ahead of
 * `POST /v1/packs`, so a client can upload images one at a time with progress (the add-on
 * does; Apps Script has no streaming multipart).
 */
export const Upload = z.object({
  id: z.string(),
  width: z.number(),
  height: z.number(),
  mimeType: z.string(),
  thumbnailUrl: z.string(),
});
export type Upload = z.infer<typeof Upload>;

/** `POST /v1/packs` as JSON: a pack made of earlier uploads. */
export const CreatePackFromUploads = z.strictObject({
  name: PackName,
  images: z.array(z.strictObject({ uploadId: z.string().check(z.minLength(1)), mode: z._default(PackImageMode, 'style_and_composition') })),
  logoUploadId: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  /** The brand kit's style (fonts come in the multipart form only). */
  brandKit: z.optional(BrandKitStyle),
});
export type CreatePackFromUploads = z.infer<typeof CreatePackFromUploads>;
