/**
 * Worker-thread entry for 2-D maps (`project`). Progress is a stream of messages and cancel is a
 * message (the map loop yields between steps to read it; a long synchronous call is stopped by the
 * runner's terminate fallback). A run's intents report is built in run-outputs-worker.ts.
 */
import { serveTask } from '../core/workers';
import { project, type ProjectionRequest, type ProjectionResult } from './projection';

export type ProjectionTask = { type: 'run'; request: ProjectionRequest; rows: number; cols: number; data: Float32Array };

serveTask<ProjectionTask, ProjectionResult>(
  async (task, { signal, onProgress }) => project({ rows: task.rows, cols: task.cols, data: task.data }, task.request, { signal, onProgress }),
  (result) => [result.coordinates.buffer as ArrayBuffer],
);
