/**
 * Issue #12: a diverged run (its loss became non-finite) never enters the report's numbers: it is
 * left out of every cell and named under the tables, whatever metrics its checkpoint gave.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, reportToHtml, reportToMarkdown, type ReportRun } from '../../../src-main/analysis/report';

const runs: ReportRun[] = [
  { runId: 'sound', dataset: 'Beauty', model: 'SASRec', seed: 1, status: 'succeeded', metrics: { 'HR@10': 0.05, 'NDCG@10': 0.03 } },
  // What a NaN model used to evaluate to.
  { runId: 'broken', dataset: 'Beauty', model: 'SASRec', seed: 2, status: 'diverged', metrics: { 'HR@10': 1, 'NDCG@10': 1 }, groups: { overall: { 'HR@10': 1, 'NDCG@10': 1 } } },
];

describe('report with a diverged run (issue #12)', () => {
  it('leaves the diverged run out of every cell and says so', () => {
    const report = buildReport(runs, null);
    const row = report.tables[0]!.rows[0]!;
    expect(row.runs).toEqual(['sound']);
    expect(row.cells[0]).toMatchObject({ mean: 0.05, n: 1 });
    expect(report.tables[1]!.rows).toEqual([]);
    expect(report.excluded).toEqual([{ runId: 'broken', status: 'diverged' }]);
    expect(reportToMarkdown(report)).toMatch(/Left out: broken \(diverged/);
    expect(reportToHtml(report)).toMatch(/Left out: broken \(diverged/);
  });
});
