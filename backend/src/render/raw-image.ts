// Raw interleaved 8-bit pixels passed between sharp pipelines.

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** sharp's `raw` input description for a RawImage. */
export function rawOf(image: RawImage): { width: number; height: number; channels: 1 | 2 | 3 | 4 } {
  return { width: image.width, height: image.height, channels: image.channels };
}
