/**
 * Worker-thread entry for the heavy analyses: 2-D maps (`project`) and the intents report
 * (silhouette is O(N²·D)). Progress is a stream of messages and cancel is a message (the map loop
 * yields between steps to read it; a synchronous silhouette is stopped by the runner's terminate
 * fallback). One entry file, because the bundled build emits exactly `projection-worker.js`.
 */
import { parentPort } from 'node:worker_threads';
import { buildIntentsReport, type IntentsInput, type IntentsOptions, type IntentsReport } from './intents';
import { project, type ProjectionRequest, type ProjectionResult } from './projection';

export type ToWorker =
  | { type: 'run'; request: ProjectionRequest; rows: number; cols: number; data: Float32Array }
  | { type: 'intents'; input: IntentsInput; options: IntentsOptions }
  | { type: 'cancel' };
export type FromWorker =
  | { type: 'progress'; done: number; total: number; message: string }
  | { type: 'done'; result: ProjectionResult | IntentsReport }
  | { type: 'cancelled' }
  | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const controller = new AbortController();
  const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  const progress = (done: number, total: number, message: string): void => post({ type: 'progress', done, total, message });
  const fail = (error: unknown): void =>
    controller.signal.aborted ? post({ type: 'cancelled' }) : post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'cancel') {
      controller.abort();
    } else if (msg.type === 'run') {
      project({ rows: msg.rows, cols: msg.cols, data: msg.data }, msg.request, { signal: controller.signal, onProgress: progress }).then(
        (result) => post({ type: 'done', result }, [result.coordinates.buffer as ArrayBuffer]),
        fail,
      );
    } else {
      try {
        const result = buildIntentsReport(msg.input, {
          ...msg.options,
          signal: controller.signal,
          onProgress: (done, total) => progress(done, total, 'silhouette'),
        });
        post({ type: 'done', result });
      } catch (error) {
        fail(error);
      }
    }
  });
}
