// The Gemini provider from config, for both modes: the Gemini API with GEMINI_API_KEY, or Vertex
// AI through Application Default Credentials with ROWSHOT_GEMINI_VERTEX=true. Loaded lazily
// (the SDK is large), so local mode without Gemini never imports it.
import type { GoogleGenAI } from '@google/genai';
import { createGeminiClient, type GeminiClientOptions } from './adapters/google/gemini-client';
import { GeminiProvider } from './adapters/google/gemini-provider';
import type { Config } from './config';

export interface GeminiClients {
  genai?: GoogleGenAI;
  /** When `genai` is not given: where the client built from config sends requests, and (Vertex) its credentials. */
  gemini?: Pick<GeminiClientOptions, 'baseUrl' | 'authClient'>;
}

export function geminiProvider(config: Config, clients: GeminiClients = {}): GeminiProvider {
  const project = config.GOOGLE_CLOUD_PROJECT ?? '';
  if (!config.ROWSHOT_GEMINI_VERTEX && config.GEMINI_API_KEY === undefined) throw new Error('GEMINI_API_KEY is required unless ROWSHOT_GEMINI_VERTEX=true');
  const genai = clients.genai ?? createGeminiClient({
    vertex: config.ROWSHOT_GEMINI_VERTEX, project, location: config.ROWSHOT_GEMINI_LOCATION,
    ...(config.ROWSHOT_GEMINI_VERTEX ? {} : { apiKey: config.GEMINI_API_KEY }),
    ...(config.ROWSHOT_GEMINI_BASE_URL ? { baseUrl: config.ROWSHOT_GEMINI_BASE_URL } : {}),
    ...clients.gemini,
  });
  // Made and priced at the same size: the core reserves what GeminiProvider will be charged.
  return new GeminiProvider({ client: genai, imageSize: config.ROWSHOT_IMAGE_SIZE });
}
