// A complete ImageProvider request with plain defaults; tests override what they exercise.
// Without width and height, the size is the ratio's at the default long edge (1:1 → 1080×1080).
import { ratioPixels, SIZE_LIMITS } from '../../shared/index';
import type { GenerateRequest } from '../../backend/src/ports/image-provider';

export function generateRequest(model: string, prompt: string, over: Partial<GenerateRequest> = {}): GenerateRequest {
  const [w = 1, h = 1] = (over.aspectRatio ?? '1:1').split(':').map(Number);
  return {
    model, prompt, negativePrompt: '', aspectRatio: '1:1', variant: 1, headline: '', subline: '',
    references: [], logo: null, palette: [], ...ratioPixels(w, h, SIZE_LIMITS.defaultLongEdge), ...over,
  };
}
