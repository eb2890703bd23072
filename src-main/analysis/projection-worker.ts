/**
 * Worker-thread entry for projections: the map is computed off the caller's thread; progress is a
 * stream of messages and cancel is a message (the loop in `project` yields between steps to read it).
 */
import { parentPort } from 'node:worker_threads';
import { project, type ProjectionRequest } from './projection';

export type ToWorker = { type: 'run'; request: ProjectionRequest; rows: number; cols: number; data: Float32Array } | { type: 'cancel' };
export type FromWorker =
  | { type: 'progress'; done: number; total: number; message: string }
  | { type: 'done'; result: Awaited<ReturnType<typeof project>> }
  | { type: 'cancelled' }
  | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const controller = new AbortController();
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'cancel') {
      controller.abort();
      return;
    }
    const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
    project({ rows: msg.rows, cols: msg.cols, data: msg.data }, msg.request, {
      signal: controller.signal,
      onProgress: (done, total, message) => post({ type: 'progress', done, total, message }),
    }).then(
      (result) => post({ type: 'done', result }, [result.coordinates.buffer as ArrayBuffer]),
      (error: unknown) =>
        controller.signal.aborted ? post({ type: 'cancelled' }) : post({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  });
}
