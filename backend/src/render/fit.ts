// Exact output pixels from a model's image: a model makes a few fixed shapes (its nearest ratio
// to the size asked for), so its image is cropped where the content is (sharp's attention
// strategy: skin, saturation, edges) and scaled to exactly the size asked for.
import sharp from 'sharp';
import { untrustedInput } from './image-limits';

export interface FittedImage {
  data: Buffer;
  mimeType: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

/** Crop-and-scale to width × height. An image already that size is returned as it is. */
export async function fitToSize(image: Omit<FittedImage, 'width' | 'height'> & { width?: number; height?: number }, width: number, height: number): Promise<FittedImage> {
  if (image.width === width && image.height === height) return { ...image, width, height };
  let pipeline = sharp(image.data, untrustedInput()).resize(width, height, { fit: 'cover', position: 'attention', kernel: 'lanczos3' });
  // Same format as the model's (a JPEG photo stays a JPEG, not a PNG five times its size).
  if (image.mimeType === 'image/jpeg') pipeline = pipeline.jpeg({ quality: 92, chromaSubsampling: '4:4:4' });
  else if (image.mimeType === 'image/webp') pipeline = pipeline.webp({ quality: 92 });
  else pipeline = pipeline.png({ compressionLevel: 6 });
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return { data, mimeType: image.mimeType, width: info.width, height: info.height };
}
