import { ApiError } from '../../core/errors';
import { joinUrl, postJson, type HttpOptions } from './http';
import type { EmbeddingProvider } from './types';

/** The environment variables the API key is read from, first found wins. Never stored or logged. */
export const API_KEY_VARIABLES = ['LLMDIREC_OPENAI_API_KEY', 'OPENAI_API_KEY'] as const;

/** OpenAI's limit on inputs per request; vLLM, llama.cpp, LM Studio and Ollama accept it too. */
const MAX_INPUTS = 2048;

function vectorOf(value: unknown, where: string): Float32Array {
  if (!Array.isArray(value) || value.length === 0 || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new ApiError('bad_input', `${where}: expected a list of finite numbers`);
  }
  return Float32Array.from(value as number[]);
}

/** OpenAI-compatible `POST {base}/v1/embeddings` (OpenAI, Ollama, vLLM, llama.cpp, LM Studio). */
export function openAiProvider(baseUrl: string, model: string, options: HttpOptions & { env?: NodeJS.ProcessEnv } = {}): EmbeddingProvider {
  const env = options.env ?? process.env;
  const key = API_KEY_VARIABLES.map((v) => env[v]).find((v) => v !== undefined && v !== '');
  const url = joinUrl(baseUrl, '/v1/embeddings');
  return {
    kind: 'openai',
    endpoint: baseUrl.replace(/\/+$/, ''),
    model,
    variant: '',
    maxBatch: MAX_INPUTS,
    async embedBatch(texts, signal) {
      if (texts.length > MAX_INPUTS) throw new Error(`At most ${MAX_INPUTS} inputs per request (got ${texts.length})`);
      // encoding_format "float": some servers default to base64, which would parse as a string.
      const reply = (await postJson(url, { model, input: texts, encoding_format: 'float' }, key ? { authorization: `Bearer ${key}` } : {}, {
        ...options,
        signal,
      })) as { data?: { index?: unknown; embedding?: unknown }[] };
      if (!reply || !Array.isArray(reply.data)) throw new ApiError('bad_input', `${url}: the reply has no "data" list`);
      if (reply.data.length !== texts.length) throw new ApiError('bad_input', `${url}: asked for ${texts.length} embeddings, got ${reply.data.length}`);
      // The order of `data` is not promised: place each vector by its `index`.
      const out = new Array<Float32Array | undefined>(texts.length);
      reply.data.forEach((entry, k) => {
        const index = entry.index === undefined ? k : entry.index;
        if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= texts.length || out[index]) {
          throw new ApiError('bad_input', `${url}: data[${k}] has a missing, repeated or out-of-range index ${String(index)}`);
        }
        out[index] = vectorOf(entry.embedding, `${url}: data[${k}].embedding`);
      });
      return out as Float32Array[];
    },
    close: async () => undefined,
  };
}

/** Ollama's native `POST {base}/api/embed` with `{model, input: string[]}` → `{embeddings}`. */
export function ollamaProvider(baseUrl: string, model: string, options: HttpOptions = {}): EmbeddingProvider {
  const url = joinUrl(baseUrl, '/api/embed');
  return {
    kind: 'ollama',
    endpoint: baseUrl.replace(/\/+$/, ''),
    model,
    variant: '',
    maxBatch: MAX_INPUTS,
    async embedBatch(texts, signal) {
      const reply = (await postJson(url, { model, input: texts }, {}, { ...options, signal })) as { embeddings?: unknown };
      if (!reply || !Array.isArray(reply.embeddings)) throw new ApiError('bad_input', `${url}: the reply has no "embeddings" list`);
      if (reply.embeddings.length !== texts.length) {
        throw new ApiError('bad_input', `${url}: asked for ${texts.length} embeddings, got ${reply.embeddings.length}`);
      }
      return reply.embeddings.map((v, k) => vectorOf(v, `${url}: embeddings[${k}]`));
    },
    close: async () => undefined,
  };
}
