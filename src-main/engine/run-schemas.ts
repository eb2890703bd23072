/**
 * The shapes of a run record as the engine stores and exports it (run-store.ts, run-bundle.ts),
 * carried as they are by the API contract (api/contracts/runs.ts).
 */
import { z } from 'zod';

/** HR@k / NDCG@k for k = 5, 10, 20 over `users` users (docs/model.md §10). */
export const RankingMetrics = z.object({
  'HR@5': z.number(),
  'HR@10': z.number(),
  'HR@20': z.number(),
  'NDCG@5': z.number(),
  'NDCG@10': z.number(),
  'NDCG@20': z.number(),
  users: z.number().int(),
});

/** The result of a training job (a run trained, resumed or extended to its end). */
export const TrainResult = z.object({
  runId: z.string(),
  backend: z.string(),
  epochs: z.number().int(),
  bestEpoch: z.number().int().optional(),
  bestValid: RankingMetrics.optional(),
  test: RankingMetrics,
});
export type TrainResult = z.infer<typeof TrainResult>;

/** The result of an evaluation job (`runs.evaluate`, CLI `eval`). */
export const EvaluationReport = RankingMetrics.extend({ backend: z.string(), seconds: z.number() });
export type EvaluationReport = z.infer<typeof EvaluationReport>;

/** `diverged`: final, its loss became NaN/infinite; `error` says where, its checkpoints are the last finite ones. */
export const RunStatus = z.enum(['queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled', 'interrupted', 'diverged']);

export const RunSummary = z.object({
  id: z.string(),
  dataset: z.string(),
  model: z.string(),
  backend: z.string().optional(),
  status: RunStatus,
  epochsDone: z.number().int(),
  epochs: z.number().int(),
  /** 0-based index of the best validated epoch; users read it as epochNumber(bestEpoch) (api/epochs.ts). */
  bestEpoch: z.number().int().optional(),
  bestValid: RankingMetrics.optional(),
  test: RankingMetrics.optional(),
  error: z.string().optional(),
  trainSeconds: z.number(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
});

/** Group name → gradient norm (encoder, idTable, adapter, fusion, diffusion, all): engine/diagnostics.ts. */
const GradientNorms = z.record(z.string(), z.number());

/**
 * Learning dynamics at an epoch's end (engine/diagnostics.ts): item-table row norms and mean pairwise
 * cosines (ID view, adapted semantic view, fused rows; gate mean and spread for gated fusion) and
 * ‖∇(w·L)‖ per loss component and parameter group on a fixed diagnostic batch.
 */
export const EpochDiagnostics = z.object({
  table: z.object({
    fusedNorm: z.number(),
    fusedCosine: z.number(),
    idNorm: z.number().optional(),
    idCosine: z.number().optional(),
    semanticNorm: z.number().optional(),
    semanticCosine: z.number().optional(),
    gateMean: z.number().optional(),
    gateSpread: z.number().optional(),
    alignLoss: z.number().optional(),
  }),
  gradients: z.object({ rec: GradientNorms.optional(), diff: GradientNorms.optional(), cl: GradientNorms.optional(), align: GradientNorms.optional() }),
  batchSize: z.number().int(),
});

export const RunEpoch = z.object({
  /** 0-based index: the log line of this epoch reads "Epoch ${epoch + 1}/…" (api/epochs.ts). */
  epoch: z.number().int(),
  losses: z.record(z.string(), z.number()),
  valid: RankingMetrics.optional(),
  clusterSizes: z.array(z.number().int()).optional(),
  seconds: z.number(),
  clusteringSeconds: z.number().optional(),
  diagnostics: EpochDiagnostics.optional(),
});

/** The embedding set an LLMDiRec run trained with. */
export const RunEmbedding = z.object({
  embeddingSetId: z.number().int(),
  provider: z.string(),
  model: z.string(),
  dims: z.number().int(),
  template: z.string(),
  templateVersion: z.number().int(),
  itemsWithText: z.number().int(),
});
