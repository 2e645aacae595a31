// Turns a chosen file into an UploadInput: images larger than 2048 px on the long side are
// downscaled in a canvas first (google.script.run carries the bytes as base64 text, and the
// backend would shrink them anyway); types the backend does not take (GIF, BMP) become PNG.
import type { UploadInput } from '../../server/rpc';

export const MAX_SIDE = 2048;
const ACCEPTED = ['image/png', 'image/jpeg', 'image/webp'];

export function toBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(blob);
  });
}

/** A re-encoded copy, or null when the file can go as it is. */
async function reencoded(file: File): Promise<Blob | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null; // not decodable here (e.g. SVG): the backend decides
  }
  const long = Math.max(bitmap.width, bitmap.height);
  if (long <= MAX_SIDE && ACCEPTED.includes(file.type)) {
    bitmap.close();
    return null;
  }
  const scale = Math.min(1, MAX_SIDE / long);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const type = file.type === 'image/jpeg' ? 'image/jpeg' : 'image/png';
  return new Promise((resolve) => canvas.toBlob((b) => resolve(b), type, 0.92));
}

export async function prepareUpload(file: File): Promise<UploadInput> {
  const blob = (await reencoded(file)) ?? file;
  return { fileName: file.name, mimeType: blob.type || file.type || 'application/octet-stream', base64: await toBase64(blob) };
}
