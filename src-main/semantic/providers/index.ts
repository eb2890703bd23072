import { ApiError } from '../../core/errors';
import { builtinProvider } from './builtin';
import type { HttpOptions } from './http';
import { ollamaProvider, openAiProvider } from './openai';
import { transformersProvider, type Pooling } from './transformers';
import type { EmbeddingProvider, ProviderSpec } from './types';

export interface ProviderOptions extends HttpOptions {
  /** transformers only; bge-m3 uses CLS. */
  pooling?: Pooling;
}

/** Opens the provider a spec names. HTTP providers need a model name; local ones know theirs. */
export async function openProvider(spec: ProviderSpec, options: ProviderOptions = {}): Promise<EmbeddingProvider> {
  switch (spec.kind) {
    case 'builtin':
      return builtinProvider();
    case 'transformers':
      return transformersProvider(spec.location, { pooling: options.pooling });
    case 'openai':
    case 'ollama': {
      if (!spec.model) throw new ApiError('validation', `Provider ${spec.kind} needs a model name (--model), e.g. bge-m3 or nomic-embed-text`);
      const make = spec.kind === 'openai' ? openAiProvider : ollamaProvider;
      return make(spec.location, spec.model, options);
    }
  }
}
