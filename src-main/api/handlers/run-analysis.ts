import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { neighboursOfRow } from '../../analysis/neighbours';
import { projectInWorker } from '../../analysis/projection-runner';
import { compareRuns, inspectUser, summarizeRun } from '../../analysis/recommendations';
import { recommendInWorker } from '../../analysis/recommend-runner';
import type { RecommendTask } from '../../analysis/recommend-worker';
import { buildReport, readPaperResults, reportToHtml, reportToMarkdown, type ReportRun } from '../../analysis/report';
import type { RunOutputs } from '../../analysis/run-outputs';
import { clusterIntentsInWorker, runOutputsInWorker } from '../../analysis/run-outputs-runner';
import { runStability } from '../../analysis/run-stability';
import { itemText } from '../../analysis/terms';
import { getRun } from '../../engine/run-store';
import { llmdirecVariants } from '../../engine/settings';
import type { Db } from '../../store/db';
import { itemAttributes } from '../../store/datasets';
import { ApiError } from '../contracts/common';
import type { RunIntentsResult, RunSummaryResult } from '../contracts/run-analysis';
import type { HandlerTable } from '../service';
import { checkpointEpochNumber } from '../epochs';

type Method =
  | 'analysis.runIntents'
  | 'analysis.runNeighbours'
  | 'analysis.runSummary'
  | 'analysis.userRecommendations'
  | 'analysis.exportRecommendations'
  | 'analysis.compareRuns'
  | 'analysis.report';

/** Engine and store errors → words with a code the UI can act on. */
async function userError<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if ((error as Error).name === 'AbortError') throw new ApiError('cancelled', 'Cancelled');
    // Errors with a code (also from the workers: core/workers.ts carries them whole) kept theirs above.
    throw new ApiError('bad_input', error instanceof Error ? error.message : String(error));
  }
}

const texts = (db: Db, dataset: string) => {
  const attributes = itemAttributes(db, dataset);
  return { attributes, text: (id: number) => itemText(attributes.get(id)?.attributes) || `item ${id}` };
};

function summary(out: RunOutputs, k: number): RunSummaryResult {
  const popularity = out.popularity;
  const s = summarizeRun(out.recommendations, popularity, { k });
  return { runId: s.runId, checkpoint: { kind: out.ref.kind, epoch: out.ref.epoch }, groups: s.groups, exposure: s.exposure };
}

/** Model names as the paper prints them (Table 2). */
const paperModel = (model: string, variant?: string): string =>
  (model === 'llmdirec' && variant ? llmdirecVariants[variant]?.paperName : undefined) ?? ({ sasrec: 'SASRec', indirec: 'InDiRec', llmdirec: 'LLMDiRec' })[model] ?? model;

/**
 * The paper's printed numbers (Tables 1–4, §8). They ship with the app in `resources/` (they are the
 * paper's published results, not data); LLMDIREC_PAPER_RESULTS points at another copy.
 */
function paperResultsFile(): string {
  if (process.env.LLMDIREC_PAPER_RESULTS) return process.env.LLMDIREC_PAPER_RESULTS;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'resources/paper-results.json');
}

const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

export const runAnalysisHandlers: HandlerTable<Method> = {
  'analysis.runIntents': (request, { db, dbFile, jobs }) => {
    const run = getRun(db, request.runId);
    if (!run) throw new ApiError('not_found', `No run ${request.runId}`);
    const jobId = jobs.start('intents', `Intents of ${run.model} on ${run.dataset} (${run.id})`, async (job) =>
      userError(async (): Promise<RunIntentsResult> => {
        const out = await runOutputsInWorker(db, dbFile, request.runId, { signal: job.signal, onProgress: (d, t, m) => job.progress(d / Math.max(t, 1), 3, m) });
        const users = out.representations.rows;
        const k = Math.max(2, Math.min(request.k ?? run.settings.intents, Math.floor(users / 5)));
        job.progress(1, 3, `K-means of ${users} sequence representations into ${k} prototypes`);
        // The engine re-clusters every epoch and does not store the assignment; clustering the final
        // representations with the run's K-means seed is what its next epoch would start from.
        const { attributes, text } = texts(db, run.dataset);
        const { assignments, report } = await clusterIntentsInWorker(
          {
            type: 'intents',
            representations: out.representations,
            k,
            kmeans: { seed: run.settings.kmeansSeed, restarts: Math.min(3, run.settings.kmeansRedo) },
            input: { sequences: out.sequences, numItems: out.numItems, itemAttributes: attributes },
            options: { metric: 'euclidean', maxExact: 2000, seed: request.seed },
          },
          { signal: job.signal, onProgress: (d, t, m) => job.progress(1 + d / Math.max(t, 1), 3, m) },
        );
        const clusters = { assignments };
        job.progress(2, 3, `${request.method.toUpperCase()} map`);
        const map = await projectInWorker(out.representations, { method: request.method, seed: request.seed, maxPoints: request.maxPoints }, {
          signal: job.signal,
          onProgress: (d, t, m) => job.progress(2 + d / Math.max(t, 1), 3, m),
        });
        if (map.sampled) job.log(`Mapped a seeded sample of ${map.indices.length} of ${map.total} users (seed ${map.seed}).`, 'warn');
        const rows = Array.from(map.indices, (u, i) => ({
          userId: u + 1,
          x: map.coordinates[2 * i]!,
          y: map.coordinates[2 * i + 1]!,
          prototype: clusters.assignments[u]!,
          items: Array.from(out.sequences[u]!.subarray(Math.max(0, out.sequences[u]!.length - 2 - 8), Math.max(1, out.sequences[u]!.length - 2))),
        }));
        const itemTexts: Record<string, string> = {};
        for (const r of rows) for (const id of r.items) itemTexts[id] ??= text(id);
        return {
          runId: run.id,
          checkpoint: { kind: out.ref.kind, epoch: out.ref.epoch },
          k,
          clustering: `K-means (k = ${k}, seed ${run.settings.kmeansSeed}) of the ${users} users' sequence representations at the ${out.ref.kind} checkpoint (epoch ${checkpointEpochNumber(out.ref)})`,
          silhouette: report.silhouette,
          silhouetteBasis: { ...report.silhouetteBasis, metric: String(report.silhouetteBasis.metric) },
          map: { method: map.method, sampled: map.sampled, total: map.total, seed: map.seed, seconds: map.seconds, details: map.details },
          rows,
          itemTexts,
          prototypes: report.prototypes.map((p) => ({
            id: p.id,
            size: p.size,
            label: p.label,
            silhouette: finite(p.silhouette),
            terms: p.terms.map((t) => t.term),
            topItems: p.topItems.slice(0, 8).map((i) => ({ itemId: i.itemId, count: i.count, text: text(i.itemId) })),
          })),
          stability: runStability(db, run.id),
        };
      }),
      { runId: run.id },
    );
    return { jobId, kind: 'intents' };
  },
  'analysis.runNeighbours': ({ runId, userId, k }, { db, dbFile }) =>
    userError(async () => {
      const out = await runOutputsInWorker(db, dbFile, runId);
      if (userId > out.representations.rows) throw new ApiError('not_found', `No user ${userId} in ${out.ref.run.dataset}`);
      const { text } = texts(db, out.ref.run.dataset);
      return neighboursOfRow(out.representations, userId - 1, k, 'euclidean').map((n) => {
        const seq = out.sequences[n.index]!;
        return { userId: n.index + 1, distance: n.distance, items: Array.from(seq.subarray(Math.max(0, seq.length - 2 - 5), Math.max(1, seq.length - 2)), text) };
      });
    }),
  'analysis.runSummary': ({ runId, k }, { db, dbFile, jobs }) => {
    const run = getRun(db, runId);
    if (!run) throw new ApiError('not_found', `No run ${runId}`);
    const jobId = jobs.start('analysis', `Recommendations of ${run.model} on ${run.dataset} (${run.id})`, async (job) =>
      userError(async () => summary(await runOutputsInWorker(db, dbFile, runId, { signal: job.signal, onProgress: (d, t, m) => job.progress(d, t, m) }), k)),
      { runId: run.id },
    );
    return { jobId, kind: 'analysis' };
  },
  'analysis.userRecommendations': ({ runId, userId, k }, { db, dbFile }) =>
    userError(async () => {
      const out = await runOutputsInWorker(db, dbFile, runId);
      const seq = out.sequences[userId - 1];
      if (!seq) throw new ApiError('not_found', `No user ${userId} in ${out.ref.run.dataset}`);
      const popularity = out.popularity;
      return inspectUser(out.recommendations, userId, seq.subarray(0, seq.length - 1), popularity, itemAttributes(db, out.ref.run.dataset), k);
    }),
  'analysis.exportRecommendations': (request, { db, dbFile, jobs }) => {
    const run = getRun(db, request.runId);
    if (!run) throw new ApiError('not_found', `No run ${request.runId}`);
    const file = resolve(request.file ?? join(dirname(dbFile), 'exports', `recommendations-${run.id}-top${request.k}.${request.format ?? 'csv'}`));
    const format = request.format ?? (extname(file).toLowerCase() === '.jsonl' ? 'jsonl' : 'csv');
    const task: RecommendTask = { dbFile, runId: run.id, k: request.k, file, format, usersFile: request.usersFile, input: request.input };
    const jobId = jobs.start(
      'recommend',
      `Top-${request.k} recommendations of ${run.model} on ${run.dataset} (${run.id}) to ${file}`,
      (job) => userError(() => recommendInWorker(task, { signal: job.signal, onProgress: (d, t, m) => job.progress(d, t, m) })),
      { runId: run.id },
    );
    return { jobId, kind: 'recommend' };
  },
  'analysis.compareRuns': ({ runIds, k }, { db, dbFile }) =>
    userError(async () => {
      const outs = [];
      for (const id of runIds) outs.push(await runOutputsInWorker(db, dbFile, id));
      const compared = compareRuns(outs.map((o) => summarizeRun(o.recommendations, o.popularity, { k })));
      const withTest = compared.rows;
      // The runs' own test metrics (engine evaluator) first, so the table starts with Table 2's numbers.
      return {
        // The status marks a diverged run (its numbers are those of its last finite checkpoint, issue #12).
        runs: outs.map((o) => ({ runId: o.ref.run.id, model: o.ref.run.model, dataset: o.ref.run.dataset, status: o.ref.run.status })),
        rows: withTest.map((r) => ({ metric: r.metric, values: r.values.map(finite), relative: r.relative.map(finite) })),
      };
    }),
  'analysis.report': ({ runIds }, { db, dbFile }) =>
    userError(async () => {
      const runs: ReportRun[] = [];
      for (const id of runIds) {
        const out = await runOutputsInWorker(db, dbFile, id);
        const s = summary(out, 10).groups;
        const definition = s.definition as { coldMaxLength: number | null; hotMinLength: number | null };
        const pick = (row: Record<string, number>) => ({ 'HR@10': row['HR@10']!, 'NDCG@10': row['NDCG@10']! });
        runs.push({
          runId: id,
          dataset: out.ref.run.dataset,
          model: paperModel(out.ref.run.model, out.ref.run.settings.variant),
          seed: out.ref.run.settings.seed,
          status: out.ref.run.status,
          metrics: (out.ref.run.test as Record<string, number> | undefined) ?? pick(s.overall),
          groupDefinition: { coldMaxLength: definition.coldMaxLength ?? null, hotMinLength: definition.hotMinLength ?? null },
          groups: { overall: pick(s.overall), tail_item: pick(s.tailItem), head_item: pick(s.headItem), cold_user: pick(s.coldUser), hot_user: pick(s.hotUser) },
        });
      }
      const file = paperResultsFile();
      const paper = readPaperResults(file);
      const report = buildReport(runs, paper.results, paper.results ? file : null, paper.note);
      const note = 'Tail items: the 20 % least popular items in training; cold / hot users: the 20 % shortest / longest histories.';
      return {
        paperSource: report.paperSource,
        ...(report.paperNote ? { paperNote: report.paperNote } : {}),
        excluded: report.excluded,
        tables: report.tables.map((t) => ({
          ...t,
          rows: t.rows.map((r) => ({ ...r, cells: r.cells.map((c) => (c ? { mean: finite(c.mean), std: finite(c.std), n: c.n, paper: finite(c.paper) } : null)) })),
        })),
        markdown: reportToMarkdown(report, note),
        html: reportToHtml(report, note),
      };
    }),
};
