/**
 * What a training run needs to become LLMDiRec: an embedding set of its dataset and the fusion
 * options (docs/model.md §16, §18). The engine's settings carry them (model 'llmdirec'); at run start
 * `prepareLlmdirecRun` resolves the embedding-set reference to a concrete complete set (stored with
 * the run), and wherever the model is built — the training worker, evaluation, analytics —
 * `llmdirecTableFactory` turns the stored settings into the engine's `tableFactory`.
 */
import { z } from 'zod';
import { loadSemanticTable } from '../semantic/embedding-store';
import { resolveEmbeddingSet } from '../semantic/resolve-embedding-set';
import type { Db } from '../store/db';
import type { ItemTableFactory } from './model';
import { defaultFusionSettings, fusedItemTableFactory, type FusedItemTable } from './semantic-fusion';
import type { TrainingSettings } from './settings';

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
    /**
     * 'centered': the frozen rows minus their mean (semantic-fusion-init.ts); 'raw' = as embedded (the
     * paper code). A stored run without the key predates the setting and trained on raw rows; new runs
     * get 'centered' from settings.ts's llmdirecDefaults.
     */
    semanticInput: z.enum(['raw', 'centered']).default(defaultFusionSettings.semanticInput),
    /** 'zero': the adapter's biases start at 0 (semantic-fusion-init.ts). */
    adapterBias: z.enum(['pytorch-default', 'zero', 'none']).default(defaultFusionSettings.adapterBias),
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
      semanticInput: s.semanticInput,
      adapterBias: s.adapterBias,
      initializerRange: options.initializerRange ?? defaultFusionSettings.initializerRange,
    },
    options.onCreate,
  );
}

/** The semantic-view part of a run's training settings. */
export function semanticViewOf(settings: TrainingSettings): SemanticViewSettings {
  if (typeof settings.embeddingSetId !== 'number') throw new Error(`Run settings name embedding set "${String(settings.embeddingSetId)}", not an id: the run was not prepared`);
  return SemanticViewSettings.parse({
    embeddingSetId: settings.embeddingSetId,
    fusion: settings.fusion,
    alignWeight: settings.alignWeight,
    adapterHidden: settings.adapterHidden,
    adapterActivation: settings.adapterActivation,
    layerInit: settings.layerInit,
    semanticInput: settings.semanticInput,
    adapterBias: settings.adapterBias,
  });
}

/** What a run records about the semantic view it trained with. */
export interface RunEmbedding {
  embeddingSetId: number;
  provider: string;
  model: string;
  dims: number;
  template: string;
  templateVersion: number;
  itemsWithText: number;
}

/** At run start: the settings with the embedding set fixed to an id, and what the run records about it. */
export function prepareLlmdirecRun(db: Db, dataset: string, settings: TrainingSettings): { settings: TrainingSettings; embedding: RunEmbedding } {
  const set = resolveEmbeddingSet(db, dataset, settings.embeddingSetId ?? 'latest');
  const embedding: RunEmbedding = {
    embeddingSetId: set.id,
    provider: set.provider,
    model: set.model,
    dims: set.dims,
    template: set.template,
    templateVersion: set.templateVersion,
    itemsWithText: set.itemsWithText,
  };
  return { settings: { ...settings, embeddingSetId: set.id }, embedding };
}

/** The engine's table factory for an llmdirec run's stored settings (its own db connection in a worker). */
export function llmdirecRunTableFactory(db: Db, dataset: string, settings: TrainingSettings): ItemTableFactory {
  return llmdirecTableFactory(db, dataset, semanticViewOf(settings), { initializerRange: settings.initializerRange });
}
