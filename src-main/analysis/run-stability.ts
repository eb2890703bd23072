/**
 * Prototype stability across a run's training epochs (paper §8 "prototype stability"): every epoch
 * that clusters records the intents of the same fixed seeded sample of training prefixes
 * (engine/trainer.ts `stabilitySample`), so consecutive epochs compare by adjusted Rand index.
 */
import { runEpochAssignments, runEpochs } from '../engine/run-store';
import type { Db } from '../store/db';
import { stabilityAcrossEpochs } from './ari';

export interface RunStability {
  /** Prefixes in the fixed sample. */
  sample: number;
  seed: number | null;
  /** Epochs with recorded assignments: non-empty clusters and the sizes of all (over every clustered prefix). */
  epochs: { epoch: number; clusters: number; sizes: number[] }[];
  /** ARI of epoch `from` → `to` on the sample. */
  pairs: { from: number; to: number; ari: number }[];
  meanAri: number;
}

/** null when fewer than two epochs recorded assignments (sasrec, or a run of one epoch). */
export function runStability(db: Db, runId: string): RunStability | null {
  const assignments = runEpochAssignments(db, runId);
  if (assignments.length < 2) return null;
  const sizes = new Map(runEpochs(db, runId).map((e) => [e.epoch, e.clusterSizes ?? []]));
  const n = assignments[0]!.labels.length;
  // Only epochs over the same sample compare (a run whose sample size changed would be a different basis).
  const same = assignments.filter((a) => a.labels.length === n && a.seed === assignments[0]!.seed);
  if (same.length < 2) return null;
  const pairs = stabilityAcrossEpochs(same.map((a) => ({ epoch: a.epoch, labels: a.labels })));
  return {
    sample: n,
    seed: same[0]!.seed,
    epochs: same.map((a) => {
      const s = sizes.get(a.epoch) ?? [];
      return { epoch: a.epoch, clusters: s.filter((x) => x > 0).length, sizes: s };
    }),
    pairs,
    meanAri: pairs.reduce((acc, p) => acc + p.ari, 0) / pairs.length,
  };
}
