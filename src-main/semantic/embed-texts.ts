import { ApiError } from '../core/errors';
import { throwIfCancelled } from '../core/jobs';
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
  /** Names text k in errors, e.g. by the item it belongs to (default: "text k+1"). */
  describeText?: (index: number) => string;
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
  const label = (index: number): string => options.describeText?.(index) ?? `text ${index + 1}`;
  const quoted = (index: number): string => {
    const text = texts[index]!;
    return `${label(index)} ("${text.length > 60 ? `${text.slice(0, 60)}…` : text}")`;
  };
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
        throw new ApiError('bad_input', `${describe(provider)} returned a ${v.length}-d vector for ${label(first + k)}, but ${before} ${dims} dimensions`);
      }
      const problem = degenerate(v);
      if (problem) throw new ApiError('bad_input', `${describe(provider)} returned ${problem} for ${quoted(first + k)}: cosine similarity is undefined for it; check the model and this text`);
      if (options.normalize) l2Normalize(v);
    }
    vectors.push(...got);
    await options.onBatch?.(first, got);
    options.onProgress?.(Math.min(first + batchSize, texts.length), texts.length);
  }
  return { dims: dims ?? 0, vectors };
}

/**
 * A vector with a NaN or infinity poisons every score it enters, and an all-zero one has no
 * direction: its cosine with anything is 0/0, so training and neighbour search would treat it as
 * noise without saying so. Both are refused before anything of the batch is cached (the HTTP
 * providers already refuse non-finite numbers in a reply; local models are checked here).
 */
function degenerate(v: Float32Array): string | undefined {
  let zero = true;
  for (const x of v) {
    if (!Number.isFinite(x)) return 'a vector with a non-finite value (NaN or infinity)';
    if (x !== 0) zero = false;
  }
  return zero ? 'an all-zero vector' : undefined;
}

export function describe(provider: EmbeddingProvider): string {
  return `${provider.kind}${provider.endpoint ? ` ${provider.endpoint}` : ''} (${provider.model})`;
}
