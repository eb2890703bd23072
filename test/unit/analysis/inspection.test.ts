import { describe, expect, it } from 'vitest';
import { buildIntentsReport } from '../../../src-main/analysis/intents';
import { fromRows } from '../../fixtures/matrix';
import { compareRuns, inspectUser, summarizeRun, type RunRecommendations } from '../../../src-main/analysis/recommendations';

const attributes = new Map<number, { attributes: Record<string, unknown> }>(
  ['camping tent', 'camping stove', 'baking flour', 'baking whisk', 'gift card'].map((title, i) => [i + 1, { attributes: { title } }]),
);
// Training popularity of items 1..5 (index 0 unused): item 4 is the tail (bottom 20 % of 5 items).
const popularity = [0, 9, 7, 5, 1, 3];

function run(runId: string, top: number[][], ranks: number[]): RunRecommendations {
  return {
    runId,
    listLength: 3,
    topItems: Int32Array.from(top.flat()),
    topScores: Float32Array.from(top.flat().map((_, i) => 1 - i / 10)),
    targets: Int32Array.from([1, 4, 3, 2]),
    ranks: Int32Array.from(ranks),
    historyLengths: Int32Array.from([3, 8, 5, 12]),
  };
}

describe('intents report', () => {
  it('combines silhouette, prototypes and stability in the CLI shape', () => {
    const X = fromRows([[0], [1], [4], [5]]);
    const report = buildIntentsReport({
      representations: X,
      assignments: [0, 0, 1, 1],
      k: 2,
      sequences: [[1, 2], [2, 1], [3, 4], [4, 3]].map((s) => Int32Array.from(s)),
      numItems: 5,
      itemAttributes: attributes,
      epochAssignments: [
        { epoch: 1, labels: [0, 1, 0, 1] },
        { epoch: 2, labels: [0, 0, 1, 1] },
      ],
    }, { prototypes: { minSupport: 1, labelWords: 1 } });
    expect(report.k).toBe(2);
    expect(report.silhouette).toBeCloseTo((1 - 1 / 4.5 + 1 - 1 / 3.5) / 2, 6);
    expect(report.silhouetteBasis).toMatchObject({ sampled: false, scored: 4, total: 4 });
    expect(report.prototypes.map((p) => p.label)).toEqual(['camping', 'baking']);
    expect(report.prototypes[0]!.silhouette).toBeCloseTo(report.silhouette, 6);
    expect(report.stability).toHaveLength(1);
    expect(report.stability[0]).toMatchObject({ from: 1, to: 2 });
    expect(report.stability[0]!.ari).toBeCloseTo(-0.5, 12);
  });
});

describe('recommendation inspection', () => {
  const a = run('A', [[1, 2, 3], [2, 4, 1], [1, 2, 5], [2, 3, 1]], [0, 1, 7, 0]);
  const b = run('B', [[1, 4, 3], [4, 2, 1], [3, 4, 5], [2, 3, 4]], [0, 0, 0, 0]);

  it('shows history, ground truth and scored top-K with popularity and tail flags', () => {
    const view = inspectUser(a, 2, [1, 5, 3], popularity, attributes, 2);
    expect(view.history.map((h) => h.text)).toEqual(['camping tent', 'gift card', 'baking flour']);
    expect(view.groundTruth).toMatchObject({ itemId: 4, rank: 1, tail: true, popularity: 1, text: 'baking whisk' });
    expect(view.recommendations).toHaveLength(2);
    expect(view.recommendations[1]).toMatchObject({ itemId: 4, rank: 1, hit: true, tail: true });
    expect(view.recommendations[0]!.score).toBeCloseTo(0.7, 6);
    expect(() => inspectUser(a, 9, [], popularity, attributes)).toThrow(/no evaluated user 9/);
  });

  it('summarises and compares runs with relative differences', () => {
    const sa = summarizeRun(a, popularity, { k: 2, cutoffs: [2] });
    const sb = summarizeRun(b, popularity, { k: 2, cutoffs: [2] });
    expect(sa.groups.overall['HR@2']).toBeCloseTo(3 / 4, 12);
    expect(sa.groups.tailItem).toMatchObject({ users: 1, 'HR@2': 1 });
    // Run A at k=2 recommends 1,2 | 2,4 | 1,2 | 2,3: items {1,2,3,4} of 5, tail item 4 once in 8 slots.
    expect(sa.exposure.coverage).toBeCloseTo(4 / 5, 12);
    expect(sa.exposure.tailShare).toBeCloseTo(1 / 8, 12);
    expect(sb.exposure.tailShare).toBeCloseTo(3 / 8, 12);
    const cmp = compareRuns([sa, sb]);
    expect(cmp.runs).toEqual(['A', 'B']);
    const hr = cmp.rows.find((r) => r.metric === 'overall HR@2')!;
    expect(hr.values).toEqual([0.75, 1]);
    expect(hr.relative[1]).toBeCloseTo(1 / 3, 12);
    expect(cmp.rows.find((r) => r.metric === 'tail share@2')!.relative[1]).toBeCloseTo(2, 12);
    expect(() => compareRuns([sa])).toThrow(/two runs/);
  });
});
