import { ApiError } from '../api/contracts/common';
import { throwIfCancelled } from '../api/jobs';
import type { EmbeddingProvider } from './providers/types';

export interface EmbedTextsOptions {
  /** Texts per request; capped by the provider's own limit. */
  batchSize?: number;
  /** Scale every vector to unit length (cosine-ready). */
  normalize?: boolean;
  /** Size earlier vectors of the same model had: a different size is an error, not a silent mix. */
  expectedDims?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Called after each batch with its vectors, so a caller can keep what finished if a later batch fails. */
  onBatch?: (first: number, vectors: Float32Array[]) => void | Promise<void>;
}

export function l2Normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let k = 0; k < v.length; k++) sum += v[k]! * v[k]!;
  const norm = Math.sqrt(sum);
  // A zero vector stays zero rather than becoming NaN.
  if (norm > 0) for (let k = 0; k < v.length; k++) v[k]! /= norm;
  return v;
}

/** Embeds texts in batches with progress, cancel, a dimension check and optional L2 normalisation. */
export async function embedTexts(provider: EmbeddingProvider, texts: string[], options: EmbedTextsOptions = {}): Promise<{ dims: number; vectors: Float32Array[] }> {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 64, provider.maxBatch));
  let dims = options.expectedDims;
  const vectors: Float32Array[] = [];
  options.onProgress?.(0, texts.length);
  for (let first = 0; first < texts.length; first += batchSize) {
    throwIfCancelled(options.signal);
    const batch = texts.slice(first, first + batchSize);
    const got = await provider.embedBatch(batch, options.signal);
    throwIfCancelled(options.signal);
    if (got.length !== batch.length) throw new ApiError('bad_input', `${describe(provider)} returned ${got.length} vectors for ${batch.length} texts`);
    for (const [k, v] of got.entries()) {
      if (dims === undefined) dims = v.length;
      if (v.length !== dims) {
        const before = options.expectedDims !== undefined ? 'earlier vectors of this model have' : 'the first vector had';
        throw new ApiError('bad_input', `${describe(provider)} returned a ${v.length}-d vector for text ${first + k + 1}, but ${before} ${dims} dimensions`);
      }
      if (options.normalize) l2Normalize(v);
    }
    vectors.push(...got);
    await options.onBatch?.(first, got);
    options.onProgress?.(Math.min(first + batchSize, texts.length), texts.length);
  }
  return { dims: dims ?? 0, vectors };
}

export function describe(provider: EmbeddingProvider): string {
  return `${provider.kind}${provider.endpoint ? ` ${provider.endpoint}` : ''} (${provider.model})`;
}
