// A complete ImageProvider request with plain defaults; tests override what they exercise.
import type { GenerateRequest } from '../../backend/src/ports/image-provider';

export function generateRequest(model: string, prompt: string, over: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    model, prompt, negativePrompt: '', aspectRatio: '1:1', variant: 1, headline: '', subline: '',
    references: [], logo: null, palette: [], ...over,
  };
}
