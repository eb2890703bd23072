/** Creating a plan: validate, name its datasets as the store spells them, expand, store. */
import { ApiError } from '../core/errors';
import type { Db } from '../store/db';
import { listDatasets } from '../store/datasets';
import { expandPlan, validatePlan, type PlanFile } from './format';
import { paperPlan, type PaperPlanOptions } from './paper-plans';
import { insertPlan } from './store';

/**
 * The store's name for a dataset the plan names: exact, else the one that differs only in case
 * (`--dataset beauty` for "Beauty"). A plan over a dataset the store lacks is refused now, not at
 * its run's turn hours later.
 */
function storeDatasetName(known: readonly string[], name: string): string {
  if (known.includes(name)) return name;
  const folded = known.filter((k) => k.toLowerCase() === name.toLowerCase());
  if (folded.length === 1) return folded[0]!;
  throw new ApiError('not_found', `No dataset named "${name}" in this store${known.length ? ` (it has ${known.join(', ')})` : ''}: import it first (llmdirec dataset import)`);
}

function withStoreNames(plan: PlanFile, known: readonly string[]): PlanFile {
  const rename = (d: string | string[] | undefined) => (d === undefined ? undefined : Array.isArray(d) ? d.map((x) => storeDatasetName(known, x)) : storeDatasetName(known, d));
  return {
    ...plan,
    ...(plan.dataset !== undefined ? { dataset: rename(plan.dataset) } : {}),
    runs: plan.runs.map((r) => (r.dataset !== undefined ? { ...r, dataset: rename(r.dataset) } : r)),
  };
}

/** Stores a plan (a file's contents, already parsed as JSON); returns its id and entry count. */
export function createPlan(db: Db, input: unknown, source?: string): { planId: number; entries: number } {
  const plan = withStoreNames(validatePlan(input, source), listDatasets(db).map((d) => d.name));
  const entries = expandPlan(plan, source);
  return { planId: insertPlan(db, plan, entries), entries: entries.length };
}

/** Stores the shipped plan of a paper table on a dataset. */
export function createPaperPlan(db: Db, table: string, options: PaperPlanOptions): { planId: number; entries: number } {
  return createPlan(db, paperPlan(table, { ...options, dataset: storeDatasetName(listDatasets(db).map((d) => d.name), options.dataset) }));
}
