/**
 * An embedding provider turns a batch of texts into vectors. Batching across a whole dataset,
 * progress, the dimension check and L2 normalisation are shared (`embed-texts.ts`); a provider only
 * answers one batch, honouring the signal, and HTTP providers retry inside `http.ts`.
 */
export type ProviderKind = 'builtin' | 'transformers' | 'openai' | 'ollama';

export interface EmbeddingProvider {
  readonly kind: ProviderKind;
  /** Base URL or model folder ('' for builtin): part of the cache key, never a secret. */
  readonly endpoint: string;
  readonly model: string;
  /** Settings other than normalisation that change the vectors (pooling): part of the cache key. */
  readonly variant: string;
  /** Most texts one request may carry (OpenAI: 2,048 inputs). */
  readonly maxBatch: number;
  embedBatch(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/** A provider as written on the command line: builtin | transformers:<folder> | openai:<url> | ollama:<url>. */
export interface ProviderSpec {
  kind: ProviderKind;
  /** Folder or URL after the colon. */
  location: string;
  model?: string;
}

export function parseProviderSpec(text: string, model?: string): ProviderSpec {
  const colon = text.indexOf(':');
  const kind = (colon < 0 ? text : text.slice(0, colon)).trim();
  const location = colon < 0 ? '' : text.slice(colon + 1).trim();
  if (kind === 'builtin') return { kind, location: '', model };
  if (kind === 'transformers' || kind === 'openai' || kind === 'ollama') {
    if (!location) {
      const example = kind === 'transformers' ? 'transformers:/models/bge-m3' : `${kind}:http://127.0.0.1:${kind === 'ollama' ? 11434 : 8000}`;
      throw new Error(`Provider "${kind}" needs a ${kind === 'transformers' ? 'model folder' : 'base URL'}, e.g. ${example}`);
    }
    return { kind, location, model };
  }
  throw new Error(`Unknown embedding provider "${text}". Use builtin, transformers:<folder>, openai:<url> or ollama:<url>.`);
}
