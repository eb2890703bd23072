import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ApiError } from '../../core/errors';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import type { EmbeddingProvider } from './types';

/** How token vectors become one text vector. bge-m3's dense embedding is the [CLS] token (its model card). */
export type Pooling = 'cls' | 'mean' | 'last_token';

export interface TransformersOptions {
  pooling?: Pooling;
  /** ONNX weights precision as named by transformers.js (fp32 → onnx/model.onnx, q8 → model_quantized.onnx). */
  dtype?: 'fp32' | 'fp16' | 'q8';
  maxBatch?: number;
}

/**
 * `@huggingface/transformers` feature extraction from a local folder (an ONNX export with
 * config.json, tokenizer.json and onnx/model*.onnx). Remote downloads are switched off: the
 * workstation is offline, and a missing file must be an error naming the folder, not a download.
 */
export async function transformersProvider(folder: string, options: TransformersOptions = {}): Promise<EmbeddingProvider> {
  const path = resolve(folder);
  for (const file of ['config.json', 'tokenizer.json']) {
    if (!existsSync(join(path, file))) throw new ApiError('bad_input', `${path} is not a model folder: ${file} is missing`);
  }
  const transformers = await import('@huggingface/transformers');
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.localModelPath = dirname(path) + '/';
  const pooling = options.pooling ?? 'cls';
  const dtype = options.dtype ?? 'fp32';
  // pipeline()'s overloads are too large a union for the type checker: name the one we use.
  const makePipeline = transformers.pipeline as unknown as (task: 'feature-extraction', model: string, options: object) => Promise<FeatureExtractionPipeline>;
  let extractor: FeatureExtractionPipeline;
  try {
    extractor = await makePipeline('feature-extraction', basename(path), { dtype, device: 'cpu' });
  } catch (error) {
    throw new ApiError('bad_input', `Cannot load the model in ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    kind: 'transformers',
    endpoint: path,
    model: basename(path),
    variant: `pooling=${pooling};dtype=${dtype}`,
    maxBatch: options.maxBatch ?? 32,
    async embedBatch(texts) {
      // One ONNX call cannot be interrupted; the shared runner checks the signal between batches.
      const output = await extractor(texts, { pooling, normalize: false });
      const [rows, dims] = output.dims as [number, number];
      const data = output.data as Float32Array;
      const vectors = Array.from({ length: rows }, (_, r) => data.slice(r * dims, (r + 1) * dims));
      output.dispose();
      return vectors;
    },
    close: async () => {
      await extractor.dispose();
    },
  };
}
