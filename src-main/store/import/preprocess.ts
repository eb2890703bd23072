import type { Attributes, PreprocessOptions } from '../dataset-schemas';
import { ApiError } from '../../core/errors';
import type { InteractionLog } from './interaction-log';

/** A dataset ready to be written: dense 1-based ids, one chronological sequence per user. */
export interface PreparedDataset {
  /** Index k holds user id k+1. */
  users: { externalId: string; attributes: Attributes }[];
  /** Index k holds item id k+1. */
  items: { externalId: string; attributes: Attributes }[];
  /** sequences[k] = item ids of user k+1 in chronological order. */
  sequences: Int32Array[];
  /** timestamps[k][j] of sequences[k][j], or null when the source has none. */
  timestamps: (Float64Array | null)[];
}

/**
 * The paper's preprocessing (§4.1): optional rating filter, chronological order per user (stable:
 * file order breaks ties), the consecutive-duplicate policy, iterative k-core on users and items,
 * and id remapping — users in order of first appearance, items by first appearance in user order
 * then time order (docs/model.md §1), so the benchmark text files keep their own numbering.
 */
export function preprocess(log: InteractionLog, options: PreprocessOptions): PreparedDataset {
  if (options.minRating !== undefined && !log.ratings.subarray(0, log.length).some((r) => !Number.isNaN(r))) {
    // Otherwise every row would be filtered out and the error would blame the k-core filter.
    throw new ApiError('bad_input', 'This input has no ratings, so a minimum rating cannot be applied; leave out --min-rating.');
  }
  // Group row indices per user, keeping file order.
  const rowsByUser: number[][] = log.userIds.map(() => []);
  for (let k = 0; k < log.length; k++) {
    if (options.minRating !== undefined && !(log.ratings[k]! >= options.minRating)) continue;
    rowsByUser[log.users[k]!]!.push(k);
  }
  let sequences: { user: number; items: number[]; times: number[] }[] = [];
  for (let u = 0; u < rowsByUser.length; u++) {
    const rows = rowsByUser[u]!;
    if (rows.length === 0) continue;
    // Stable sort by time; rows without a time keep file order (NaN compares as equal).
    if (rows.some((r) => !Number.isNaN(log.times[r]!))) {
      rows.sort((a, b) => {
        const ta = log.times[a]!;
        const tb = log.times[b]!;
        if (Number.isNaN(ta) || Number.isNaN(tb) || ta === tb) return a - b;
        return ta - tb;
      });
    }
    const items: number[] = [];
    const times: number[] = [];
    for (const r of rows) {
      const item = log.items[r]!;
      if (options.consecutiveDuplicates === 'drop' && items.length > 0 && items[items.length - 1] === item) continue;
      items.push(item);
      times.push(log.times[r]!);
    }
    sequences.push({ user: u, items, times });
  }

  if (options.kcore > 1) sequences = kcore(sequences, log.itemIds.length, options.kcore, options.consecutiveDuplicates === 'drop');
  if (sequences.length === 0) {
    throw new ApiError(
      'bad_input',
      options.kcore > 1
        ? `No interactions remain after the ${options.kcore}-core filter; try a smaller --kcore.`
        : 'No interactions to import.',
    );
  }

  // Remap items by first appearance (user order, then time order).
  const newItemId = new Int32Array(log.itemIds.length).fill(0);
  const items: PreparedDataset['items'] = [];
  for (const s of sequences) {
    for (const i of s.items) {
      if (newItemId[i] === 0) {
        const externalId = log.itemIds[i]!;
        items.push({ externalId, attributes: log.itemAttributes.get(externalId) ?? {} });
        newItemId[i] = items.length;
      }
    }
  }
  return {
    users: sequences.map((s) => {
      const externalId = log.userIds[s.user]!;
      return { externalId, attributes: log.userAttributes.get(externalId) ?? {} };
    }),
    items,
    sequences: sequences.map((s) => Int32Array.from(s.items, (i) => newItemId[i]!)),
    timestamps: sequences.map((s) => (s.times.every((t) => Number.isNaN(t)) ? null : Float64Array.from(s.times))),
  };
}

/**
 * Iterative k-core: repeat until every kept user and item has at least k interactions. With the
 * 'drop' duplicate policy, removing an item can make its neighbours adjacent repeats (a b a → a a):
 * those are collapsed too, inside the loop, so the result still satisfies both rules.
 */
function kcore<S extends { items: number[]; times: number[] }>(sequences: S[], itemCount: number, k: number, dropRepeats: boolean): S[] {
  let current = sequences;
  for (;;) {
    const counts = new Int32Array(itemCount);
    for (const s of current) for (const i of s.items) counts[i]!++;
    let changed = false;
    const next: S[] = [];
    for (const s of current) {
      let keep = s;
      if (s.items.some((i) => counts[i]! < k)) {
        const items: number[] = [];
        const times: number[] = [];
        s.items.forEach((i, j) => {
          if (counts[i]! >= k && !(dropRepeats && items.length > 0 && items[items.length - 1] === i)) {
            items.push(i);
            times.push(s.times[j]!);
          }
        });
        keep = { ...s, items, times };
        changed = true;
      }
      if (keep.items.length >= k) next.push(keep);
      else changed = true;
    }
    current = next;
    if (!changed) return current;
  }
}
