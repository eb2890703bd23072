/**
 * A plan's live report: one row per dataset × model × variant (× epochs and overrides, when entries
 * differ in them), mean ± sample std over the seeds whose runs finished, next to the paper's printed
 * number (Table 2 overall, Table 4 for the ablation variants, Table 3 for the item/user groups).
 * Rows exist from the start, so the paper's numbers show before the first run ends.
 */
import { csvCell } from '../analysis/export';
import { meanStd, paperDatasetName, type PaperResults } from '../analysis/report';
import { llmdirecVariants } from '../engine/settings';
import type { EntryState, PlanEntryRecord } from './store';

export const OVERALL_COLUMNS = ['HR@10', 'NDCG@10', 'HR@20', 'NDCG@20'] as const;
const GROUPS = ['tail_item', 'head_item', 'cold_user', 'hot_user'] as const;
export const GROUP_COLUMNS = GROUPS.flatMap((g) => [`${g}_HR@10`, `${g}_NDCG@10`]);
export const REPORT_COLUMNS: string[] = [...OVERALL_COLUMNS, ...GROUP_COLUMNS];

/** One entry as the report needs it: its spec, state, and (finished) run's test metrics. */
export interface ReportEntry {
  entry: PlanEntryRecord;
  state: EntryState;
  test?: Record<string, number>;
}

export interface ReportCell {
  /** null: no finished run has this number yet. */
  mean: number | null;
  std: number | null;
  n: number;
  paper: number | null;
}

export interface PlanReportRow {
  dataset: string;
  /** As the paper names it: SASRec, InDiRec, LLMDiRec, or a Table-4 column ("w/ CA"). */
  model: string;
  variant?: string;
  epochs?: number;
  /** The row's epochs and overrides as key=value that not every row shares ('' when none). */
  settings: string;
  planned: number;
  /** Seeds and run ids of the finished (succeeded) runs the numbers are over. */
  seeds: number[];
  runs: string[];
  cells: ReportCell[];
}

export interface PlanReport {
  columns: string[];
  rows: PlanReportRow[];
  /** The epochs and overrides every row shares, as key=value ('' when none). */
  commonSettings: string;
  paperSource: string | null;
  paperNote?: string;
  /** Finished entries left out of the numbers: diverged runs (their metrics mean nothing). */
  excluded: { runId: string; state: EntryState }[];
  groupDefinitions: { dataset: string; coldMaxLength: number | null; hotMinLength: number | null }[];
}

/** The paper's column name of a model/variant. */
export function paperModelName(model: string, variant?: string): string {
  if (model === 'llmdirec') return llmdirecVariants[variant ?? 'full']?.paperName ?? `LLMDiRec (${variant})`;
  return ({ sasrec: 'SASRec', indirec: 'InDiRec' } as Record<string, string>)[model] ?? model;
}

const settingPairs = (s: Record<string, unknown>): string[] =>
  Object.keys(s)
    .sort()
    .map((k) => `${k}=${Array.isArray(s[k]) ? (s[k] as unknown[]).join(',') : String(s[k])}`);

/** An entry's epoch budget and setting overrides as sorted "key=value" pairs. */
const entryPairs = (e: PlanEntryRecord): string[] => settingPairs({ ...(e.epochs !== undefined ? { epochs: e.epochs } : {}), ...e.settings });

/** The pairs every entry has: said once, so that a report row or an entry names only what sets it apart. */
export function commonPairs(entries: readonly PlanEntryRecord[]): string[] {
  if (!entries.length) return [];
  return entryPairs(entries[0]!).filter((p) => entries.every((e) => entryPairs(e).includes(p)));
}

/** What sets an entry apart from the plan's others (`common` = commonPairs of them all), as "key=value …". */
export const ownSettings = (e: PlanEntryRecord, common: readonly string[]): string => entryPairs(e).filter((p) => !common.includes(p)).join(' ');

/** The value of a column in a finished entry: test metrics for the overall columns, stored groups for the rest. */
function valueOf(e: ReportEntry, column: string): number | undefined {
  if ((OVERALL_COLUMNS as readonly string[]).includes(column)) return e.test?.[column];
  const at = column.lastIndexOf('_');
  const group = column.slice(0, at) as (typeof GROUPS)[number];
  return e.entry.groups?.metrics[group]?.[column.slice(at + 1)];
}

function paperValue(paper: PaperResults | null, dataset: string, model: string, column: string): number | null {
  if (!paper) return null;
  const lookup = (table: keyof PaperResults, index: number) => (paper[table] as unknown as Record<string, Record<string, number[]> | undefined>)[dataset]?.[model]?.[index] ?? null;
  const overall = OVERALL_COLUMNS.indexOf(column as (typeof OVERALL_COLUMNS)[number]);
  if (overall >= 0) {
    if (overall > 1) return null; // the paper prints @10 only
    const ablation = model !== 'LLMDiRec' && Object.values(llmdirecVariants).some((v) => v.paperName === model);
    return lookup(ablation ? 'table4_ablation' : 'table2_overall', overall);
  }
  const index = paper.table3_groups.columns.indexOf(column);
  return index >= 0 ? lookup('table3_groups', index) : null;
}

export function buildPlanReport(entries: readonly ReportEntry[], paper: PaperResults | null, paperSource: string | null = null, paperNote?: string): PlanReport {
  const byKey = new Map<string, ReportEntry[]>();
  for (const e of entries) {
    const { dataset, model, variant, epochs, settings } = e.entry;
    const key = JSON.stringify([dataset, model, variant ?? null, epochs ?? null, settingPairs(settings)]);
    byKey.set(key, [...(byKey.get(key) ?? []), e]);
  }
  const groups = [...byKey.values()];
  const common = commonPairs(entries.map((e) => e.entry));
  const rows = groups.map((group): PlanReportRow => {
    const first = group[0]!.entry;
    const model = paperModelName(first.model, first.variant);
    const finished = group.filter((e) => e.state === 'succeeded' && e.test);
    return {
      dataset: first.dataset,
      model,
      ...(first.variant ? { variant: first.variant } : {}),
      ...(first.epochs !== undefined ? { epochs: first.epochs } : {}),
      settings: ownSettings(first, common),
      planned: group.length,
      seeds: finished.map((e) => e.entry.seed),
      runs: finished.map((e) => e.entry.runId!),
      cells: REPORT_COLUMNS.map((column) => {
        const values = finished.map((e) => valueOf(e, column)).filter((v): v is number => v !== undefined && Number.isFinite(v));
        const paperNumber = paperValue(paper, paperDatasetName(first.dataset), model, column);
        return values.length ? { ...meanStd(values), n: values.length, paper: paperNumber } : { mean: null, std: null, n: 0, paper: paperNumber };
      }),
    };
  });
  const definitions = new Map<string, PlanReport['groupDefinitions'][number]>();
  for (const e of entries) {
    const g = e.entry.groups;
    if (g && e.state === 'succeeded' && !definitions.has(e.entry.dataset)) definitions.set(e.entry.dataset, { dataset: e.entry.dataset, coldMaxLength: g.coldMaxLength, hotMinLength: g.hotMinLength });
  }
  return {
    columns: REPORT_COLUMNS,
    rows,
    commonSettings: common.join(' '),
    paperSource,
    ...(paperNote ? { paperNote } : {}),
    excluded: entries.filter((e) => e.state === 'diverged' && e.entry.runId).map((e) => ({ runId: e.entry.runId!, state: e.state })),
    groupDefinitions: [...definitions.values()],
  };
}

const num = (v: number | null): string => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(4));

/** "0.0950 ± 0.0012 (paper 0.0971)": ours, with the sample std when there are several seeds. */
export function cellText(c: ReportCell): string {
  const ours = c.n === 0 ? '—' : c.std === null ? num(c.mean) : `${num(c.mean)} ± ${num(c.std)}`;
  return c.paper === null ? ours : `${ours} (paper ${num(c.paper)})`;
}

/** The report as Markdown: overall metrics, then the item/user groups when any run has them. */
export function planReportToMarkdown(report: PlanReport, heading: string): string {
  const out = [`# ${heading}`, ''];
  out.push(report.paperSource ? `Paper numbers from ${report.paperSource}.` : (report.paperNote ?? 'Paper numbers not shown.'));
  if (report.commonSettings) out.push(`Every run: ${report.commonSettings}.`);
  out.push('Cells: ours, mean ± sample std over the finished seeds, with the paper\'s printed number in parentheses; "Seeds" is finished / planned.', '');
  const table = (title: string, columns: readonly string[]) => {
    const index = columns.map((c) => report.columns.indexOf(c));
    out.push(`## ${title}`, '', `| Dataset | Model | Settings | Seeds | ${columns.join(' | ')} |`, `|${'---|'.repeat(columns.length + 4)}`);
    for (const r of report.rows) {
      out.push(`| ${r.dataset} | ${r.model} | ${r.settings || '—'} | ${r.seeds.length}/${r.planned} | ${index.map((i) => cellText(r.cells[i]!)).join(' | ')} |`);
    }
    out.push('');
  };
  table('Overall (test split, full ranking)', OVERALL_COLUMNS);
  if (report.rows.some((r) => GROUP_COLUMNS.some((c) => r.cells[report.columns.indexOf(c)]!.n > 0))) {
    table('Item and user groups (Table 3)', GROUP_COLUMNS);
    out.push('Tail items: the 20 % least popular items in training; cold / hot users: the 20 % shortest / longest histories.');
    for (const d of report.groupDefinitions) out.push(`- ${d.dataset}: cold users have histories of ≤ ${d.coldMaxLength ?? '—'} items, hot users ≥ ${d.hotMinLength ?? '—'} items.`);
    out.push('');
  }
  if (report.excluded.length) out.push(`Left out of the numbers: ${report.excluded.map((x) => `${x.runId} (${x.state}: its loss became non-finite)`).join(', ')}.`, '');
  return out.join('\n');
}

const csvField = (v: string | number | null | undefined): string => csvCell(v === null || v === undefined ? '' : String(v));

/** The report as CSV: one line per row with all its settings, mean/std/paper per column at full precision (empty: not available). */
export function planReportToCsv(report: PlanReport): string {
  const header = ['dataset', 'model', 'variant', 'epochs', 'settings', 'planned', 'finished', 'seeds', 'runs', ...report.columns.flatMap((c) => [`${c} mean`, `${c} std`, `${c} paper`])];
  const lines = report.rows.map((r) =>
    [r.dataset, r.model, r.variant, r.epochs, [report.commonSettings, r.settings].filter(Boolean).join(' '), r.planned, r.seeds.length, r.seeds.join(' '), r.runs.join(' '), ...r.cells.flatMap((c) => [c.mean, c.std, c.paper])].map(csvField).join(','),
  );
  return [header.map(csvField).join(','), ...lines].join('\n') + '\n';
}
