import { describe, expect, it } from 'vitest';
import { InteractionLog } from '../../../src-main/store/import/interaction-log';
import { preprocess } from '../../../src-main/store/import/preprocess';

function log(rows: [string, string, number?][]): InteractionLog {
  const l = new InteractionLog();
  for (const [u, i, t] of rows) l.add(u, i, t);
  return l;
}

const seqs = (p: ReturnType<typeof preprocess>) => p.sequences.map((s) => Array.from(s));

describe('preprocess', () => {
  it('orders each user chronologically, breaking ties by file order', () => {
    const p = preprocess(
      log([
        ['u', 'c', 30],
        ['u', 'a', 10],
        ['u', 'b', 20],
        ['u', 'd', 20],
      ]),
      { kcore: 0, consecutiveDuplicates: 'keep' },
    );
    expect(p.items.map((i) => i.externalId)).toEqual(['a', 'b', 'd', 'c']);
    expect(seqs(p)).toEqual([[1, 2, 3, 4]]);
    expect(Array.from(p.timestamps[0]!)).toEqual([10, 20, 20, 30]);
  });

  it('numbers items by first appearance in user order then time order (docs/model.md §1)', () => {
    const p = preprocess(
      log([
        ['2', '9'],
        ['2', '7'],
        ['1', '7'],
        ['1', '8'],
      ]),
      { kcore: 0, consecutiveDuplicates: 'keep' },
    );
    expect(p.users.map((u) => u.externalId)).toEqual(['2', '1']);
    expect(p.items.map((i) => i.externalId)).toEqual(['9', '7', '8']);
    expect(seqs(p)).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(p.timestamps).toEqual([null, null]);
  });

  it('drops consecutive duplicates only when asked', () => {
    const rows: [string, string][] = [
      ['u', 'a'],
      ['u', 'a'],
      ['u', 'b'],
      ['u', 'a'],
    ];
    expect(seqs(preprocess(log(rows), { kcore: 0, consecutiveDuplicates: 'keep' }))).toEqual([[1, 1, 2, 1]]);
    expect(seqs(preprocess(log(rows), { kcore: 0, consecutiveDuplicates: 'drop' }))).toEqual([[1, 2, 1]]);
  });

  it('applies the k-core filter iteratively until stable', () => {
    // k = 2. Item z has one interaction → removed; then user v has one item left → removed;
    // that leaves item y with one interaction → removed; then user w drops below 2 → removed.
    const p = preprocess(
      log([
        ['u', 'x'],
        ['u', 'q'],
        ['t', 'x'],
        ['t', 'q'],
        ['v', 'y'],
        ['v', 'z'],
        ['w', 'y'],
        ['w', 'x'],
      ]),
      { kcore: 2, consecutiveDuplicates: 'keep' },
    );
    expect(p.users.map((u) => u.externalId)).toEqual(['u', 't']);
    expect(p.items.map((i) => i.externalId)).toEqual(['x', 'q']);
    expect(seqs(p)).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('explains when the filter leaves nothing', () => {
    expect(() => preprocess(log([['u', 'x']]), { kcore: 5, consecutiveDuplicates: 'keep' })).toThrow(/No interactions remain after the 5-core filter/);
  });

  it('keeps only ratings at or above minRating', () => {
    const l = new InteractionLog();
    l.add('u', 'a', 1, 5);
    l.add('u', 'b', 2, 2);
    l.add('u', 'c', 3, 4);
    expect(preprocess(l, { kcore: 0, consecutiveDuplicates: 'keep', minRating: 4 }).items.map((i) => i.externalId)).toEqual(['a', 'c']);
  });
});
