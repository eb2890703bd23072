import { characteristicTerms, itemText, labelsFromTerms, tokenize, type Term } from './terms';

/**
 * Intent prototypes as an analyst reads them (paper §3.2, docs/model.md §17): for each K-means
 * cluster of sequence representations, its size, members, most frequent items, most characteristic
 * items (lift over global popularity), characteristic terms and a label.
 */
export interface PrototypeInput {
  /** The clustered sequences (users or prefix subsequences), item ids 1..N. */
  sequences: readonly ArrayLike<number>[];
  /** Cluster of each sequence, 0..k−1. */
  assignments: ArrayLike<number>;
  k: number;
  numItems: number;
  /** Item attributes by id; their text feeds the terms. */
  itemAttributes?: ReadonlyMap<number, { attributes: Record<string, unknown> }>;
}

export interface ItemStat {
  itemId: number;
  count: number;
  /** P(item | prototype) / P(item) over all clustered sequences. */
  lift: number;
}

export interface PrototypeSummary {
  id: number;
  size: number;
  /** Indices into `sequences` of the first `maxMembers` members. */
  members: number[];
  topItems: ItemStat[];
  characteristicItems: ItemStat[];
  terms: Term[];
  label: string;
}

export interface PrototypeOptions {
  topItems?: number;
  /** Items occurring fewer times than this in a prototype are not ranked by lift (lift of rare items is noise). */
  minSupport?: number;
  terms?: number;
  labelWords?: number;
  maxMembers?: number;
}

const defaults: Required<PrototypeOptions> = { topItems: 10, minSupport: 3, terms: 8, labelWords: 3, maxMembers: 200 };

export function summarizePrototypes(input: PrototypeInput, options: PrototypeOptions = {}): PrototypeSummary[] {
  const o = { ...defaults, ...options };
  const { k, numItems } = input;
  const counts = Array.from({ length: k }, () => new Float64Array(numItems + 1));
  const totals = new Float64Array(k);
  const global = new Float64Array(numItems + 1);
  const sizes = new Int32Array(k);
  const members: number[][] = Array.from({ length: k }, () => []);
  input.sequences.forEach((seq, s) => {
    const c = input.assignments[s]!;
    if (c < 0 || c >= k) throw new Error(`Sequence ${s} is assigned to ${c}, outside 0..${k - 1}`);
    sizes[c]!++;
    if (members[c]!.length < o.maxMembers) members[c]!.push(s);
    for (let p = 0; p < seq.length; p++) {
      const item = seq[p]!;
      if (item <= 0) continue;
      counts[c]![item]!++;
      totals[c]!++;
      global[item]!++;
    }
  });
  const grand = totals.reduce((a, b) => a + b, 0);

  const tokenCache = new Map<number, string[]>();
  const tokensOf = (item: number): string[] => {
    let t = tokenCache.get(item);
    if (!t) tokenCache.set(item, (t = tokenize(itemText(input.itemAttributes?.get(item)?.attributes))));
    return t;
  };
  const documents = counts.map((cnt) => {
    const doc: { tokens: string[]; times: number }[] = [];
    for (let i = 1; i <= numItems; i++) if (cnt[i]! > 0) doc.push({ tokens: tokensOf(i), times: cnt[i]! });
    return doc;
  });
  const terms = characteristicTerms(documents, o.terms);
  const labels = labelsFromTerms(terms, o.labelWords);

  return counts.map((cnt, c) => {
    const stats: ItemStat[] = [];
    for (let i = 1; i <= numItems; i++) {
      if (cnt[i]! === 0) continue;
      stats.push({ itemId: i, count: cnt[i]!, lift: cnt[i]! / totals[c]! / (global[i]! / grand) });
    }
    const topItems = [...stats].sort((a, b) => b.count - a.count || a.itemId - b.itemId).slice(0, o.topItems);
    const characteristicItems = stats
      .filter((s) => s.count >= o.minSupport)
      .sort((a, b) => b.lift - a.lift || b.count - a.count || a.itemId - b.itemId)
      .slice(0, o.topItems);
    return { id: c, size: sizes[c]!, members: members[c]!, topItems, characteristicItems, terms: terms[c]!, label: labels[c]! };
  });
}
