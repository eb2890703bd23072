import { stabilityAcrossEpochs } from './ari';
import type { Matrix, Metric } from './matrix';
import { summarizePrototypes, type PrototypeOptions, type PrototypeSummary } from './prototypes';
import { silhouette, type SilhouetteResult } from './silhouette';

/**
 * The intents view of one trained run at one checkpoint (issue #5, `llmdirec intents --run <id> --json`):
 * K prototypes with size, label, top items, terms and silhouette, the overall silhouette of the
 * K-means assignment (paper §8) and the stability of the assignment across epochs.
 */
export interface IntentsInput {
  /** Sequence representations the engine clustered, one row per clustered sequence. */
  representations: Matrix;
  /** The K-means assignment of those rows at this checkpoint. */
  assignments: ArrayLike<number>;
  k: number;
  /** The clustered sequences themselves (item ids), same order as the rows. */
  sequences: readonly ArrayLike<number>[];
  numItems: number;
  itemAttributes?: ReadonlyMap<number, { attributes: Record<string, unknown> }>;
  /** Assignments of the same rows at earlier/later epochs, for stability (ARI). */
  epochAssignments?: { epoch: number; labels: ArrayLike<number> }[];
}

export interface IntentsReport {
  k: number;
  silhouette: number;
  /** How the silhouette was computed: exact over all rows, or a seeded sample of `scored` of `total`. */
  silhouetteBasis: Pick<SilhouetteResult, 'scored' | 'total' | 'sampled' | 'seed' | 'metric'>;
  prototypes: (Pick<PrototypeSummary, 'id' | 'size' | 'label' | 'topItems' | 'characteristicItems' | 'terms'> & { silhouette: number | null })[];
  stability: { from: number; to: number; ari: number }[];
}

export interface IntentsOptions {
  metric?: Metric;
  /** Exact silhouette up to this many rows, a seeded sample of this size above (default 5,000). */
  maxExact?: number;
  seed?: number;
  prototypes?: PrototypeOptions;
}

export function buildIntentsReport(
  input: IntentsInput,
  options: IntentsOptions & { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): IntentsReport {
  const sil = silhouette(input.representations, input.assignments, input.k, {
    metric: options.metric ?? 'euclidean',
    maxExact: options.maxExact,
    seed: options.seed,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  const protos = summarizePrototypes(input, options.prototypes);
  return {
    k: input.k,
    silhouette: sil.overall,
    silhouetteBasis: { scored: sil.scored, total: sil.total, sampled: sil.sampled, seed: sil.seed, metric: sil.metric },
    prototypes: protos.map((p) => {
      const s = sil.perCluster[p.id]!;
      return {
        id: p.id,
        size: p.size,
        label: p.label,
        topItems: p.topItems,
        characteristicItems: p.characteristicItems,
        terms: p.terms,
        silhouette: s.scored ? s.silhouette : null,
      };
    }),
    stability: input.epochAssignments ? stabilityAcrossEpochs(input.epochAssignments) : [],
  };
}
