/**
 * The experiment plan file (docs/plans.md): JSON, validated here, expanded into one entry per run
 * to train — dataset × model/variant × seed, with setting overrides. Every entry's settings are
 * resolved exactly as `runs.start` will resolve them, so a plan that is accepted only fails later
 * for what cannot be known now (a missing embedding set, a crash).
 */
import { z } from 'zod';
import { ApiError } from '../core/errors';
import { Name } from '../core/names';
import { describeIssues } from '../core/issues';
import { findVariant, llmdirecVariants, resolveSettings, TrainingOverrides } from '../engine/settings';
import { locateJsonError } from './json-syntax';

/** The paper's seed (docs/model.md §9): what a plan trains when it names none. */
export const DEFAULT_SEEDS = [2022];
export const MAX_ENTRIES = 500;

const Seeds = z.array(z.number().int()).min(1).max(100);
const Datasets = z.union([Name, z.array(Name).min(1).max(20)]);
/** Setting overrides as `llmdirec train --set` takes them (`llmdirec runs presets` lists them). */
const Settings = TrainingOverrides;
const Epochs = z.number().int().min(1).max(10000);

export const PlanRunGroup = z
  .object({
    /** One dataset or several (each gets the group's runs); default: the plan's `dataset`. */
    dataset: Datasets.optional(),
    model: z.enum(['sasrec', 'indirec', 'llmdirec']),
    /** llmdirec only: one Table-4 variant or several, by id (`ca`) or paper name (`w/ CA`). Default full. */
    variant: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(20)]).optional(),
    seeds: Seeds.optional(),
    epochs: Epochs.optional(),
    settings: Settings.optional(),
  })
  .strict();

export const PlanFile = z
  .object({
    name: z.string().trim().min(1, 'A plan needs a name').max(120),
    description: z.string().max(2000).optional(),
    /** The paper table the plan reproduces (shipped plans say so); the report compares every row anyway. */
    paper: z.enum(['table2', 'table3', 'table4']).optional(),
    dataset: Datasets.optional(),
    seeds: Seeds.optional(),
    epochs: Epochs.optional(),
    /** Overrides for every run; a group's own settings win. */
    settings: Settings.optional(),
    /** Runs trained side by side (default 1: one after another). */
    parallel: z.number().int().min(1).max(16).optional(),
    runs: z.array(PlanRunGroup).min(1).max(200),
  })
  .strict();
export type PlanFile = z.output<typeof PlanFile>;
export type PlanFileInput = z.input<typeof PlanFile>;

/** One run the plan trains: what `runs.start` gets. */
export interface PlanEntrySpec {
  dataset: string;
  model: 'sasrec' | 'indirec' | 'llmdirec';
  /** llmdirec: the variant id of `llmdirecVariants` (full, ca, …); undefined for the other models. */
  variant?: string;
  seed: number;
  epochs?: number;
  /** The overrides as written (no variant, seed or epochs: those are fields of their own). */
  settings: Record<string, unknown>;
}

/** Keys that have their own field in a plan; in `settings` they would contradict it. */
const OWN_FIELDS: Record<string, string> = { model: 'model', seed: 'seeds', epochs: 'epochs', variant: 'variant' };

const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

function refuse(message: string, path: string, source?: string): never {
  throw new ApiError('validation', `${source ? `${source}: ` : ''}${path}: ${message}`, source ? { file: source } : {}, [{ path, message }]);
}

/** A plan object validated (zod, strict: an unknown key is refused by name). */
export function validatePlan(input: unknown, source?: string): PlanFile {
  const parsed = PlanFile.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
    throw new ApiError('validation', `${source ? `${source}: ` : 'Invalid plan: '}${describeIssues(parsed.error, input)}`, source ? { file: source } : {}, issues);
  }
  return parsed.data;
}

/** Plan text (a file's contents) → the validated plan; a JSON syntax error names its line and column. */
export function parsePlanText(text: string, source: string): PlanFile {
  if (/\.ya?ml$/i.test(source)) throw new ApiError('validation', `${source}: plans are JSON files (YAML is not read; docs/plans.md shows the format)`, { file: source });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const at = locateJsonError(text);
    if (!at) throw new ApiError('validation', `${source}: not valid JSON (${(error as Error).message})`, { file: source });
    throw new ApiError('validation', `${source}:${at.line}:${at.column}: not valid JSON: expected ${at.expected}`, { file: source, line: at.line });
  }
  return validatePlan(value, source);
}

/**
 * The plan's runs, in file order: each group × its datasets × variants × seeds. Refuses (naming the
 * group) settings that do not resolve for a dataset, a variant on a model without variants, an unknown
 * variant, and an entry that repeats another (it would train the same run twice).
 */
export function expandPlan(plan: PlanFile, source?: string): PlanEntrySpec[] {
  const entries: PlanEntrySpec[] = [];
  const seen = new Map<string, string>();
  plan.runs.forEach((group, g) => {
    const where = `runs.${g}`;
    const datasets = list(group.dataset) ?? list(plan.dataset);
    if (!datasets) refuse('names no dataset (give "dataset" here or for the whole plan)', where, source);
    const settings = { ...plan.settings, ...group.settings };
    for (const key of Object.keys(settings)) {
      if (OWN_FIELDS[key]) refuse(`"${key}" is not a setting here: use the plan's "${OWN_FIELDS[key]}" field`, `${where}.settings`, source);
    }
    const requested = list(group.variant);
    if (requested && group.model !== 'llmdirec') refuse(`variants are LLMDiRec's (Table 4): model ${group.model} has none`, `${where}.variant`, source);
    const variants = group.model === 'llmdirec'
      ? (requested ?? ['full']).map((v) => findVariant(v) ?? refuse(`unknown variant "${v}"; known: ${Object.entries(llmdirecVariants).map(([id, x]) => `${id} (${x.paperName})`).join(', ')}`, `${where}.variant`, source))
      : [undefined];
    const seeds = group.seeds ?? plan.seeds ?? DEFAULT_SEEDS;
    const epochs = group.epochs ?? plan.epochs;
    for (const dataset of datasets)
      for (const variant of variants)
        for (const seed of seeds) {
          const entry: PlanEntrySpec = { dataset, model: group.model, ...(variant ? { variant } : {}), seed, ...(epochs !== undefined ? { epochs } : {}), settings };
          try {
            resolveSettings(dataset, { ...settings, model: entry.model, seed, ...(variant ? { variant } : {}), ...(epochs !== undefined ? { epochs } : {}) });
          } catch (error) {
            refuse((error as Error).message, `${where}.settings`, source);
          }
          const key = JSON.stringify([dataset, entry.model, variant ?? null, seed, epochs ?? null, sortedKeys(settings)]);
          const first = seen.get(key);
          if (first !== undefined) refuse(`repeats ${first} (${describeEntry(entry)}): a plan trains each run once`, where, source);
          seen.set(key, where);
          entries.push(entry);
          if (entries.length > MAX_ENTRIES) refuse(`the plan expands to more than ${MAX_ENTRIES} runs`, where, source);
        }
  });
  return entries;
}

function sortedKeys(o: Record<string, unknown>): [string, unknown][] {
  return Object.keys(o)
    .sort()
    .map((k) => [k, o[k]]);
}

/** "Beauty × llmdirec (w/ CA) × seed 2022" — how an entry is named in messages and logs. */
export function describeEntry(e: Pick<PlanEntrySpec, 'dataset' | 'model' | 'variant' | 'seed'>): string {
  const variant = e.variant ? ` (${llmdirecVariants[e.variant]?.paperName ?? e.variant})` : '';
  return `${e.dataset} × ${e.model}${variant} × seed ${e.seed}`;
}
