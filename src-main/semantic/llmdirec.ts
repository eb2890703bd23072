/**
 * What a training run needs to become LLMDiRec: an embedding set of its dataset and the fusion
 * options (LLMDIREC-DESIGN §1, §3). The runs layer stores `SemanticViewSettings` with the run and
 * calls `llmdirecTableFactory` in its worker to get the engine's `tableFactory`.
 */
import { z } from 'zod';
import type { ItemTableFactory } from '../engine/model';
import type { Db } from '../store/db';
import { loadSemanticTable } from './embedding-store';
import { defaultFusionSettings, fusedItemTableFactory, type FusedItemTable } from './fusion';

export const SemanticViewSettings = z
  .object({
    /** A complete embedding set of the run's dataset (`llmdirec embeddings list`). */
    embeddingSetId: z.number().int().min(1),
    fusion: z.enum(['gated', 'weighted', 'concat', 'crossattn']).default(defaultFusionSettings.fusion),
    /** λ_align (§3.3); the paper gives none. 0 turns the alignment loss off (Table 4 "w/o L_align"). */
    alignWeight: z.number().min(0).default(defaultFusionSettings.alignWeight),
    /** Adapter hidden sizes; default [d_s/2] (LLM-ESR). */
    adapterHidden: z.array(z.number().int().min(1)).max(4).optional(),
    adapterActivation: z.enum(['none', 'gelu']).default(defaultFusionSettings.adapterActivation),
    layerInit: z.enum(['pytorch-default', 'normal']).default(defaultFusionSettings.layerInit),
  })
  .strict();
export type SemanticViewSettings = z.output<typeof SemanticViewSettings>;

/** Loads the frozen semantic table (refusing incomplete sets) and returns the engine's table factory. */
export function llmdirecTableFactory(
  db: Db,
  dataset: string,
  settings: z.input<typeof SemanticViewSettings>,
  options: { initializerRange?: number; onCreate?: (table: FusedItemTable) => void } = {},
): ItemTableFactory {
  const s = SemanticViewSettings.parse(settings);
  const semantic = loadSemanticTable(db, dataset, s.embeddingSetId);
  return fusedItemTableFactory(
    semantic,
    {
      fusion: s.fusion,
      alignWeight: s.alignWeight,
      adapterHidden: s.adapterHidden,
      adapterActivation: s.adapterActivation,
      layerInit: s.layerInit,
      initializerRange: options.initializerRange ?? defaultFusionSettings.initializerRange,
    },
    options.onCreate,
  );
}
