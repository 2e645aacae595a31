// The @google/genai client for either Gemini backend: the Gemini API with an API key, or Vertex AI
// with OAuth tokens from Application Default Credentials (on Cloud Run, the service's identity).
import { GoogleGenAI } from '@google/genai';
import type { AuthClient } from 'google-auth-library';

export interface GeminiClientOptions {
  /** true: Vertex AI in `project`/`location`; false: the Gemini API with `apiKey`. */
  vertex: boolean;
  project: string;
  /** Vertex AI location, e.g. `global` or `us-central1`. */
  location: string;
  apiKey?: string;
  /** Another endpoint than Google's (tests point it at a local fake). */
  baseUrl?: string;
  /** Vertex: credentials to use instead of Application Default Credentials. */
  authClient?: AuthClient;
}

export function createGeminiClient(o: GeminiClientOptions): GoogleGenAI {
  const httpOptions = o.baseUrl ? { httpOptions: { baseUrl: o.baseUrl } } : {};
  if (o.vertex) {
    // Project and location given here win over any API key the SDK would find in the environment.
    return new GoogleGenAI({
      vertexai: true, project: o.project, location: o.location, ...httpOptions,
      ...(o.authClient ? { googleAuthOptions: { authClient: o.authClient } } : {}),
    });
  }
  if (!o.apiKey) throw new Error('GEMINI_API_KEY is required unless ROWSHOT_GEMINI_VERTEX=true');
  // vertexai: false explicitly, so that GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch backends.
  return new GoogleGenAI({ vertexai: false, apiKey: o.apiKey, ...httpOptions });
}
