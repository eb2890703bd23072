/**
 * Worker-thread entry for the heavy parts of the run analytics, so the main thread that serves the
 * UI never scores a whole catalogue or clusters every user:
 * - `outputs`: representations and full-ranking top-K of a run's checkpoint (run-outputs.ts), on the
 *   worker's own database connection;
 * - `intents`: K-means of the representations into prototypes plus the intents report (silhouette
 *   is O(N²·D)).
 */
import { connectDb } from '../store/db';
import { serveTask } from '../core/workers';
import { buildIntentsReport, type IntentsInput, type IntentsOptions, type IntentsReport } from './intents';
import { kmeans } from './kmeans';
import type { Matrix } from './matrix';
import { runOutputs, type RunOutputs } from './run-outputs';

export type RunAnalysisTask =
  | { type: 'outputs'; dbFile: string; runId: string }
  | {
      type: 'intents';
      representations: Matrix;
      k: number;
      kmeans: { seed: number; restarts: number };
      input: Omit<IntentsInput, 'representations' | 'assignments' | 'k'>;
      options: IntentsOptions;
    };

export interface ClusteredIntents {
  assignments: Int32Array;
  report: IntentsReport;
}

/** Buffers a result owns outright (not views into a shared buffer) move instead of being copied. */
function ownBuffers(arrays: (ArrayLike<number> | undefined)[]): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const a of arrays as (Int32Array | undefined)[]) if (a && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) seen.add(a.buffer as ArrayBuffer);
  return [...seen];
}

serveTask<RunAnalysisTask, RunOutputs | ClusteredIntents>(
  async (task, control) => {
    if (task.type === 'outputs') {
      const db = connectDb(task.dbFile);
      try {
        return await runOutputs(db, task.runId, { signal: control.signal, onProgress: control.onProgress });
      } finally {
        db.close();
      }
    }
    control.onProgress(0, 2, `K-means of ${task.representations.rows} sequence representations into ${task.k} prototypes`);
    const clusters = kmeans(task.representations, task.k, task.kmeans);
    if (control.signal.aborted) throw Object.assign(new Error('Cancelled'), { name: 'AbortError' });
    const assignments = Int32Array.from(clusters.assignments);
    const report = buildIntentsReport(
      { ...task.input, representations: task.representations, assignments, k: task.k },
      { ...task.options, signal: control.signal, onProgress: (done, total) => control.onProgress(1 + done / Math.max(total, 1), 2, 'Silhouette') },
    );
    return { assignments, report };
  },
  (result) => {
    if ('report' in result) return [];
    const r = result.recommendations;
    return ownBuffers([result.representations.data, result.popularity, r.topItems, r.topScores, r.targets, r.ranks, r.historyLengths]);
  },
);
