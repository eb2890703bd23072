/**
 * The plan report's math and layout against hand-computed numbers: mean and sample std over seeds,
 * which paper table each cell's number comes from (resources/paper-results.json: the paper's printed
 * values, an independent source), rows kept apart by their settings, diverged and unfinished runs
 * left out, and the Markdown/CSV exports.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPaperResults } from '../../../src-main/analysis/report';
import { buildPlanReport, cellText, planReportToCsv, planReportToMarkdown, REPORT_COLUMNS, type ReportEntry } from '../../../src-main/plans/report';
import type { EntryGroups, EntryState, PlanEntryRecord } from '../../../src-main/plans/store';

const paper = readPaperResults(join(__dirname, '../../../resources/paper-results.json')).results!;

let position = 0;
function entry(spec: Partial<PlanEntryRecord> & Pick<PlanEntryRecord, 'model' | 'seed'>, state: EntryState, test?: Record<string, number>, groupMetrics?: EntryGroups): ReportEntry {
  const e: PlanEntryRecord = { planId: 1, position: position++, dataset: 'Beauty', settings: {}, resumes: 0, runId: `r${position}`, ...(groupMetrics ? { groups: groupMetrics } : {}), ...spec };
  return { entry: e, state, test };
}
const groups = (tail: number): EntryGroups => ({
  metrics: { overall: {}, tail_item: { 'HR@10': tail, 'NDCG@10': tail / 2 }, head_item: {}, cold_user: {}, hot_user: {} },
  coldMaxLength: 4,
  hotMinLength: 13,
});
const cell = (report: ReturnType<typeof buildPlanReport>, model: string, column: string) => report.rows.find((r) => r.model === model)!.cells[REPORT_COLUMNS.indexOf(column)]!;

describe('plan report', () => {
  const entries: ReportEntry[] = [
    // LLMDiRec, three seeds: HR@10 0.09, 0.10, 0.11 → mean 0.10, sample std √((0.01² + 0 + 0.01²) / 2) = 0.01.
    entry({ model: 'llmdirec', variant: 'full', seed: 1 }, 'succeeded', { 'HR@10': 0.09, 'NDCG@10': 0.05 }),
    entry({ model: 'llmdirec', variant: 'full', seed: 2 }, 'succeeded', { 'HR@10': 0.1, 'NDCG@10': 0.06 }),
    entry({ model: 'llmdirec', variant: 'full', seed: 3 }, 'succeeded', { 'HR@10': 0.11, 'NDCG@10': 0.07 }),
    // A fourth seed still training: planned, not in the numbers.
    entry({ model: 'llmdirec', variant: 'full', seed: 4 }, 'running'),
    // SASRec, two seeds: NDCG@10 0.2 and 0.4 → mean 0.3, std √(0.02) = 0.141421356…; a diverged third left out.
    entry({ model: 'sasrec', seed: 1 }, 'succeeded', { 'HR@10': 0.5, 'NDCG@10': 0.2 }),
    entry({ model: 'sasrec', seed: 2 }, 'succeeded', { 'HR@10': 0.5, 'NDCG@10': 0.4 }),
    entry({ model: 'sasrec', seed: 3 }, 'diverged', { 'HR@10': 1, 'NDCG@10': 1 }),
    // A Table-4 variant: its paper number comes from Table 4.
    entry({ model: 'llmdirec', variant: 'ca', seed: 1 }, 'succeeded', { 'HR@10': 0.07, 'NDCG@10': 0.04 }),
    // InDiRec with group metrics from two seeds: tail HR@10 0.02 and 0.03 → 0.025 ± 0.00707107.
    entry({ model: 'indirec', seed: 1 }, 'succeeded', { 'HR@10': 0.09, 'NDCG@10': 0.05 }, groups(0.02)),
    entry({ model: 'indirec', seed: 2 }, 'succeeded', { 'HR@10': 0.08, 'NDCG@10': 0.05 }, groups(0.03)),
  ];
  const report = buildPlanReport(entries, paper, 'paper-results.json');

  it('mean ± sample std over the finished seeds, next to the paper numbers of the right table', () => {
    expect(cell(report, 'LLMDiRec', 'HR@10').mean).toBeCloseTo(0.1, 12);
    expect(cell(report, 'LLMDiRec', 'HR@10').std).toBeCloseTo(0.01, 12);
    expect(cell(report, 'LLMDiRec', 'HR@10')).toMatchObject({ n: 3, paper: 0.0971 }); // Table 2, Beauty
    expect(cell(report, 'LLMDiRec', 'NDCG@10').paper).toBe(0.0589);
    expect(cell(report, 'SASRec', 'NDCG@10').mean).toBeCloseTo(0.3, 12);
    expect(cell(report, 'SASRec', 'NDCG@10').std).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(cell(report, 'SASRec', 'HR@10')).toMatchObject({ n: 2, std: 0, paper: 0.0628 });
    expect(cell(report, 'w/ CA', 'HR@10')).toEqual({ mean: 0.07, std: null, n: 1, paper: 0.0741 }); // Table 4, one seed: no std
    expect(cell(report, 'InDiRec', 'tail_item_HR@10').mean).toBeCloseTo(0.025, 12);
    expect(cell(report, 'InDiRec', 'tail_item_HR@10').std).toBeCloseTo(Math.SQRT1_2 * 0.01, 12);
    expect(cell(report, 'InDiRec', 'tail_item_HR@10').paper).toBe(0.0218); // Table 3, Beauty
    expect(cell(report, 'InDiRec', 'hot_user_NDCG@10')).toEqual({ mean: null, std: null, n: 0, paper: 0.0579 }); // paper shown before ours exist
    expect(cell(report, 'LLMDiRec', 'HR@20').paper).toBeNull(); // the paper prints @10 only
  });

  it('counts planned seeds, lists the finished ones and leaves diverged runs out by name', () => {
    const llmdirec = report.rows.find((r) => r.model === 'LLMDiRec')!;
    expect([llmdirec.planned, llmdirec.seeds]).toEqual([4, [1, 2, 3]]);
    expect(report.rows.find((r) => r.model === 'SASRec')!.seeds).toEqual([1, 2]);
    expect(report.excluded).toEqual([{ runId: 'r7', state: 'diverged' }]);
    expect(report.groupDefinitions).toEqual([{ dataset: 'Beauty', coldMaxLength: 4, hotMinLength: 13 }]);
  });

  it('keeps entries with other settings in rows of their own and says once what every row shares', () => {
    const split = buildPlanReport(
      [
        entry({ model: 'sasrec', seed: 1, epochs: 5, settings: { hiddenSize: 32, layers: 1 } }, 'succeeded', { 'HR@10': 0.1 }),
        entry({ model: 'sasrec', seed: 2, epochs: 5, settings: { hiddenSize: 32, layers: 1 } }, 'succeeded', { 'HR@10': 0.2 }),
        entry({ model: 'sasrec', seed: 1, epochs: 5, settings: { hiddenSize: 64, layers: 1 } }, 'succeeded', { 'HR@10': 0.3 }),
      ],
      null,
    );
    expect(split.rows.map((r) => [r.settings, r.planned, r.cells[0]!.mean])).toEqual([
      ['hiddenSize=32', 2, expect.closeTo(0.15, 12)],
      ['hiddenSize=64', 1, 0.3],
    ]);
    expect(split.commonSettings).toBe('epochs=5 layers=1');
    expect(split.rows[0]!.cells[0]!.paper).toBeNull(); // no paper file
  });

  it('writes Markdown and CSV', () => {
    expect(cellText({ mean: 0.1, std: 0.01, n: 3, paper: 0.0971 })).toBe('0.1000 ± 0.0100 (paper 0.0971)');
    expect(cellText({ mean: null, std: null, n: 0, paper: null })).toBe('—');
    const md = planReportToMarkdown(report, 'Plan 1: beauty');
    expect(md).toContain('| Beauty | LLMDiRec | — | 3/4 | 0.1000 ± 0.0100 (paper 0.0971) | 0.0600 ± 0.0100 (paper 0.0589) | — | — |');
    expect(md).toContain('## Item and user groups (Table 3)');
    expect(md).toContain('Left out of the numbers: r7 (diverged');
    const csv = planReportToCsv(report).trim().split('\n');
    expect(csv[0]!.split(',').slice(0, 12)).toEqual(['dataset', 'model', 'variant', 'epochs', 'settings', 'planned', 'finished', 'seeds', 'runs', 'HR@10 mean', 'HR@10 std', 'HR@10 paper']);
    const ca = csv.find((l) => l.startsWith('Beauty,"w/ CA",') || l.startsWith('Beauty,w/ CA,'))!;
    expect(ca.split(',').slice(0, 12)).toEqual(['Beauty', 'w/ CA', 'ca', '', '', '1', '1', '1', 'r8', '0.07', '', '0.0741']);
    expect(csv).toHaveLength(1 + report.rows.length);
  });
});
