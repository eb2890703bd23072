/**
 * Beyond-accuracy measures of a run's top-K lists (docs/model.md §19: not in the paper, expected by
 * users). `topItems` is users × listLength, row-major, item ids 1..N (0 = empty slot).
 */
export interface ExposureStats {
  k: number;
  /** Distinct recommended items / all items. */
  coverage: number;
  /** Share of recommended slots that hold a tail item. */
  tailShare: number;
  /** Mean training popularity of recommended items. */
  averagePopularity: number;
  /** Gini coefficient of exposure counts over all items (0 = equal exposure, → 1 = all on one item). */
  gini: number;
}

export function exposureStats(
  topItems: Int32Array,
  listLength: number,
  k: number,
  popularity: ArrayLike<number>,
  tailFlags: Uint8Array,
): ExposureStats {
  if (k > listLength) throw new Error(`k=${k} exceeds the stored list length ${listLength}`);
  const numItems = popularity.length - 1;
  const exposure = new Float64Array(numItems + 1);
  let slots = 0;
  let tail = 0;
  let pop = 0;
  for (let o = 0; o < topItems.length; o += listLength) {
    for (let r = 0; r < k; r++) {
      const item = topItems[o + r]!;
      if (item <= 0) continue;
      exposure[item]!++;
      slots++;
      tail += tailFlags[item] ?? 0;
      pop += popularity[item]!;
    }
  }
  let covered = 0;
  for (let i = 1; i <= numItems; i++) if (exposure[i]! > 0) covered++;
  return {
    k,
    coverage: numItems ? covered / numItems : 0,
    tailShare: slots ? tail / slots : 0,
    averagePopularity: slots ? pop / slots : 0,
    gini: gini(exposure.subarray(1)),
  };
}

/** Gini coefficient of non-negative values: Σ (2i − n − 1)·x₍ᵢ₎ / (n·Σx) over ascending x, i = 1..n. */
export function gini(values: ArrayLike<number>): number {
  const x = Float64Array.from(values).sort();
  const n = x.length;
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    sum += x[i]!;
    weighted += (2 * (i + 1) - n - 1) * x[i]!;
  }
  return sum === 0 ? 0 : weighted / (n * sum);
}
