import { existsSync, readFileSync } from 'node:fs';

/**
 * The reproduction report (issue #5: `llmdirec report --runs …`): paper Tables 2–4 rebuilt from
 * evaluated runs, next to the paper's printed numbers (`resources/paper-results.json`, read at
 * runtime), with mean ± std where several seeds of the same dataset × model exist.
 */

/** One evaluated run as the report needs it. */
export interface ReportRun {
  runId: string;
  dataset: string;
  /** Model as the paper names it: SASRec, InDiRec, LLMDiRec, or a Table-4 variant ("w/ concat", …). */
  model: string;
  seed: number;
  /** The run's status; a diverged run (issue #12: its loss became non-finite) is left out of every cell. */
  status?: string;
  /** Test metrics, e.g. { 'HR@10': 0.097, 'NDCG@10': 0.058 }. */
  metrics: Record<string, number>;
  /** Table-3 groups, keyed like the paper's columns without the metric: overall, tail_item, head_item, cold_user, hot_user. */
  groups?: Record<string, Record<string, number>>;
  /** History lengths that made a user cold (≤ coldMaxLength) or hot (≥ hotMinLength) in this run's groups. */
  groupDefinition?: { coldMaxLength: number | null; hotMinLength: number | null };
}

export interface PaperResults {
  table2_overall: Record<string, unknown> & { metrics: string[] };
  table3_groups: Record<string, unknown> & { columns: string[] };
  table4_ablation: Record<string, unknown> & { metrics: string[] };
}

export interface Cell {
  mean: number;
  std: number | null;
  n: number;
  paper: number | null;
}

export interface ReportTable {
  title: string;
  columns: string[];
  rows: { dataset: string; model: string; runs: string[]; cells: (Cell | null)[] }[];
}

export interface ReproductionReport {
  paperSource: string | null;
  /** Why paper numbers are missing, when they are. */
  paperNote?: string;
  tables: ReportTable[];
  /** Per dataset: the cold/hot history-length thresholds Table 3 used (printed under it). */
  groupDefinitions: { dataset: string; coldMaxLength: number | null; hotMinLength: number | null }[];
  /** Runs asked for but left out of the numbers (diverged), named under the tables. */
  excluded: { runId: string; status: string }[];
}

/** A diverged model's metrics mean nothing (a NaN model used to score HR@10 = 1): never average them in. */
const LEFT_OUT = new Set(['diverged']);

/** Reads the paper's numbers; absent or unreadable → null with a reason to print. */
export function readPaperResults(file: string): { results: PaperResults | null; note?: string } {
  if (!existsSync(file)) return { results: null, note: `Paper numbers not shown: ${file} is absent.` };
  try {
    return { results: JSON.parse(readFileSync(file, 'utf8')) as PaperResults };
  } catch (error) {
    return { results: null, note: `Paper numbers not shown: ${file} is not valid JSON (${(error as Error).message}).` };
  }
}

/** Store dataset names → the paper's: "Toys_and_Games" → "Toys", "ml-1m_reconstructed" → "ML-1M". */
export function paperDatasetName(name: string): string {
  const n = name.toLowerCase();
  if (n.startsWith('beauty')) return 'Beauty';
  if (n.startsWith('sports')) return 'Sports';
  if (n.startsWith('toys')) return 'Toys';
  if (n.startsWith('yelp')) return 'Yelp';
  if (/^ml-?1m/.test(n)) return 'ML-1M';
  return name;
}

export function meanStd(values: readonly number[]): { mean: number; std: number | null } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, std: null };
  // Sample standard deviation (n − 1): seeds are a sample of possible runs.
  const v = values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(v) };
}

const GROUPS = ['overall', 'tail_item', 'head_item', 'cold_user', 'hot_user'];

export function buildReport(runs: readonly ReportRun[], paper: PaperResults | null, paperSource: string | null = null, paperNote?: string): ReproductionReport {
  const byKey = new Map<string, ReportRun[]>();
  const excluded = runs.filter((r) => r.status !== undefined && LEFT_OUT.has(r.status)).map((r) => ({ runId: r.runId, status: r.status! }));
  for (const r of runs) {
    if (r.status !== undefined && LEFT_OUT.has(r.status)) continue;
    const key = `${paperDatasetName(r.dataset)}\u0000${r.model}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const paperValue = (table: keyof PaperResults, dataset: string, model: string, index: number): number | null => {
    const t = paper?.[table] as Record<string, Record<string, number[]>> | undefined;
    return t?.[dataset]?.[model]?.[index] ?? null;
  };
  const cell = (values: number[], paperNumber: number | null): Cell | null =>
    values.length ? { ...meanStd(values), n: values.length, paper: paperNumber } : paperNumber === null ? null : { mean: NaN, std: null, n: 0, paper: paperNumber };

  const overallColumns = ['HR@10', 'NDCG@10'];
  const groupColumns = GROUPS.flatMap((g) => overallColumns.map((m) => `${g}_${m}`));
  const table4Models = new Set(Object.keys((paper?.table4_ablation as { variants?: object } | undefined)?.variants ?? {}));
  const rows = (columns: string[], table: keyof PaperResults, pick: (r: ReportRun, column: string) => number | undefined, include: (model: string) => boolean) =>
    [...byKey.entries()]
      .filter(([key]) => include(key.split('\u0000')[1]!))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, group]) => {
        const [dataset, model] = key.split('\u0000') as [string, string];
        return {
          dataset,
          model,
          runs: group.map((r) => r.runId),
          cells: columns.map((c, i) => cell(group.map((r) => pick(r, c)).filter((v): v is number => v !== undefined), paperValue(table, dataset, model, i))),
        };
      });

  return {
    paperSource,
    ...(paperNote ? { paperNote } : {}),
    tables: [
      { title: 'Table 2 — overall performance (test, full ranking)', columns: overallColumns, rows: rows(overallColumns, 'table2_overall', (r, c) => r.metrics[c], (m) => !table4Models.has(m) || m === 'LLMDiRec') },
      {
        title: 'Table 3 — item and user groups',
        columns: groupColumns,
        rows: rows(groupColumns, 'table3_groups', (r, c) => {
          const [g, m] = [c.slice(0, c.lastIndexOf('_')), c.slice(c.lastIndexOf('_') + 1)];
          return r.groups?.[g]?.[m];
        }, (m) => ['SASRec', 'CaDiRec', 'InDiRec', 'LLMDiRec'].includes(m)).filter((row) => row.cells.some((c) => c && c.n > 0)),
      },
      { title: 'Table 4 — ablation of fusion and alignment', columns: overallColumns, rows: rows(overallColumns, 'table4_ablation', (r, c) => r.metrics[c], (m) => table4Models.has(m)) },
    ],
    groupDefinitions: groupDefinitions(runs),
    excluded,
  };
}

/** The thresholds are a property of the dataset (same split for every model), so one line per dataset. */
function groupDefinitions(runs: readonly ReportRun[]): ReproductionReport['groupDefinitions'] {
  const seen = new Map<string, ReproductionReport['groupDefinitions'][number]>();
  for (const r of runs) {
    const dataset = paperDatasetName(r.dataset);
    if (r.groupDefinition && !seen.has(dataset)) seen.set(dataset, { dataset, ...r.groupDefinition });
  }
  return [...seen.values()].sort((a, b) => (a.dataset < b.dataset ? -1 : 1));
}

/** "Beauty: cold users have histories of ≤ 4 items, hot users ≥ 13 items." */
export function groupDefinitionLines(report: ReproductionReport): string[] {
  const n = (v: number | null): string => (v === null ? '—' : String(v));
  return report.groupDefinitions.map((d) => `${d.dataset}: cold users have histories of ≤ ${n(d.coldMaxLength)} items, hot users ≥ ${n(d.hotMinLength)} items.`);
}

/** "Left out: r7 (diverged: its loss became non-finite)." */
function excludedLine(report: ReproductionReport): string | undefined {
  if (!report.excluded.length) return undefined;
  return `Left out: ${report.excluded.map((r) => `${r.runId} (${r.status}${r.status === 'diverged' ? ': its loss became non-finite' : ''})`).join(', ')}.`;
}

const num = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : '—');
function cellText(c: Cell | null): string {
  if (!c) return '—';
  const ours = c.n === 0 ? '—' : c.std === null ? num(c.mean) : `${num(c.mean)} ± ${num(c.std)}`;
  return c.paper === null ? ours : `${ours} (paper ${num(c.paper)})`;
}

export function reportToMarkdown(report: ReproductionReport, groupsNote?: string): string {
  const out: string[] = ['# Reproduction report', ''];
  out.push(report.paperSource ? `Paper numbers from ${report.paperSource}.` : (report.paperNote ?? 'Paper numbers not shown.'));
  out.push('Cells: ours (mean ± sample std over seeds when there are several) and the paper\'s number in parentheses.', '');
  for (const t of report.tables) {
    out.push(`## ${t.title}`, '');
    if (t.title.startsWith('Table 3') && groupsNote) out.push(groupsNote, '');
    if (t.title.startsWith('Table 3')) for (const line of groupDefinitionLines(report)) out.push(`- ${line}`);
    if (t.title.startsWith('Table 3') && report.groupDefinitions.length) out.push('');
    if (!t.rows.length) {
      out.push('No runs for this table.', '');
      continue;
    }
    out.push(`| Dataset | Model | Runs | ${t.columns.join(' | ')} |`, `|${'---|'.repeat(t.columns.length + 3)}`);
    for (const r of t.rows) out.push(`| ${r.dataset} | ${r.model} | ${r.runs.length} | ${r.cells.map(cellText).join(' | ')} |`);
    out.push('');
  }
  const left = excludedLine(report);
  if (left) out.push(left, '');
  return out.join('\n');
}

export function reportToHtml(report: ReproductionReport, groupsNote?: string): string {
  const esc = (s: string): string => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
  const parts = ['<!doctype html><meta charset="utf-8"><title>Reproduction report</title>', '<h1>Reproduction report</h1>'];
  parts.push(`<p>${esc(report.paperSource ? `Paper numbers from ${report.paperSource}.` : (report.paperNote ?? 'Paper numbers not shown.'))}</p>`);
  for (const t of report.tables) {
    parts.push(`<h2>${esc(t.title)}</h2>`);
    if (t.title.startsWith('Table 3') && groupsNote) parts.push(`<p>${esc(groupsNote)}</p>`);
    if (t.title.startsWith('Table 3') && report.groupDefinitions.length) parts.push(`<ul>${groupDefinitionLines(report).map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`);
    if (!t.rows.length) {
      parts.push('<p>No runs for this table.</p>');
      continue;
    }
    parts.push(`<table><tr><th>Dataset</th><th>Model</th><th>Runs</th>${t.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`);
    for (const r of t.rows) parts.push(`<tr><td>${esc(r.dataset)}</td><td>${esc(r.model)}</td><td>${r.runs.length}</td>${r.cells.map((c) => `<td>${esc(cellText(c))}</td>`).join('')}</tr>`);
    parts.push('</table>');
  }
  const left = excludedLine(report);
  if (left) parts.push(`<p>${esc(left)}</p>`);
  return parts.join('\n');
}
