/**
 * Every hyperparameter of the model (docs/model.md), with the reference defaults in one place and the per-dataset
 * presets of §11 as data. `resolveSettings` merges defaults ← preset ← overrides and validates.
 */
import { z } from 'zod';
import { ApiError } from '../core/errors';
import { describeIssues } from '../core/issues';

export const TrainingSettings = z
  .object({
    /** llmdirec = indirec with LLMDiRec's fused dual-view item table (docs/model.md §16). */
    model: z.enum(['sasrec', 'indirec', 'llmdirec']).default('indirec'),
    // Encoder (§3)
    hiddenSize: z.number().int().min(2).max(1024).default(64),
    layers: z.number().int().min(1).max(12).default(2),
    heads: z.number().int().min(1).max(16).default(2),
    maxSeqLength: z.number().int().min(1).max(1000).default(50),
    attentionDropout: z.number().min(0).max(0.95).default(0.5),
    hiddenDropout: z.number().min(0).max(0.95).default(0.5),
    initializerRange: z.number().positive().default(0.02),
    // Optimisation (§9)
    batchSize: z.number().int().min(2).max(65536).default(256),
    epochs: z.number().int().min(1).max(10000).default(50),
    learningRate: z.number().positive().default(1e-3),
    weightDecay: z.number().min(0).default(0),
    adamBeta1: z.number().min(0).max(1).default(0.9),
    adamBeta2: z.number().min(0).max(1).default(0.999),
    adamEpsilon: z.number().positive().default(1e-8),
    clipNorm: z.number().positive().default(1.0),
    seed: z.number().int().default(2022),
    // Loss weights (§9)
    recWeight: z.number().min(0).default(1),
    diffWeight: z.number().min(0).default(1),
    clWeight: z.number().min(0).default(0.2),
    // Diffusion (§7)
    timesteps: z.number().int().min(1).max(2000).default(50),
    betaSchedule: z.enum(['exp', 'linear']).default('exp'),
    betaStart: z.number().positive().default(1e-4),
    betaEnd: z.number().positive().default(0.02),
    guidance: z.number().min(0).default(2.0),
    conditionDropout: z.number().min(0).max(1).default(0.1),
    diffuser: z.enum(['mlp1', 'mlp2']).default('mlp1'),
    // Intents (§5, §6)
    intents: z.number().int().min(1).max(100000).default(32),
    kmeansIterations: z.number().int().min(1).default(20),
    kmeansRedo: z.number().int().min(1).default(5),
    kmeansSeed: z.number().int().default(1),
    kmeansMaxPointsPerCentroid: z.number().int().min(1).default(4096),
    /** Reference: the same faiss object is re-trained each epoch, continuing from last epoch's centroids. */
    kmeansWarmStart: z.boolean().default(true),
    /** Reference quirk (§5): cluster member lists accumulate over epochs; 'current' keeps only this epoch's. */
    clusterMembers: z.enum(['accumulate', 'current']).default('accumulate'),
    /**
     * Whose sequences condition the diffusion (§6, §12). 'batch-cluster' = the reference code: all B
     * conditions are drawn from the cluster of the batch's first sample. 'own-intent' = the paper: each
     * sample's condition is drawn from its own cluster. Default: the reference code, whose checkpoint
     * gives the golden numbers; trained side by side on Beauty (3 epochs, seed 2022) the two reached
     * the same test HR@10 (0.0398 vs 0.0397) and own-intent costs an extra encoding of the batch per
     * step (docs/experiments.md).
     */
    conditioning: z.enum(['batch-cluster', 'own-intent']).default('batch-cluster'),
    // Contrastive (§8)
    temperature: z.number().positive().default(1.0),
    similarity: z.enum(['dot', 'cos']).default('dot'),
    // Validation and early stopping (§10)
    validateEvery: z.number().int().min(1).default(5),
    patience: z.number().int().min(1).default(10),
    evalBatchSize: z.number().int().min(1).default(512),
    // Speed (exact unless noted)
    /** Drop columns that are padding in every row of a batch (exact). */
    trimPadding: z.boolean().default(true),
    /**
     * Encode each batch in up to this many length groups, each trimmed to its own width (exact: the
     * same batch and loss; 1 = one padded batch). The padded path only: on wasm sequences are packed
     * without any padding (encoder.ts encodePacked), and this and `trimPadding` do not apply.
     */
    lengthGroups: z.number().int().min(1).max(64).default(8),
    /**
     * Group samples of similar length into batches (changes the sampling: not the reference). SASRec on
     * Beauty, 3 epochs: test HR@10 0.0570 vs 0.0576 exact, NDCG@10 equal, ≈ 2.5× faster steps
     * (docs/experiments.md); off by default so that runs follow the reference.
     */
    lengthBuckets: z.boolean().default(false),
    /**
     * Worker threads that share each training step (data-parallel, exact: the same losses and
     * gradients as one worker with dropout off; dropout masks are drawn per worker, so a run is
     * reproducible for its seed and worker count). Runs started without it get one per core.
     */
    workers: z.number().int().min(1).max(64).optional(),
    /** Reference loaders use drop_last=True (§2). */
    dropLast: z.boolean().default(true),
    // LLMDiRec (docs/model.md §16, §18): model 'llmdirec' only; resolveSettings fills the defaults.
    /** A named Table-4 variant (`llmdirecVariants`); its values sit between the preset and explicit overrides. */
    variant: z.string().optional(),
    /**
     * Which embedding set of the dataset: its id, 'latest' (the newest complete set), or
     * 'provider/model' (the newest complete set of that model). A started run stores the id.
     */
    embeddingSetId: z.union([z.number().int().min(1), z.string().min(1)]).optional(),
    fusion: z.enum(['gated', 'weighted', 'concat', 'crossattn']).optional(),
    /** λ_align (§3); the paper gives none. 0 = no alignment loss (Table 4 "w/o align"). */
    alignWeight: z.number().min(0).optional(),
    /** Adapter hidden sizes; default [d_s/2] (LLM-ESR); [] = one Linear(d_s→D). */
    adapterHidden: z.array(z.number().int().min(1)).max(4).optional(),
    adapterActivation: z.enum(['none', 'gelu']).optional(),
    layerInit: z.enum(['pytorch-default', 'normal']).optional(),
    /** The frozen semantic rows centred on their mean ('centered', the default) or as embedded ('raw', the paper code; docs/experiments.md §5, §7). */
    semanticInput: z.enum(['raw', 'centered']).optional(),
    /** The adapter's biases: nn.Linear's U(±1/√in) init ('pytorch-default'), 0 init ('zero'; docs/experiments.md §5), or none at all ('none'; §7). */
    adapterBias: z.enum(['pytorch-default', 'zero', 'none']).optional(),
  })
  .strict();

/** The LLMDiRec-only settings; rejected for sasrec/indirec runs. */
export const llmdirecSettingKeys = ['variant', 'embeddingSetId', 'fusion', 'alignWeight', 'adapterHidden', 'adapterActivation', 'layerInit', 'semanticInput', 'adapterBias'] as const;

/** The values each LLMDiRec setting with a fixed set of choices accepts, read from its schema (for forms). */
export const llmdirecChoices: Record<string, string[]> = Object.fromEntries(
  llmdirecSettingKeys.flatMap((key) => {
    const schema = TrainingSettings.shape[key].unwrap();
    return schema instanceof z.ZodEnum ? [[key, [...schema.options] as string[]]] : [];
  }),
);

/**
 * Defaults of an llmdirec run. alignWeight 0.1 keeps λ_align·L_align an order below L_rec at init
 * (1 − cos ≈ 1); the same value as semantic-fusion.ts's defaultFusionSettings.
 * semanticInput 'centered' departs from the paper code, whose raw sentence vectors make every item's
 * adapted view one vector within an epoch on Beauty (docs/experiments.md §5) and leave LLMDiRec
 * behind InDiRec from epoch 6 of 50 on (§7); `semanticInput=raw` trains the paper code's way.
 */
export const llmdirecDefaults = {
  variant: 'full',
  embeddingSetId: 'latest',
  fusion: 'gated',
  alignWeight: 0.1,
  adapterActivation: 'none',
  layerInit: 'pytorch-default',
  semanticInput: 'centered',
  adapterBias: 'pytorch-default',
} as const;

/** Table 4's variants as data: id → the paper's column name and the settings it implies. */
export const llmdirecVariants: Record<string, { paperName: string; description: string; settings: { fusion: 'gated' | 'weighted' | 'concat' | 'crossattn'; alignWeight?: number } }> = {
  full: { paperName: 'LLMDiRec', description: 'gated fusion + alignment loss (the paper\'s model)', settings: { fusion: 'gated' } },
  ca: { paperName: 'w/ CA', description: 'cross-attention fusion, all losses', settings: { fusion: 'crossattn' } },
  'ca-no-align': { paperName: 'w/ CA, w/o align', description: 'cross-attention fusion, no alignment loss', settings: { fusion: 'crossattn', alignWeight: 0 } },
  'no-align': { paperName: 'w/o align', description: 'gated fusion, no alignment loss', settings: { fusion: 'gated', alignWeight: 0 } },
  concat: { paperName: 'w/ concat', description: 'concatenation fusion', settings: { fusion: 'concat' } },
  weighted: { paperName: 'w/ weighted', description: 'weighted-sum fusion (learned α)', settings: { fusion: 'weighted' } },
};

/** The variant a fusion and λ_align amount to; 'custom' when none does. */
export function variantOf(fusion: string, alignWeight: number): string {
  const found = Object.entries(llmdirecVariants).find(([, v]) => v.settings.fusion === fusion && (v.settings.alignWeight === 0) === (alignWeight === 0));
  return found?.[0] ?? 'custom';
}

/** A variant by id or by the paper's column name ("w/ CA, w/o align"), case-insensitive. */
export function findVariant(name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  return Object.keys(llmdirecVariants).find((id) => id === lower || llmdirecVariants[id]!.paperName.toLowerCase() === lower);
}

export type TrainingSettings = z.output<typeof TrainingSettings>;
export type TrainingSettingsInput = z.input<typeof TrainingSettings>;

/**
 * Overrides of a run's settings as a request carries them (`runs.start`, plans): any of
 * TrainingSettings' fields. Checked here only as an object: `resolveSettings` validates them with
 * TrainingSettings once merged with the preset and the variant (a bound, a stray key or an LLMDiRec
 * key on another model is known only then) and names each bad value in words.
 */
export const TrainingOverrides = z.custom<Partial<TrainingSettingsInput>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'must be an object of training settings',
);
export type TrainingOverrides = z.infer<typeof TrainingOverrides>;

/** The reference defaults (§3, §7, §9, §10). */
export const defaultSettings: TrainingSettings = TrainingSettings.parse({});

/** §11 (run_all.sh). Keys are matched case-insensitively against the dataset name's start. */
export const datasetPresets: Record<string, Partial<TrainingSettings>> = {
  beauty: { diffWeight: 1, clWeight: 0.2, timesteps: 50, intents: 32, guidance: 2 },
  sports: { diffWeight: 1, clWeight: 0.4, timesteps: 200, intents: 256, guidance: 2 },
  toys: { diffWeight: 0.2, clWeight: 0.2, timesteps: 200, intents: 1024, guidance: 2 },
  video: { diffWeight: 1, clWeight: 0.8, timesteps: 100, intents: 128, guidance: 2, attentionDropout: 0.4, hiddenDropout: 0.4 },
  'ml-1m': { diffWeight: 1, clWeight: 0.2, timesteps: 50, intents: 1024, guidance: 2, attentionDropout: 0.1, hiddenDropout: 0.1, learningRate: 0.001 },
};

export function presetFor(dataset: string): { key: string; values: Partial<TrainingSettings> } | undefined {
  const lower = dataset.toLowerCase();
  const key = Object.keys(datasetPresets).find((k) => lower.startsWith(k));
  return key ? { key, values: datasetPresets[key]! } : undefined;
}

/** Diffusion and intents run for indirec and llmdirec (LLMDiRec = InDiRec with the fused table). */
export const usesIntents = (s: Pick<TrainingSettings, 'model'>): boolean => s.model !== 'sasrec';

/** Merges defaults ← dataset preset ← (llmdirec) variant ← overrides, validated. */
export function resolveSettings(dataset: string | undefined, overrides: Record<string, unknown> = {}): TrainingSettings {
  const preset = dataset ? presetFor(dataset)?.values : undefined;
  let merged: Record<string, unknown> = { ...preset, ...overrides };
  if (merged.model === 'llmdirec') {
    const requested = merged.variant === undefined ? undefined : String(merged.variant);
    const variant = findVariant(requested ?? llmdirecDefaults.variant);
    if (!variant) throw new Error(`Unknown LLMDiRec variant "${requested}". Known: ${Object.entries(llmdirecVariants).map(([id, v]) => `${id} (${v.paperName})`).join(', ')}`);
    merged = { ...llmdirecDefaults, ...preset, ...llmdirecVariants[variant]!.settings, ...overrides };
    // The stored variant names what the settings are: an explicit variant must not be contradicted,
    // and without one, fusion/alignWeight overrides name their variant (or 'custom').
    const actual = variantOf(merged.fusion as string, Number(merged.alignWeight));
    if (requested !== undefined && actual !== variant) {
      throw new Error(`Variant ${variant} means ${JSON.stringify(llmdirecVariants[variant]!.settings)}, but the settings give fusion=${String(merged.fusion)}, alignWeight=${String(merged.alignWeight)}`);
    }
    merged.variant = actual;
  } else {
    const stray = llmdirecSettingKeys.filter((k) => merged[k] !== undefined);
    if (stray.length) throw new Error(`${stray.join(', ')} ${stray.length > 1 ? 'apply' : 'applies'} to --model llmdirec only`);
  }
  const parsed = TrainingSettings.safeParse(merged);
  if (!parsed.success) throw new Error(describeIssues(parsed.error, merged));
  const settings = parsed.data;
  if (settings.hiddenSize % settings.heads !== 0) throw new Error(`hiddenSize ${settings.hiddenSize} must be divisible by heads ${settings.heads}`);
  return settings;
}

/**
 * Parses CLI-style `key=value` pairs into typed overrides (numbers, booleans, strings). A pair that
 * is not one is a usage error (`validation`): the CLI exits 2 for it, not 1.
 */
export function parseSettingAssignments(pairs: readonly string[]): Record<string, unknown> {
  const known = TrainingSettings.shape;
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new ApiError('validation', `Setting "${pair}" is not key=value`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    if (!(key in known)) throw new ApiError('validation', `Unknown setting "${key}". Known: ${Object.keys(known).join(', ')}`);
    if (key === 'adapterHidden') out[key] = raw.trim() === '' ? [] : raw.split(',').map((n) => number(key, n));
    else if (key === 'embeddingSetId') out[key] = /^\d+$/.test(raw) ? Number(raw) : raw;
    else if (key === 'workers') out[key] = Number(raw);
    else {
      const def = ({ ...defaultSettings, ...llmdirecDefaults } as Record<string, unknown>)[key];
      out[key] = typeof def === 'number' ? number(key, raw) : typeof def === 'boolean' ? flag(key, raw) : raw;
    }
  }
  return out;
}

function number(key: string, raw: string): number {
  const n = Number(raw);
  // Number('') is 0 and Number('x') NaN: neither is what the user typed.
  if (raw.trim() === '' || Number.isNaN(n)) throw new ApiError('validation', `${key} must be a number (got "${raw}")`);
  return n;
}

function flag(key: string, raw: string): boolean {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ApiError('validation', `${key} must be true or false (got "${raw}")`);
}
