/**
 * User and item groups of paper Table 3 and the ranking metrics computed over them.
 * Tail items: the bottom `tailFraction` of items by training popularity (paper §6: bottom 20 %);
 * head items: the rest. Cold / hot users: the paper does not define them (docs/model.md §19); we take
 * the shortest / longest `coldFraction` / `hotFraction` of histories, configurable and printed with
 * every table. Ties are broken by id so a split is always exactly the requested size.
 */

export interface GroupDefinition {
  tailFraction: number;
  coldFraction: number;
  hotFraction: number;
}

export const defaultGroups: GroupDefinition = { tailFraction: 0.2, coldFraction: 0.2, hotFraction: 0.2 };

/** Flags (index = item id, 0 unused) of the least popular `fraction` of items 1..N. */
export function tailItemFlags(popularity: ArrayLike<number>, fraction = defaultGroups.tailFraction): Uint8Array {
  const n = popularity.length - 1;
  const order = Int32Array.from({ length: n }, (_, i) => i + 1).sort((a, b) => popularity[a]! - popularity[b]! || a - b);
  const flags = new Uint8Array(n + 1);
  const count = Math.floor(n * fraction);
  for (let r = 0; r < count; r++) flags[order[r]!] = 1;
  return flags;
}

/** Cold (shortest histories) and hot (longest) users; index = user position in `historyLengths`. */
export function userGroupFlags(historyLengths: ArrayLike<number>, def: Pick<GroupDefinition, 'coldFraction' | 'hotFraction'> = defaultGroups) {
  const n = historyLengths.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => historyLengths[a]! - historyLengths[b]! || a - b);
  const cold = new Uint8Array(n);
  const hot = new Uint8Array(n);
  const nc = Math.floor(n * def.coldFraction);
  const nh = Math.floor(n * def.hotFraction);
  for (let r = 0; r < nc; r++) cold[order[r]!] = 1;
  for (let r = n - nh; r < n; r++) hot[order[r]!] = 1;
  return {
    cold,
    hot,
    /** Longest history still counted cold, shortest counted hot: printed next to the table. */
    coldMaxLength: nc ? historyLengths[order[nc - 1]!]! : null,
    hotMinLength: nh ? historyLengths[order[n - nh]!]! : null,
  };
}

/** One evaluated test instance per user: its ground-truth item and that item's 0-based rank (−1 = not ranked within the list). */
export interface EvaluatedUsers {
  targets: Int32Array;
  ranks: Int32Array;
  historyLengths: Int32Array;
}

export type MetricRow = { users: number } & Record<string, number>;

/** HR@k and NDCG@k (one relevant item, Krichene & Rendle 2020 full ranking) over the users where `include` is 1. */
export function rankingMetrics(ranks: Int32Array, cutoffs: readonly number[], include?: Uint8Array): MetricRow {
  const out: MetricRow = { users: 0 };
  for (const k of cutoffs) out[`HR@${k}`] = out[`NDCG@${k}`] = 0;
  let users = 0;
  for (let u = 0; u < ranks.length; u++) {
    if (include && !include[u]) continue;
    users++;
    const r = ranks[u]!;
    if (r < 0) continue;
    for (const k of cutoffs) {
      if (r < k) {
        out[`HR@${k}`]! += 1;
        out[`NDCG@${k}`]! += 1 / Math.log2(r + 2);
      }
    }
  }
  for (const k of cutoffs) {
    out[`HR@${k}`] = users ? out[`HR@${k}`]! / users : NaN;
    out[`NDCG@${k}`] = users ? out[`NDCG@${k}`]! / users : NaN;
  }
  out.users = users;
  return out;
}

export interface GroupTable {
  definition: GroupDefinition & { coldMaxLength: number | null; hotMinLength: number | null; tailItems: number; items: number };
  overall: MetricRow;
  tailItem: MetricRow;
  headItem: MetricRow;
  coldUser: MetricRow;
  hotUser: MetricRow;
}

/** Paper Table 3 for one run: tail/head by the ground-truth item, cold/hot by history length. */
export function groupMetrics(evaluated: EvaluatedUsers, popularity: ArrayLike<number>, cutoffs: readonly number[] = [10], def: GroupDefinition = defaultGroups): GroupTable {
  const tail = tailItemFlags(popularity, def.tailFraction);
  const users = userGroupFlags(evaluated.historyLengths, def);
  const isTail = Uint8Array.from(evaluated.targets, (t) => tail[t] ?? 0);
  const isHead = Uint8Array.from(isTail, (t) => 1 - t);
  return {
    definition: {
      ...def,
      coldMaxLength: users.coldMaxLength,
      hotMinLength: users.hotMinLength,
      tailItems: tail.reduce((s, v) => s + v, 0),
      items: popularity.length - 1,
    },
    overall: rankingMetrics(evaluated.ranks, cutoffs),
    tailItem: rankingMetrics(evaluated.ranks, cutoffs, isTail),
    headItem: rankingMetrics(evaluated.ranks, cutoffs, isHead),
    coldUser: rankingMetrics(evaluated.ranks, cutoffs, users.cold),
    hotUser: rankingMetrics(evaluated.ranks, cutoffs, users.hot),
  };
}
