import { ApiError } from '../core/errors';
import { exposureStats, type ExposureStats } from './exposure';
import { groupMetrics, tailItemFlags, defaultGroups, type GroupDefinition, type GroupTable } from './groups';
import { itemText } from './terms';

/**
 * Recommendation inspection of one run (issue #5): per-user lists, Table-3 group metrics,
 * beyond-accuracy measures, and side-by-side comparison of runs.
 */

/** What an evaluated run provides for its test users (the engine's full-ranking evaluator). */
export interface RunRecommendations {
  runId: string;
  /** Items per stored list (≥ every K asked for). */
  listLength: number;
  /** users × listLength item ids, best first; row u = user u+1 of the dataset. */
  topItems: Int32Array;
  /** Scores aligned with `topItems` (optional: older runs may not keep them). */
  topScores?: Float32Array;
  /** Ground-truth item and its 0-based rank in the full ranking (−1 = beyond what was ranked). */
  targets: Int32Array;
  ranks: Int32Array;
  /** Length of the history each prediction was made from. */
  historyLengths: Int32Array;
}

export interface InspectedItem {
  itemId: number;
  text: string;
  popularity: number;
  tail: boolean;
}

export interface UserInspection {
  userId: number;
  history: InspectedItem[];
  groundTruth: InspectedItem & { rank: number };
  recommendations: (InspectedItem & { rank: number; score: number | null; hit: boolean })[];
}

export function inspectUser(
  run: RunRecommendations,
  userId: number,
  history: ArrayLike<number>,
  popularity: ArrayLike<number>,
  itemAttributes: ReadonlyMap<number, { attributes: Record<string, unknown> }>,
  k = 10,
  tailFraction = defaultGroups.tailFraction,
): UserInspection {
  const u = userId - 1;
  if (u < 0 || u >= run.targets.length) throw new ApiError('not_found', `Run ${run.runId} has no evaluated user ${userId}`);
  const tail = tailItemFlags(popularity, tailFraction);
  const describe = (itemId: number): InspectedItem => ({
    itemId,
    text: itemText(itemAttributes.get(itemId)?.attributes),
    popularity: popularity[itemId] ?? 0,
    tail: tail[itemId] === 1,
  });
  const target = run.targets[u]!;
  const recommendations = [];
  for (let r = 0; r < Math.min(k, run.listLength); r++) {
    const item = run.topItems[u * run.listLength + r]!;
    if (item <= 0) break;
    recommendations.push({ ...describe(item), rank: r, score: finiteOrNull(run.topScores?.[u * run.listLength + r]), hit: item === target });
  }
  return {
    userId,
    history: Array.from(history, describe),
    groundTruth: { ...describe(target), rank: run.ranks[u]! },
    recommendations,
  };
}

/** A diverged model's items are listed with score −∞ (run-outputs.ts): shown as no score. */
function finiteOrNull(score: number | undefined): number | null {
  return score !== undefined && Number.isFinite(score) ? score : null;
}

export interface RunSummary {
  runId: string;
  groups: GroupTable;
  exposure: ExposureStats;
}

export function summarizeRun(
  run: RunRecommendations,
  popularity: ArrayLike<number>,
  options: { k?: number; cutoffs?: number[]; groups?: GroupDefinition } = {},
): RunSummary {
  const k = options.k ?? 10;
  const def = options.groups ?? defaultGroups;
  return {
    runId: run.runId,
    groups: groupMetrics(run, popularity, options.cutoffs ?? [5, 10, 20], def),
    exposure: exposureStats(run.topItems, run.listLength, k, popularity, tailItemFlags(popularity, def.tailFraction)),
  };
}

export interface ComparedValue {
  metric: string;
  values: number[];
  /** (value − baseline) / baseline per run, the first run being the baseline (null when the baseline is 0). */
  relative: (number | null)[];
}

/** All numbers of several run summaries side by side, relative to the first run. */
export function compareRuns(summaries: readonly RunSummary[]): { runs: string[]; rows: ComparedValue[] } {
  if (summaries.length < 2) throw new Error('Comparing needs at least two runs');
  const flat = summaries.map(flatten);
  const metrics = Object.keys(flat[0]!);
  return {
    runs: summaries.map((s) => s.runId),
    rows: metrics.map((metric) => {
      const values = flat.map((f) => f[metric] ?? NaN);
      const base = values[0]!;
      return { metric, values, relative: values.map((v) => (base === 0 || !Number.isFinite(base) ? null : (v - base) / base)) };
    }),
  };
}

function flatten(s: RunSummary): Record<string, number> {
  const out: Record<string, number> = {};
  for (const group of ['overall', 'tailItem', 'headItem', 'coldUser', 'hotUser'] as const) {
    for (const [name, v] of Object.entries(s.groups[group])) if (name !== 'users') out[`${group} ${name}`] = v;
  }
  const e = s.exposure;
  out[`coverage@${e.k}`] = e.coverage;
  out[`tail share@${e.k}`] = e.tailShare;
  out[`avg popularity@${e.k}`] = e.averagePopularity;
  out[`Gini@${e.k}`] = e.gini;
  return out;
}
