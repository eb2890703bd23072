import { describe, expect, it } from 'vitest';
import { fromRows } from '../../fixtures/matrix';
import { nearestNeighbours, neighboursOfRow } from '../../../src-main/analysis/neighbours';
import { pca } from '../../../src-main/analysis/pca';
import { summarizePrototypes } from '../../../src-main/analysis/prototypes';
import { seededRandom } from '../../../src-main/core/random';
import { characteristicTerms, itemText, labelsFromTerms, tokenize } from '../../../src-main/analysis/terms';

describe('terms', () => {
  it('tokenizes words, dropping stopwords, numbers and one-letter tokens', () => {
    expect(tokenize("The Kids' camping Tent, 2 pack & a lantern-light")).toEqual(['kids', 'camping', 'tent', 'lantern', 'light']);
  });

  it('c-TF-IDF matches a hand computation', () => {
    // Class 0: "tent tent lamp" ; class 1: "lamp doll".  A = 5/2 = 2.5.
    // w(tent,0) = 2/3·ln(1+2.5/2); w(lamp,0) = 1/3·ln(1+2.5/2); w(doll,1) = 1/2·ln(1+2.5/1); w(lamp,1) = 1/2·ln(1+2.5/2)
    // minLift 0 keeps every term so the weights can be checked; lamp's lift in class 0 is (1/3)/(2/5) < 1.
    const docs = [[{ tokens: ['tent', 'lamp'], times: 1 }, { tokens: ['tent'], times: 1 }], [{ tokens: ['lamp', 'doll'], times: 1 }]];
    const terms = characteristicTerms(docs, 8, 0);
    expect(terms[0]!.map((t) => t.term)).toEqual(['tent', 'lamp']);
    expect(terms[0]![0]!.weight).toBeCloseTo((2 / 3) * Math.log(1 + 2.5 / 2), 12);
    expect(terms[0]![1]!.weight).toBeCloseTo((1 / 3) * Math.log(1 + 2.5 / 2), 12);
    expect(terms[1]!.map((t) => t.term)).toEqual(['doll', 'lamp']);
    expect(terms[1]![0]!.weight).toBeCloseTo(0.5 * Math.log(1 + 2.5), 12);
    // With the default lift filter, lamp (over-represented only in class 1: (1/2)/(2/5) = 1.25) leaves class 0.
    const filtered = characteristicTerms(docs);
    expect(filtered[0]!.map((t) => t.term)).toEqual(['tent']);
    expect(filtered[1]!.map((t) => t.term)).toEqual(['doll', 'lamp']);
    expect(filtered[1]![1]!.lift).toBeCloseTo(1.25, 12);
  });

  it('labels join the top terms and disambiguate duplicates', () => {
    const t = (...w: string[]) => w.map((term) => ({ term, weight: 1, count: 1, lift: 2 }));
    expect(labelsFromTerms([t('camping', 'tent', 'lamp', 'stove'), t('doll'), t('doll'), []])).toEqual([
      'camping · tent · lamp',
      'doll #1',
      'doll #2',
      'prototype 3',
    ]);
  });

  it('item text skips ids and planted ground truth', () => {
    expect(itemText({ asin: 'B00X', title: 'Camping tent', intent: 'outdoor', categories: ['Sports', 'Camping'], price: 3 })).toBe('Camping tent Sports Camping');
  });
});

describe('prototype summaries', () => {
  // Items 1–3 "camping", 4–6 "baking", 7 a popular generic item present in both intents.
  const attributes = new Map<number, { attributes: Record<string, unknown> }>(
    [
      'camping tent',
      'camping stove',
      'camping lantern',
      'baking flour',
      'baking whisk',
      'baking oven mitt',
      'gift card',
    ].map((title, i) => [i + 1, { attributes: { title } }]),
  );
  const sequences = [
    [1, 2, 7],
    [2, 3, 7],
    [1, 3, 2],
    [4, 5, 7],
    [5, 6, 7],
    [4, 6, 5, 7],
  ].map((s) => Int32Array.from(s));
  const assignments = [0, 0, 0, 1, 1, 1];

  it('sizes, members, frequent and characteristic items, terms, labels', () => {
    const protos = summarizePrototypes({ sequences, assignments, k: 2, numItems: 7, itemAttributes: attributes }, { minSupport: 2, labelWords: 1 });
    expect(protos.map((p) => p.size)).toEqual([3, 3]);
    expect(protos[1]!.members).toEqual([3, 4, 5]);
    // Prototype 1: item 5 appears 3×, items 4, 6, 7 twice or more.
    expect(protos[1]!.topItems[0]).toMatchObject({ itemId: 5, count: 3 });
    // Lift: item 5 occurs 3 times of 10 in prototype 1 and 3 of 19 overall → (3/10)/(3/19) = 1.9.
    expect(protos[1]!.characteristicItems[0]!.lift).toBeCloseTo(1.9, 12);
    // Generic item 7 (5 of 19 overall; 2 of 9 in prototype 0) has lift below 1 and ranks last.
    const seven = protos[0]!.characteristicItems.find((s) => s.itemId === 7)!;
    expect(seven.lift).toBeCloseTo(2 / 9 / (5 / 19), 12);
    expect(protos[0]!.characteristicItems.at(-1)!.itemId).toBe(7);
    expect(protos[0]!.label).toBe('camping');
    expect(protos[1]!.label).toBe('baking');
  });

  it('rejects assignments outside 0..k−1', () => {
    expect(() => summarizePrototypes({ sequences, assignments: [0, 0, 0, 1, 1, 2], k: 2, numItems: 7 })).toThrow(/outside/);
  });
});

describe('nearest neighbours', () => {
  it('finds the nearest rows, excluding the query itself', () => {
    const X = fromRows([[0, 0], [1, 0], [5, 5], [0, 2], [-3, 0]]);
    expect(neighboursOfRow(X, 0, 3, 'euclidean')).toEqual([
      { index: 1, distance: 1 },
      { index: 3, distance: 2 },
      { index: 4, distance: 3 },
    ]);
  });
  it('agrees with brute-force sorting on random data (cosine)', () => {
    const rnd = seededRandom(11);
    const rows = Array.from({ length: 300 }, () => Array.from({ length: 16 }, () => rnd() - 0.5));
    const X = fromRows(rows);
    const q = fromRows([rows[7]!, rows[42]!]);
    const got = nearestNeighbours(X, q, 10, 'cosine');
    const cos = (a: number[], b: number[]) => 1 - a.reduce((s, v, i) => s + v * b[i]!, 0) / (Math.hypot(...a) * Math.hypot(...b));
    [7, 42].forEach((qi, r) => {
      const expected = rows.map((x, j) => ({ j, d: cos(rows[qi]!, x) })).sort((a, b) => a.d - b.d).slice(0, 10).map((x) => x.j);
      expect(got[r]!.map((n) => n.index)).toEqual(expected);
    });
  });
});

describe('PCA', () => {
  it('recovers a known principal axis and its variance', () => {
    // Points t·(1,2) for t = −2..2 plus ±0.1 orthogonal wiggle: PC1 = (1,2)/√5, var = 5·Var(t) = 12.5.
    const ortho = [-2 / Math.sqrt(5), 1 / Math.sqrt(5)];
    const rows = [-2, -1, 0, 1, 2].flatMap((t) => [1, -1].map((s) => [t + 0.1 * s * ortho[0]!, 2 * t + 0.1 * s * ortho[1]!]));
    const r = pca(fromRows(rows), 2);
    expect(r.components.data[0]).toBeCloseTo(1 / Math.sqrt(5), 5);
    expect(r.components.data[1]).toBeCloseTo(2 / Math.sqrt(5), 5);
    // Var along PC1 of t·√5 (each t twice, n−1 = 9): 5·(2·10)/9.
    expect(r.explainedVariance[0]).toBeCloseTo((5 * 20) / 9, 4);
    expect(r.explainedVariance[1]).toBeCloseTo((10 * 0.01) / 9, 4);
    expect(r.explainedVarianceRatio[0]! + r.explainedVarianceRatio[1]!).toBeCloseTo(1, 6);
  });

  it('is deterministic and sign-fixed', () => {
    const rnd = seededRandom(2);
    // Columns with decreasing spread: a clear spectrum, as learned representations have.
    const rows = Array.from({ length: 200 }, () => Array.from({ length: 30 }, (_, c) => rnd() / (c + 1)));
    const a = pca(fromRows(rows), 2, { seed: 1 });
    const b = pca(fromRows(rows), 2, { seed: 99 });
    for (let i = 0; i < a.projection.data.length; i++) expect(a.projection.data[i]).toBeCloseTo(b.projection.data[i]!, 3);
  });
});
