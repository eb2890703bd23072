import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedTexts } from '../../../src-main/semantic/embed-texts';
import { BUILTIN_DIMS, builtinProvider } from '../../../src-main/semantic/providers/builtin';
import type { EmbeddingProvider } from '../../../src-main/semantic/providers/types';

const cosine = (a: Float32Array, b: Float32Array) => {
  let dot = 0;
  for (let k = 0; k < a.length; k++) dot += a[k]! * b[k]!;
  return dot / Math.hypot(...a) / Math.hypot(...b);
};

describe('builtin provider (Universal Sentence Encoder lite in its own worker thread)', () => {
  let provider: EmbeddingProvider;
  let tensorsBefore: number;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
    provider = await builtinProvider();
  });
  afterAll(() => provider.close());

  it('embeds 512-d, deterministically and independently of the batch', async () => {
    const texts = ['a red running shoe', 'a blue running shoe', 'chocolate cake recipe'];
    const { dims, vectors } = await embedTexts(provider, texts);
    expect(dims).toBe(BUILTIN_DIMS);
    const again = await provider.embedBatch([texts[2]!, texts[0]!]);
    for (let d = 0; d < dims; d++) expect(again[1]![d]).toBeCloseTo(vectors[0]![d]!, 5);
    // Meaning, not just numbers: the two shoes are closer to each other than to the cake.
    expect(cosine(vectors[0]!, vectors[1]!)).toBeGreaterThan(cosine(vectors[0]!, vectors[2]!) + 0.1);
  });

  it('leaves the calling thread’s TensorFlow.js untouched', () => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(tf.getBackend()).toBe('cpu');
    expect(Object.keys(tf.engine().registryFactory)).not.toContain('wasm');
  });

  it('cancels a request in flight', async () => {
    const controller = new AbortController();
    const pending = provider.embedBatch(['x'], controller.signal);
    controller.abort();
    await expect(pending).rejects.toThrow(/Cancelled/);
    expect((await provider.embedBatch(['still works']))[0]).toHaveLength(BUILTIN_DIMS);
  });
});
