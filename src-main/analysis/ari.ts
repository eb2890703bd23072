/**
 * Adjusted Rand index (Hubert & Arabie 1985) between two labelings of the same items: 1 for identical
 * partitions (up to renaming), ≈0 for independent ones. Used for prototype stability across epochs
 * and for recovery of the demo dataset's planted intents.
 */
/** Labels may be numbers or strings (planted intents are names). */
export type Labels = ArrayLike<number | string>;

export function adjustedRandIndex(a: Labels, b: Labels): number {
  if (a.length !== b.length) throw new Error(`Labelings differ in length: ${a.length} vs ${b.length}`);
  const n = a.length;
  if (n < 2) return 1;
  const ra = relabel(a);
  const rb = relabel(b);
  const table = new Float64Array(ra.count * rb.count);
  for (let i = 0; i < n; i++) table[ra.labels[i]! * rb.count + rb.labels[i]!]!++;
  const pairs = (x: number): number => (x * (x - 1)) / 2;
  let index = 0;
  const rowSums = new Float64Array(ra.count);
  const colSums = new Float64Array(rb.count);
  for (let i = 0; i < ra.count; i++) {
    for (let j = 0; j < rb.count; j++) {
      const v = table[i * rb.count + j]!;
      index += pairs(v);
      rowSums[i]! += v;
      colSums[j]! += v;
    }
  }
  const sumA = rowSums.reduce((s, v) => s + pairs(v), 0);
  const sumB = colSums.reduce((s, v) => s + pairs(v), 0);
  const expected = (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  // Both partitions trivial (all one cluster, or all singletons) and equal: perfect agreement.
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

function relabel(x: Labels): { labels: Int32Array; count: number } {
  const ids = new Map<number | string, number>();
  const labels = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let id = ids.get(x[i]!);
    if (id === undefined) ids.set(x[i]!, (id = ids.size));
    labels[i] = id;
  }
  return { labels, count: ids.size };
}

/** ARI between each pair of consecutive epochs' assignments (epoch e−1 → e). */
export function stabilityAcrossEpochs(assignments: { epoch: number; labels: Labels }[]): { from: number; to: number; ari: number }[] {
  const sorted = [...assignments].sort((x, y) => x.epoch - y.epoch);
  return sorted.slice(1).map((cur, i) => ({ from: sorted[i]!.epoch, to: cur.epoch, ari: adjustedRandIndex(sorted[i]!.labels, cur.labels) }));
}
