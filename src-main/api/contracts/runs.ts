import { z } from 'zod';
import { RunEmbedding, RunEpoch, RunSummary } from '../../engine/run-schemas';
import { TrainingOverrides } from '../../engine/settings';
import { method, Name, NoInput } from './common';
import { jobStarted } from './jobs';

export { EpochDiagnostics, EvaluationReport, RankingMetrics, RunEmbedding, RunEpoch, RunStatus, RunSummary, TrainResult } from '../../engine/run-schemas';

export const RunDetail = RunSummary.extend({
  settings: z.record(z.string(), z.unknown()),
  embedding: RunEmbedding.optional(),
  folder: z.string(),
  epochLog: z.array(RunEpoch),
  checkpoints: z.array(z.object({ kind: z.enum(['last', 'best']), epoch: z.number().int(), file: z.string() })),
});

const RunId = z.string().min(1).max(200);


export const runMethods = {
  'runs.presets': method({
    summary: 'Reference defaults of every training setting and the per-dataset presets (docs/model.md §11).',
    input: NoInput,
    output: z.object({
      defaults: z.record(z.string(), z.unknown()),
      presets: z.record(z.string(), z.record(z.string(), z.unknown())),
      /** LLMDiRec's own settings (model 'llmdirec' only), the values of those with fixed choices, and Table 4's variants as data. */
      llmdirec: z.object({
        defaults: z.record(z.string(), z.unknown()),
        choices: z.record(z.string(), z.array(z.string())),
        variants: z.record(z.string(), z.object({ paperName: z.string(), description: z.string(), settings: z.record(z.string(), z.unknown()) })),
      }),
    }),
  }),
  'runs.start': method({
    summary:
      "Starts training a model on a dataset (a job); settings override the dataset preset. llmdirec runs take settings.variant (Table 4), embeddingSetId (id | 'latest' | 'provider/model'), fusion, alignWeight, adapter options.",
    input: z
      .object({
        dataset: Name,
        model: z.enum(['sasrec', 'indirec', 'llmdirec']),
        epochs: z.number().int().min(1).max(10000).optional(),
        seed: z.number().int().optional(),
        settings: TrainingOverrides.default({}),
      })
      .strict(),
    output: jobStarted('train').extend({ runId: z.string() }),
  }),
  'runs.resume': method({
    summary: 'Continues an interrupted, failed or cancelled run from its last checkpoint (a job); `epochs` sets its budget: more trains it (also a finished one) further, as many as done finishes it where it is; `workers` changes its worker count from here on.',
    input: z.object({ runId: RunId, epochs: z.number().int().min(1).max(10000).optional(), workers: z.number().int().min(1).max(64).optional() }).strict(),
    output: jobStarted('train').extend({ runId: z.string() }),
  }),
  'runs.export': method({
    summary:
      "Writes a run (record, epoch log, checkpoints) to one file, to import into another store or computer; a run still training is exported as of its last checkpoint.",
    // `file` may be a folder: the run is written there as <run id>.llmdirec-run.safetensors.
    input: z.object({ runId: RunId, file: z.string().min(1) }).strict(),
    output: z.object({ runId: z.string(), file: z.string(), bytes: z.number().int(), epochsDone: z.number().int(), checkpoints: z.array(z.enum(['last', 'best'])) }),
  }),
  'runs.import': method({
    summary:
      'Adds the run of an exported file to this store, over its dataset here (`dataset` when named otherwise), which must hold the same sequences; resume it to train further.',
    input: z.object({ file: z.string().min(1), dataset: Name.optional() }).strict(),
    output: RunSummary,
  }),
  'runs.list': method({
    summary: 'All runs, newest first, optionally for one dataset.',
    input: z.object({ dataset: Name.optional() }).strict(),
    output: z.array(RunSummary),
  }),
  'runs.show': method({
    summary: 'One run: settings, per-epoch losses and validation metrics, cluster sizes, checkpoints, test metrics.',
    input: z.object({ runId: RunId }).strict(),
    output: RunDetail,
  }),
  'runs.evaluate': method({
    summary: "Evaluates (a job) a run's best (or last) checkpoint, or a reference safetensors checkpoint, on a dataset's test or validation split.",
    input: z
      .object({
        runId: RunId.optional(),
        dataset: Name.optional(),
        checkpoint: z.string().min(1).optional(),
        split: z.enum(['test', 'valid']).default('test'),
      })
      .strict()
      .refine((v) => v.runId !== undefined || (v.dataset !== undefined && v.checkpoint !== undefined), 'Give runId, or dataset and checkpoint'),
    // A job (15–25 s on Beauty, in a worker thread); its result is an EvaluationReport.
    output: jobStarted('evaluate'),
  }),
};
