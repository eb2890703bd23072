import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '../../api/contracts/common';
import { backendDescription, initBackend } from '../../engine/backend';
import { leaveOneOutCases, readSequenceFile } from '../../engine/data';
import { evaluateRanking } from '../../engine/evaluate';
import { loadReferenceCheckpoint } from '../../engine/model';
import { parseSettingAssignments } from '../../engine/settings';
import { epochNumber } from '../../api/epochs';
import { printDiagnostics } from '../diagnostics';
import { followJob, optionalNumber, printJson, printTable, requirePositional, requireString, type CliArgs, type CliIO, type Command } from '../command';

const METRICS = ['HR@5', 'HR@10', 'HR@20', 'NDCG@5', 'NDCG@10', 'NDCG@20', 'users'] as const;

function pickMetrics(m: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(METRICS.map((k) => [k, m[k] as number]));
}

function model(args: CliArgs): 'sasrec' | 'indirec' | 'llmdirec' {
  const value = args.flags.model ?? 'indirec';
  if (value !== 'sasrec' && value !== 'indirec' && value !== 'llmdirec') throw new ApiError('validation', `--model must be sasrec, indirec or llmdirec (got "${String(value)}")`);
  return value;
}

/** --embeddings / --variant are shorthands for --set embeddingSetId=… / --set variant=… (llmdirec). */
function llmdirecFlags(args: CliArgs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const embeddings = args.flags.embeddings as string | undefined;
  if (embeddings !== undefined) out.embeddingSetId = /^\d+$/.test(embeddings) ? Number(embeddings) : embeddings;
  if (args.flags.variant !== undefined) out.variant = String(args.flags.variant);
  return out;
}

function settingPairs(args: CliArgs): string[] {
  const v = args.flags.set;
  return v === undefined ? [] : Array.isArray(v) ? v : [String(v)];
}

function printMetrics(io: CliIO, m: Record<string, number>): void {
  printTable(io, [m], [...METRICS]);
}

/** `eval --dataset <file.txt>`: a sequence file evaluated directly, without importing it. */
async function evaluateFile(file: string, checkpoint: string, io: CliIO) {
  await initBackend();
  io.err(`Evaluating ${checkpoint} on ${file} with the ${backendDescription()} backend`);
  const data = readSequenceFile(file);
  const m = loadReferenceCheckpoint(checkpoint, data.numItems);
  try {
    return await evaluateRanking(m, leaveOneOutCases(data, 'test'), { maxSeqLength: m.settings.maxSeqLength });
  } finally {
    m.dispose();
  }
}

export const trainCommands: Command[] = [
  {
    path: ['train'],
    summary: 'Trains sasrec, indirec or llmdirec on a dataset (preset of docs/model.md §11 + --set overrides), then tests the best checkpoint.',
    flags: {
      dataset: { type: 'string', description: 'Dataset name', valueName: 'name' },
      model: { type: 'string', description: 'sasrec | indirec | llmdirec (default indirec)', valueName: 'm' },
      embeddings: { type: 'string', description: 'llmdirec: embedding set id or provider/model (default: the latest complete set)', valueName: 'id|provider/model' },
      variant: { type: 'string', description: 'llmdirec: full | ca | ca-no-align | no-align | concat | weighted (Table 4)', valueName: 'v' },
      epochs: { type: 'string', description: 'Epochs (default 50)', valueName: 'n' },
      seed: { type: 'string', description: 'Seed (default 2022)', valueName: 'n' },
      workers: { type: 'string', description: 'Worker threads sharing each step (default: one per core; exact, see the engine README)', valueName: 'n' },
      set: { type: 'string', multiple: true, description: 'Any setting, repeatable (llmdirec runs presets lists them)', valueName: 'key=value' },
    },
    async run(args, service, io) {
      const workers = optionalNumber(args, 'workers');
      const settings = { ...parseSettingAssignments(settingPairs(args)), ...llmdirecFlags(args), ...(workers !== undefined ? { workers } : {}) };
      const { runId, ...started } = await service.call('runs.start', {
        dataset: requireString(args, 'dataset'),
        model: model(args),
        epochs: optionalNumber(args, 'epochs'),
        seed: optionalNumber(args, 'seed'),
        settings,
      });
      io.err(`Run ${runId}`);
      const result = await followJob(service, started, io);
      if (args.json) return printJson(io, result);
      io.out(`Run ${result.runId} (${result.backend} backend): ${result.epochs} epochs, best epoch ${result.bestEpoch === undefined ? '-' : epochNumber(result.bestEpoch)}; test metrics:`);
      printMetrics(io, pickMetrics(result.test));
    },
  },
  {
    path: ['runs', 'list'],
    summary: 'Training runs, newest first.',
    flags: { dataset: { type: 'string', description: 'Only runs on this dataset', valueName: 'name' } },
    async run(args, service, io) {
      const runs = await service.call('runs.list', { dataset: args.flags.dataset as string | undefined });
      if (args.json) return printJson(io, runs);
      printTable(
        io,
        runs.map((r) => ({ ...r, epochs: `${r.epochsDone}/${r.epochs}`, 'test NDCG@20': r.test?.['NDCG@20'], 'test HR@20': r.test?.['HR@20'] })),
        ['id', 'dataset', 'model', 'backend', 'status', 'epochs', 'test HR@20', 'test NDCG@20'],
      );
    },
  },
  {
    path: ['runs', 'show'],
    summary: 'One run: settings, per-epoch losses and validation metrics, checkpoints, test metrics.',
    args: '<run-id>',
    async run(args, service, io) {
      const runId = requirePositional(args, 'Give a run id (llmdirec runs list)');
      const run = await service.call('runs.show', { runId });
      if (args.json) return printJson(io, run);
      io.out(`${run.id}: ${run.model} on ${run.dataset}, ${run.status}, backend ${run.backend ?? '-'} on ${String(run.settings.workers ?? 1)} worker(s), ${run.epochsDone}/${run.epochs} epochs, best epoch ${run.bestEpoch === undefined ? '-' : epochNumber(run.bestEpoch)}, ${run.trainSeconds.toFixed(0)} s training`);
      if (run.embedding) {
        const e = run.embedding;
        io.out(`LLMDiRec ${String(run.settings.variant)} (fusion ${String(run.settings.fusion)}, alignWeight ${String(run.settings.alignWeight)}): embedding set ${e.embeddingSetId} = ${e.provider}/${e.model} (${e.dims}-d), template ${e.template} v${e.templateVersion}, ${e.itemsWithText} items with text`);
      }
      // Where a diverged run's loss became non-finite (or why a run failed).
      if (run.error) io.out(run.status === 'diverged' ? run.error : `error: ${run.error}`);
      printTable(
        io,
        run.epochLog.map((e) => ({ epoch: epochNumber(e.epoch), ...e.losses, 'valid HR@20': e.valid?.['HR@20'], 'valid NDCG@20': e.valid?.['NDCG@20'], seconds: e.seconds })),
        ['epoch', 'total', 'rec', 'diff', 'cl', ...(run.model === 'llmdirec' ? ['align'] : []), 'valid HR@20', 'valid NDCG@20', 'seconds'],
      );
      printDiagnostics(io, run.epochLog);
      if (run.test) printMetrics(io, pickMetrics(run.test));
    },
  },
  {
    path: ['runs', 'resume'],
    summary: 'Continues an interrupted run from its last checkpoint; --epochs N sets its budget: train it (also a finished one) further to N epochs in all, or finish it where it is.',
    args: '<run-id>',
    flags: {
      epochs: { type: 'string', description: 'Epochs in all: more than done trains further; as many as done finishes it (validate, test)', valueName: 'n' },
      workers: { type: 'string', description: 'Worker threads from here on (default: the run\'s own count)', valueName: 'n' },
    },
    async run(args, service, io) {
      const runId = requirePositional(args, 'Give a run id (llmdirec runs list)');
      const started = await service.call('runs.resume', { runId, epochs: optionalNumber(args, 'epochs'), workers: optionalNumber(args, 'workers') });
      const result = await followJob(service, started, io);
      if (args.json) return printJson(io, result);
      printMetrics(io, pickMetrics(result.test));
    },
  },
  {
    path: ['runs', 'export'],
    summary: 'Writes a run (record, epoch log, checkpoints) to one file, to import into another store or computer; a run still training is exported as of its last checkpoint.',
    args: '<run-id>',
    flags: { out: { type: 'string', description: 'File or folder to write to (default: <run-id>.llmdirec-run.safetensors here)', valueName: 'file' } },
    async run(args, service, io) {
      const runId = requirePositional(args, 'Give a run id (llmdirec runs list)');
      const file = resolve((args.flags.out as string | undefined) ?? '.');
      const result = await service.call('runs.export', { runId, file });
      if (args.json) return printJson(io, result);
      io.out(`Exported ${runId} (${result.epochsDone} epochs, checkpoints: ${result.checkpoints.join(', ') || 'none'}) to ${result.file}, ${(result.bytes / 1e6).toFixed(1)} MB`);
    },
  },
  {
    path: ['runs', 'import'],
    summary: 'Adds an exported run to this store, over the same dataset here (--dataset when it has another name); "runs resume" trains it further.',
    args: '<file>',
    flags: { dataset: { type: 'string', description: 'Dataset here holding the same sequences (default: the name it had)', valueName: 'name' } },
    async run(args, service, io) {
      const file = resolve(requirePositional(args, 'Give the exported run file'));
      const run = await service.call('runs.import', { file, dataset: args.flags.dataset as string | undefined });
      if (args.json) return printJson(io, run);
      io.out(`Imported ${run.id}: ${run.model} on ${run.dataset}, ${run.status}, ${run.epochsDone}/${run.epochs} epochs${run.status === 'succeeded' || run.status === 'diverged' ? '' : ` (llmdirec runs resume ${run.id} continues it)`}`);
    },
  },
  {
    path: ['runs', 'presets'],
    summary: 'Every training setting with its reference default, and the per-dataset presets.',
    async run(args, service, io) {
      const p = await service.call('runs.presets', {});
      if (args.json) return printJson(io, p);
      printTable(io, Object.entries(p.defaults).map(([setting, value]) => ({ setting, default: String(value) })), ['setting', 'default']);
      for (const [name, values] of Object.entries(p.presets)) io.out(`preset ${name}: ${Object.entries(values).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
    },
  },
  {
    path: ['eval'],
    summary: 'Full-ranking test metrics of a run (--run) or of a reference safetensors checkpoint on a dataset (--dataset, --checkpoint).',
    flags: {
      run: { type: 'string', description: 'Run id', valueName: 'id' },
      dataset: { type: 'string', description: 'Dataset name (or a sequence .txt file)', valueName: 'name' },
      checkpoint: { type: 'string', description: 'Reference-format .safetensors file', valueName: 'file' },
    },
    async run(args, service, io) {
      const runId = args.flags.run as string | undefined;
      const dataset = args.flags.dataset as string | undefined;
      const checkpoint = args.flags.checkpoint as string | undefined;
      let metrics: Record<string, number>;
      if (!runId && dataset && checkpoint && /\.txt$/i.test(dataset) && existsSync(dataset)) {
        metrics = pickMetrics({ ...(await evaluateFile(dataset, checkpoint, io)) });
      } else {
        if (!runId && !(dataset && checkpoint)) throw new ApiError('validation', 'Give --run <id>, or --dataset <name> and --checkpoint <file>');
        const started = await service.call('runs.evaluate', { runId, dataset, checkpoint, split: 'test' });
        const r = await followJob(service, started, io);
        io.err(`Evaluated with the ${r.backend} backend in ${r.seconds.toFixed(1)} s`);
        metrics = pickMetrics(r);
      }
      if (args.json) return printJson(io, metrics);
      printMetrics(io, metrics);
    },
  },
];
