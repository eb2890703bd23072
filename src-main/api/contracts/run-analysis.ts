import { z } from 'zod';
import { ProjectionMethod } from '../../analysis/result-schemas';
import { method } from './common';
import { jobStarted } from './jobs';
import { RunStatus } from './runs';

/**
 * Analytics of a trained run (paper §6–§8, docs/analysis.md): intents of its sequence
 * representations, per-user recommendations, Table-3 groups with beyond-accuracy measures, run
 * comparison and the reproduction report. All read the run's best checkpoint (else its last).
 */
const RunId = z.string().min(1).max(200);
export { RecommendationsExportResult, RunIntentsResult, RunSummaryResult } from '../../analysis/result-schemas';

const RunIds = z.array(RunId).min(1).max(20);

const Item = z.object({ itemId: z.number().int(), text: z.string(), popularity: z.number(), tail: z.boolean() });

const ReportCell = z.object({ mean: z.number().nullable(), std: z.number().nullable(), n: z.number().int(), paper: z.number().nullable() }).nullable();

export const runAnalysisMethods = {
  'analysis.runIntents': method({
    summary:
      "Intent prototypes of a run: K-means of its users' sequence representations with labels, terms, top items and silhouette, and a 2-D map (a job; its result is a RunIntentsResult).",
    input: z
      .object({
        runId: RunId,
        method: ProjectionMethod.default('pca'),
        /** Default: the run's own number of intents, at most users / 5. */
        k: z.number().int().min(2).max(256).optional(),
        seed: z.number().int().min(0).default(1),
        /** Above this many users a seeded sample is mapped, and the result says so. */
        maxPoints: z.number().int().min(10).max(50_000).default(2000),
      })
      .strict(),
    output: jobStarted('intents'),
  }),
  'analysis.runNeighbours': method({
    summary: "Users whose sequence representations are nearest to a user's in the run (the original space, not the map).",
    input: z.object({ runId: RunId, userId: z.number().int().min(1), k: z.number().int().min(1).max(50).default(8) }).strict(),
    output: z.array(z.object({ userId: z.number().int(), distance: z.number(), items: z.array(z.string()) })),
  }),
  'analysis.runSummary': method({
    summary: "A run's test outputs: Table-3 group metrics (overall, tail/head items, cold/hot users) and beyond-accuracy measures at K (a job; its result is a RunSummaryResult).",
    input: z.object({ runId: RunId, k: z.number().int().min(1).max(20).default(10) }).strict(),
    output: jobStarted('analysis'),
  }),
  'analysis.userRecommendations': method({
    summary: "One user's history, ground truth (with its rank) and top-K recommendations with scores, popularity and tail flags, from a run's checkpoint.",
    input: z.object({ runId: RunId, userId: z.number().int().min(1), k: z.number().int().min(1).max(20).default(10) }).strict(),
    output: z.object({
      userId: z.number().int(),
      history: z.array(Item),
      groundTruth: Item.extend({ rank: z.number().int() }),
      recommendations: z.array(Item.extend({ rank: z.number().int(), score: z.number().nullable(), hit: z.boolean() })),
    }),
  }),
  'analysis.exportRecommendations': method({
    summary:
      "Every user's (or the listed users') top-K items with scores, texts and tail/head flags, written to a CSV or JSON-lines file as users are scored in batches (a job; its result is a RecommendationsExportResult).",
    input: z
      .object({
        runId: RunId,
        k: z.number().int().min(1).max(1000).default(20),
        /** Where to write, on the computer running the workstation; default: the exports folder next to the database. */
        file: z.string().min(1).optional(),
        /** Default: from the file's extension (.jsonl, else csv). */
        format: z.enum(['csv', 'jsonl']).optional(),
        /** A file of the dataset's user ids, one per line; every user when absent. */
        usersFile: z.string().min(1).optional(),
        /** test: the evaluator's test input (all but the last item, whose rank the list shows); full: the whole sequence. */
        input: z.enum(['test', 'full']).default('test'),
      })
      .strict(),
    output: jobStarted('recommend'),
  }),
  'analysis.compareRuns': method({
    summary: 'Runs side by side: every group and beyond-accuracy number, with the relative difference to the first run.',
    input: z.object({ runIds: RunIds.min(2), k: z.number().int().min(1).max(20).default(10) }).strict(),
    output: z.object({
      runs: z.array(z.object({ runId: z.string(), model: z.string(), dataset: z.string(), status: RunStatus })),
      rows: z.array(z.object({ metric: z.string(), values: z.array(z.number().nullable()), relative: z.array(z.number().nullable()) })),
    }),
  }),
  'analysis.report': method({
    summary: "Paper Tables 2–4 rebuilt from the given runs' test outputs, next to the paper's numbers, with Markdown and HTML for export.",
    input: z.object({ runIds: RunIds }).strict(),
    output: z.object({
      paperSource: z.string().nullable(),
      paperNote: z.string().optional(),
      /** Runs left out of the numbers: diverged ones (their loss became non-finite). */
      excluded: z.array(z.object({ runId: z.string(), status: z.string() })),
      tables: z.array(
        z.object({
          title: z.string(),
          columns: z.array(z.string()),
          rows: z.array(z.object({ dataset: z.string(), model: z.string(), runs: z.array(z.string()), cells: z.array(ReportCell) })),
        }),
      ),
      markdown: z.string(),
      html: z.string(),
    }),
  }),
} as const;
