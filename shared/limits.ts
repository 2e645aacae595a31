// Pack and upload limits. No zod here, so the add-on's sidebars can import them without
// bundling the schemas; contracts/packs.ts re-exports them for everything else.

/** Style images in one pack, besides its optional logo. */
export const MAX_PACK_IMAGES = 6;
/** Largest image upload, in bytes (10 MB). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
