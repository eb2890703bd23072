/**
 * Where the paper's printed numbers are: `resources/paper-results.json`, shipped with the app (the
 * paper's published results, not data); LLMDIREC_PAPER_RESULTS points at another copy. The same
 * lookup as the `analysis.report` handler's, here so the plan domain does not import a handler.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPaperResults, type PaperResults } from '../analysis/report';

export function paperResultsFile(): string {
  if (process.env.LLMDIREC_PAPER_RESULTS) return process.env.LLMDIREC_PAPER_RESULTS;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'resources/paper-results.json');
}

/** The paper's numbers and their file, or null and the reason they are not shown. */
export function loadPaperResults(): { results: PaperResults | null; source: string | null; note?: string } {
  const file = paperResultsFile();
  const { results, note } = readPaperResults(file);
  return { results, source: results ? file : null, ...(note ? { note } : {}) };
}
