/**
 * The paper's tables as shipped plans (`llmdirec plan create --paper table2 --dataset beauty`).
 * Each maps the table's columns (LLMDiRec paper §5–§7, resources/paper-results.json) to the models
 * and variants this engine trains; the columns without a counterpart are listed so the plan says
 * what it leaves out (docs/plans.md).
 */
import { ApiError } from '../core/errors';
import { llmdirecVariants } from '../engine/settings';
import type { PlanFile } from './format';

export type PaperTable = 'table2' | 'table3' | 'table4';

export interface PaperTablePlan {
  table: PaperTable;
  title: string;
  /** The runs one seed of the table needs, in the table's column order. */
  runs: { model: 'sasrec' | 'indirec' | 'llmdirec'; variant?: string; paperName: string }[];
  /** The table's columns this engine has no model for. */
  missing: { paperName: string; why: string }[];
}

const NO_DUOREC = { paperName: 'DuoRec', why: 'not implemented: a contrastive baseline with model-level augmentation; this engine trains SASRec, InDiRec and LLMDiRec' };
const NO_CADIREC = { paperName: 'CaDiRec', why: 'not implemented: context-aware diffusion baseline; InDiRec is the diffusion baseline here' };

/** Table 4's columns in the paper's order, as variant ids of `llmdirecVariants`. */
const TABLE4_ORDER = ['ca', 'ca-no-align', 'no-align', 'concat', 'weighted', 'full'];

export const paperTablePlans: Record<PaperTable, PaperTablePlan> = {
  table2: {
    table: 'table2',
    title: 'Table 2 — overall performance: SASRec, InDiRec, LLMDiRec',
    runs: [
      { model: 'sasrec', paperName: 'SASRec' },
      { model: 'indirec', paperName: 'InDiRec' },
      { model: 'llmdirec', variant: 'full', paperName: 'LLMDiRec' },
    ],
    missing: [NO_DUOREC, NO_CADIREC],
  },
  table3: {
    table: 'table3',
    title: 'Table 3 — tail/head items and cold/hot users: InDiRec, LLMDiRec',
    runs: [
      { model: 'indirec', paperName: 'InDiRec' },
      { model: 'llmdirec', variant: 'full', paperName: 'LLMDiRec' },
    ],
    missing: [NO_CADIREC],
  },
  table4: {
    table: 'table4',
    title: 'Table 4 — ablation of fusion and alignment: the six LLMDiRec variants',
    runs: TABLE4_ORDER.map((id) => ({ model: 'llmdirec' as const, variant: id, paperName: llmdirecVariants[id]!.paperName })),
    missing: [],
  },
};

export interface PaperPlanOptions {
  dataset: string;
  epochs?: number;
  seeds?: number[];
  settings?: Record<string, unknown>;
  parallel?: number;
  name?: string;
}

/** The plan that reproduces one paper table on a dataset of this store. */
export function paperPlan(table: string, options: PaperPlanOptions): PlanFile {
  const spec = paperTablePlans[table as PaperTable];
  if (!spec) throw new ApiError('validation', `Unknown paper table "${table}": give table2, table3 or table4`);
  const missing = spec.missing.length ? ` Not in this plan (no counterpart here): ${spec.missing.map((m) => m.paperName).join(', ')}.` : '';
  return {
    name: options.name ?? `${spec.table} ${options.dataset}`,
    description: `${spec.title}, on ${options.dataset}.${missing}`,
    paper: spec.table,
    dataset: options.dataset,
    ...(options.seeds ? { seeds: options.seeds } : {}),
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    ...(options.settings && Object.keys(options.settings).length ? { settings: options.settings } : {}),
    ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
    runs: spec.runs.map((r) => ({ model: r.model, ...(r.variant ? { variant: r.variant } : {}) })),
  };
}
