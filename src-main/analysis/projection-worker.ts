/**
 * Worker-thread entry for the heavy analyses: 2-D maps (`project`) and the intents report
 * (silhouette is O(N²·D)). Progress is a stream of messages and cancel is a message (the map loop
 * yields between steps to read it; a synchronous silhouette is stopped by the runner's terminate
 * fallback). One entry file, because the bundled build emits exactly `projection-worker.js`.
 */
import { serveTask } from '../core/workers';
import { buildIntentsReport, type IntentsInput, type IntentsOptions, type IntentsReport } from './intents';
import { project, type ProjectionRequest, type ProjectionResult } from './projection';

export type ProjectionTask =
  | { type: 'run'; request: ProjectionRequest; rows: number; cols: number; data: Float32Array }
  | { type: 'intents'; input: IntentsInput; options: IntentsOptions };

serveTask<ProjectionTask, ProjectionResult | IntentsReport>(
  async (task, { signal, onProgress }) =>
    task.type === 'run'
      ? project({ rows: task.rows, cols: task.cols, data: task.data }, task.request, { signal, onProgress })
      : buildIntentsReport(task.input, { ...task.options, signal, onProgress: (done, total) => onProgress(done, total, 'silhouette') }),
  (result) => ('coordinates' in result ? [result.coordinates.buffer as ArrayBuffer] : []),
);
