// Image rendering and processing: the template renderer, uploads, thumbnails, palettes.
export { TemplateRenderer, TEMPLATE_MODEL, TEMPLATE_PROVIDER_NAME } from './template-renderer';
export { outputSize, ratioParts, DEFAULT_LONG_SIDE, type Size } from './dimensions';
export { processUpload, NORMALISED_LONG_SIDE, type UploadOptions, type UploadResult, type UploadErrorCode } from './upload';
export { makeThumbnail, THUMBNAIL_LONG_SIDE, type EncodedImage } from './thumbnail';
export { extractPalette } from './palette';
export { sniffImageType, type ImageMimeType, type SniffResult } from './image-type';
export { MAX_INPUT_PIXELS, MAX_INPUT_SIDE } from './image-limits';
