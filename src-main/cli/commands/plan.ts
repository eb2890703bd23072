import { readFileSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { ApiError } from '../../api/contracts/common';
import type { Output } from '../../api/contract';
import { toApiError } from '../../api/jobs';
import { parseSettingAssignments } from '../../engine/settings';
import { parsePlanText } from '../../plans/format';
import { cellText, GROUP_COLUMNS, OVERALL_COLUMNS } from '../../plans/report';
import { followJob, optionalNumber, printJson, printTable, requirePositional, type CliArgs, type CliIO, type Command } from '../command';

type PlanDetail = Output<'plans.show'>;

/** `plan show 3`: the id as a number, or a usage error saying what a plan id is. */
function planIdArg(args: CliArgs): number {
  const raw = requirePositional(args, 'Give a plan id (llmdirec plan list)');
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new ApiError('validation', `A plan id is a whole number ≥ 1 (got "${raw}"; llmdirec plan list shows them)`);
  return Number(raw);
}

/** "--seeds 2022,2023" → [2022, 2023]. */
function seedsFlag(args: CliArgs): number[] | undefined {
  const raw = args.flags.seeds;
  if (raw === undefined) return undefined;
  const seeds = String(raw).split(',').map((s) => s.trim());
  if (seeds.some((s) => !/^-?\d+$/.test(s))) throw new ApiError('validation', `--seeds takes whole numbers separated by commas, e.g. 2022,2023 (got "${String(raw)}")`);
  return seeds.map(Number);
}

const settingPairs = (args: CliArgs): string[] => {
  const v = args.flags.set;
  return v === undefined ? [] : Array.isArray(v) ? v : [String(v)];
};

const COUNTS = ['succeeded', 'running', 'interrupted', 'pending', 'failed', 'diverged'] as const;
const countsText = (counts: Record<string, number>): string =>
  COUNTS.filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`).join(', ') || 'no entries';

function printPlan(io: CliIO, plan: PlanDetail): void {
  io.out(`Plan ${plan.id}: ${plan.name}${plan.running ? ' (running)' : ''} — ${plan.entries} runs: ${countsText(plan.counts)}`);
  if (plan.description) io.out(plan.description);
  printTable(
    io,
    plan.entryList.map((e) => ({
      '#': e.position + 1,
      dataset: e.dataset,
      model: e.paperName,
      settings: e.ownSettings,
      seed: String(e.seed),
      state: e.state,
      run: e.runId ?? '',
      epochs: e.run ? `${e.run.epochsDone}/${e.run.epochs}` : '',
      'test HR@10': e.run?.test?.['HR@10'],
      'test NDCG@10': e.run?.test?.['NDCG@10'],
      note: e.error ?? (e.resumes ? `resumed ${e.resumes}×` : ''),
    })),
    ['#', 'dataset', 'model', 'settings', 'seed', 'state', 'run', 'epochs', 'test HR@10', 'test NDCG@10', 'note'],
  );
  printReport(io, plan.report);
}

function printReport(io: CliIO, report: PlanDetail['report']): void {
  io.out('');
  io.out(`Report: mean ± std over finished seeds (paper's number)${report.paperSource ? '' : ` — ${report.paperNote ?? 'no paper numbers'}`}`);
  if (report.commonSettings) io.out(`Every run: ${report.commonSettings}`);
  const show = (columns: readonly string[]) =>
    printTable(
      io,
      report.rows.map((r) => ({
        dataset: r.dataset,
        model: r.model,
        settings: r.settings,
        seeds: `${r.seeds.length}/${r.planned}`,
        ...Object.fromEntries(columns.map((c) => [c, cellText(r.cells[report.columns.indexOf(c)]!)])),
      })),
      ['dataset', 'model', 'settings', 'seeds', ...columns],
    );
  show(OVERALL_COLUMNS);
  if (report.rows.some((r) => GROUP_COLUMNS.some((c) => r.cells[report.columns.indexOf(c)]!.n > 0))) {
    io.out('');
    show(GROUP_COLUMNS);
  }
  if (report.excluded.length) io.out(`Left out (diverged): ${report.excluded.map((x) => x.runId).join(', ')}`);
}

export const planCommands: Command[] = [
  {
    path: ['plan', 'create'],
    summary: 'Stores an experiment plan: a JSON plan file (docs/plans.md), or a paper table (--paper table2|table3|table4 --dataset <name>).',
    args: '[<plan.json>]',
    flags: {
      paper: { type: 'string', description: 'table2 (SASRec, InDiRec, LLMDiRec) | table3 (groups: InDiRec, LLMDiRec) | table4 (the six LLMDiRec variants)', valueName: 'table' },
      dataset: { type: 'string', description: 'With --paper: the dataset (case-insensitive)', valueName: 'name' },
      epochs: { type: 'string', description: 'With --paper: epochs per run (default: the preset, 50)', valueName: 'n' },
      seeds: { type: 'string', description: 'With --paper: seeds, comma-separated (default 2022)', valueName: 'a,b' },
      set: { type: 'string', multiple: true, description: 'With --paper: a setting override for every run, repeatable', valueName: 'key=value' },
      parallel: { type: 'string', description: 'With --paper: runs trained side by side (default 1)', valueName: 'n' },
      name: { type: 'string', description: 'With --paper: the plan\'s name (default "<table> <dataset>")', valueName: 'text' },
    },
    async run(args, service, io) {
      const file = args.positionals[0];
      const paper = args.flags.paper as string | undefined;
      if (file && paper) throw new ApiError('validation', 'Give a plan file or --paper, not both');
      let plan: PlanDetail;
      if (file) {
        const path = resolve(file);
        let text: string;
        try {
          text = readFileSync(path, 'utf8');
        } catch (error) {
          throw new ApiError('not_found', `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
        }
        plan = await service.call('plans.create', { plan: parsePlanText(text, file), source: file });
      } else {
        if (!paper) throw new ApiError('validation', 'Give a plan file (docs/plans.md), or --paper table2|table3|table4 --dataset <name>');
        if (paper !== 'table2' && paper !== 'table3' && paper !== 'table4') throw new ApiError('validation', `--paper must be table2, table3 or table4 (got "${paper}")`);
        const dataset = args.flags.dataset;
        if (typeof dataset !== 'string' || !dataset) throw new ApiError('validation', '--paper needs --dataset <name>');
        const settings = parseSettingAssignments(settingPairs(args));
        plan = await service.call('plans.create', {
          paper,
          dataset,
          epochs: optionalNumber(args, 'epochs'),
          seeds: seedsFlag(args),
          ...(Object.keys(settings).length ? { settings } : {}),
          parallel: optionalNumber(args, 'parallel'),
          name: args.flags.name as string | undefined,
        });
      }
      if (args.json) return printJson(io, plan);
      io.out(`Created plan ${plan.id} (${plan.name}): ${plan.entries} runs. Train it with: llmdirec plan run ${plan.id}`);
      if (plan.description) io.out(plan.description);
    },
  },
  {
    path: ['plan', 'list'],
    summary: 'Experiment plans, newest first, with how far each has come.',
    async run(args, service, io) {
      const plans = await service.call('plans.list', {});
      if (args.json) return printJson(io, plans);
      if (!plans.length) {
        io.out('No plans yet: llmdirec plan create --paper table2 --dataset <name>');
        return;
      }
      printTable(io, plans.map((p) => ({ id: String(p.id), name: p.name, runs: p.entries, progress: countsText(p.counts), running: p.running ? 'yes' : '', created: p.createdAt.slice(0, 16) })), ['id', 'name', 'runs', 'progress', 'running', 'created']);
    },
  },
  {
    path: ['plan', 'show'],
    summary: "One plan: every run's state, run id and test metrics, and the report (mean ± std over seeds next to the paper's numbers).",
    args: '<plan-id>',
    async run(args, service, io) {
      const plan = await service.call('plans.show', { planId: planIdArg(args) });
      if (args.json) return printJson(io, plan);
      printPlan(io, plan);
    },
  },
  {
    path: ['plan', 'run'],
    summary: 'Trains the plan\'s remaining runs (resuming interrupted ones from their last checkpoint); Ctrl-C or a kill leaves it resumable: run it again to continue.',
    args: '<plan-id>',
    flags: {
      parallel: { type: 'string', description: 'Runs trained side by side (default: the plan\'s, else 1); each then gets cores / n workers', valueName: 'n' },
      'retry-failed': { type: 'boolean', description: 'Resume runs that failed, too' },
    },
    async run(args, service, io) {
      const planId = planIdArg(args);
      const started = await service.call('plans.run', { planId, parallel: optionalNumber(args, 'parallel'), retryFailed: args.flags['retry-failed'] === true || undefined });
      let result;
      try {
        result = await followJob(service, started, io);
      } catch (error) {
        if (toApiError(error).code !== 'cancelled') throw error;
        io.err(`Plan ${planId} stopped; the runs in flight are resumable: llmdirec plan run ${planId} continues it.`);
        return 130;
      }
      const plan = await service.call('plans.show', { planId });
      if (args.json) printJson(io, plan);
      else printPlan(io, plan);
      return result.failed.length ? 1 : 0;
    },
  },
  {
    path: ['plan', 'export'],
    summary: "Writes a plan's report as Markdown or CSV (by --out's extension, or --format).",
    args: '<plan-id>',
    flags: {
      out: { type: 'string', description: 'File to write (.md or .csv); without it the report goes to stdout', valueName: 'file' },
      format: { type: 'string', description: 'md | csv (default: from --out, else md)', valueName: 'f' },
    },
    async run(args, service, io) {
      const planId = planIdArg(args);
      const out = args.flags.out as string | undefined;
      const format = (args.flags.format as string | undefined) ?? (out && extname(out).toLowerCase() === '.csv' ? 'csv' : 'md');
      if (format !== 'md' && format !== 'csv') throw new ApiError('validation', `--format must be md or csv (got "${format}")`);
      if (out && !['.md', '.csv', '.markdown', '.txt'].includes(extname(out).toLowerCase()) && args.flags.format === undefined) throw new ApiError('validation', `--out ${out}: name a .md or .csv file, or give --format`);
      const report = await service.call('plans.export', { planId, format });
      if (!out) {
        io.out(report.text.replace(/\n$/, ""));
        return;
      }
      writeFileSync(resolve(out), report.text);
      if (args.json) return printJson(io, { planId, format, file: resolve(out), bytes: Buffer.byteLength(report.text) });
      io.out(`Wrote the report of plan ${planId} to ${resolve(out)}`);
    },
  },
  {
    path: ['plan', 'delete'],
    summary: 'Deletes a plan that is not running; its runs stay in the store (llmdirec runs list).',
    args: '<plan-id>',
    async run(args, service, io) {
      const planId = planIdArg(args);
      const deleted = await service.call('plans.delete', { planId });
      if (args.json) return printJson(io, deleted);
      io.out(`Deleted plan ${planId}; its runs are kept.`);
    },
  },
];
