import { z } from 'zod';
import { TrainingOverrides } from '../../engine/settings';
import { PlanFile } from '../../plans/format';
import { method, Name, NoInput } from './common';
import { jobStarted } from './jobs';
import { RankingMetrics, RunStatus } from './runs';

/**
 * Experiment plans (docs/plans.md): lists of runs (dataset × model/variant × seeds × overrides)
 * trained one after another, resumed after a crash, with a live report next to the paper's numbers.
 */
const PlanId = z.number().int().min(1);
const Model = z.enum(['sasrec', 'indirec', 'llmdirec']);
export const PaperTable = z.enum(['table2', 'table3', 'table4']);

/** pending · running · interrupted (resumed by plans.run) · succeeded · failed · diverged. */
export const EntryState = z.enum(['pending', 'running', 'interrupted', 'succeeded', 'failed', 'diverged']);

export const PlanEntry = z.object({
  /** 0-based; people read #position+1. */
  position: z.number().int(),
  dataset: z.string(),
  model: Model,
  variant: z.string().optional(),
  /** The paper's name of the model/variant (SASRec, InDiRec, LLMDiRec, w/ CA, …). */
  paperName: z.string(),
  seed: z.number().int(),
  epochs: z.number().int().optional(),
  settings: z.record(z.string(), z.unknown()),
  /** The budget and overrides that not every entry of the plan has ("key=value …", '' for none): what sets it apart. */
  ownSettings: z.string(),
  state: EntryState,
  runId: z.string().optional(),
  /** Why its run could not be started or failed. */
  error: z.string().optional(),
  /** Times a plan run resumed its interrupted run. */
  resumes: z.number().int(),
  run: z
    .object({ status: RunStatus, epochsDone: z.number().int(), epochs: z.number().int(), trainSeconds: z.number(), test: RankingMetrics.optional() })
    .optional(),
});

export const PlanSummary = z.object({
  id: PlanId,
  name: z.string(),
  description: z.string().optional(),
  paper: PaperTable.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  entries: z.number().int(),
  counts: z.record(EntryState, z.number().int()),
  /** A plan run job (here or in another process) is training it now. */
  running: z.boolean(),
});

const ReportCell = z.object({ mean: z.number().nullable(), std: z.number().nullable(), n: z.number().int(), paper: z.number().nullable() });

export const PlanReport = z.object({
  columns: z.array(z.string()),
  rows: z.array(
    z.object({
      dataset: z.string(),
      model: z.string(),
      variant: z.string().optional(),
      epochs: z.number().int().optional(),
      settings: z.string(),
      planned: z.number().int(),
      seeds: z.array(z.number().int()),
      runs: z.array(z.string()),
      cells: z.array(ReportCell),
    }),
  ),
  /** The epochs and overrides every row shares (each row's `settings` names only what sets it apart). */
  commonSettings: z.string(),
  paperSource: z.string().nullable(),
  paperNote: z.string().optional(),
  excluded: z.array(z.object({ runId: z.string(), state: EntryState })),
  groupDefinitions: z.array(z.object({ dataset: z.string(), coldMaxLength: z.number().nullable(), hotMinLength: z.number().nullable() })),
});

export const PlanDetail = PlanSummary.extend({
  definition: z.record(z.string(), z.unknown()),
  entryList: z.array(PlanEntry),
  report: PlanReport,
});

/**
 * One object, not a union: zod reports a failed union only as "Invalid input", and a user pasting a
 * plan needs the path of the bad field (plan.runs.0.model).
 */
const CreateInput = z
  .object({
    /** A plan file's contents (docs/plans.md) … */
    plan: PlanFile.optional(),
    /** … and where it came from, named in its errors. */
    source: z.string().max(1000).optional(),
    /** … or a paper table on a dataset, with optional budget, seeds and overrides. */
    paper: PaperTable.optional(),
    dataset: Name.optional(),
    epochs: z.number().int().min(1).max(10000).optional(),
    seeds: z.array(z.number().int()).min(1).max(100).optional(),
    settings: TrainingOverrides.optional(),
    parallel: z.number().int().min(1).max(16).optional(),
    name: z.string().trim().min(1).max(120).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const paperOptions = (['paper', 'dataset', 'epochs', 'seeds', 'settings', 'parallel', 'name'] as const).filter((k) => v[k] !== undefined);
    if (v.plan !== undefined && paperOptions.length) ctx.addIssue({ code: 'custom', path: [paperOptions[0]!], message: 'give a plan or a paper table, not both' });
    else if (v.plan === undefined && v.paper === undefined) ctx.addIssue({ code: 'custom', path: ['plan'], message: 'give a plan (a plan file\'s contents) or a paper table (paper, dataset)' });
    else if (v.paper !== undefined && v.dataset === undefined) ctx.addIssue({ code: 'custom', path: ['dataset'], message: 'a paper table needs a dataset' });
  });

export const planMethods = {
  'plans.paperTables': method({
    summary: "The paper's Tables 2–4 as shipped plans: which models/variants each trains here, and the paper columns without a counterpart.",
    input: NoInput,
    output: z.array(
      z.object({
        table: PaperTable,
        title: z.string(),
        runs: z.array(z.object({ model: Model, variant: z.string().optional(), paperName: z.string() })),
        missing: z.array(z.object({ paperName: z.string(), why: z.string() })),
      }),
    ),
  }),
  'plans.create': method({
    summary: 'Stores a plan: a plan file\'s contents ({ plan }), or a paper table on a dataset ({ paper, dataset, epochs?, seeds?, settings? }).',
    input: CreateInput,
    output: PlanDetail,
  }),
  'plans.list': method({
    summary: 'All plans, newest first, with how many entries are in each state.',
    input: NoInput,
    output: z.array(PlanSummary),
  }),
  'plans.show': method({
    summary: "One plan: its definition, every entry's state and run, and the report (mean ± std over seeds next to the paper's numbers).",
    input: z.object({ planId: PlanId }).strict(),
    output: PlanDetail,
  }),
  'plans.run': method({
    summary: 'Trains the entries without a finished run (a job): starts pending ones, resumes interrupted ones from their last checkpoint; cancelling leaves every run resumable.',
    input: z.object({ planId: PlanId, parallel: z.number().int().min(1).max(16).optional(), retryFailed: z.boolean().optional() }).strict(),
    output: jobStarted('plan').extend({ planId: PlanId }),
  }),
  'plans.export': method({
    summary: "The plan's report as Markdown or CSV text.",
    input: z.object({ planId: PlanId, format: z.enum(['md', 'csv']).default('md') }).strict(),
    output: z.object({ format: z.enum(['md', 'csv']), filename: z.string(), text: z.string() }),
  }),
  'plans.delete': method({
    summary: 'Deletes a plan that is not running; its runs stay in the store.',
    input: z.object({ planId: PlanId }).strict(),
    output: z.object({ planId: PlanId, deleted: z.literal(true) }),
  }),
} as const;
