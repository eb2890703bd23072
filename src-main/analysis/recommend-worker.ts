/**
 * Worker-thread entry for `analysis.exportRecommendations`: scoring every user against the whole
 * catalogue takes as long as an evaluation, so it runs here on its own database connection, and
 * writes the file from here as the rows are produced (recommend-export.ts).
 */
import { connectDb } from '../store/db';
import { serveTask } from '../core/workers';
import { writeRecommendations, type RecommendationsExport, type RecommendationsRequest } from './recommend-export';

export type RecommendTask = RecommendationsRequest & { dbFile: string };

serveTask<RecommendTask, RecommendationsExport>(async ({ dbFile, ...request }, control) => {
  const db = connectDb(dbFile);
  try {
    return await writeRecommendations(db, request, { signal: control.signal, onProgress: control.onProgress });
  } finally {
    db.close();
  }
});
