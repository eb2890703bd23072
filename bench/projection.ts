/**
 * Projection benchmark (issue #5): a 5,000-sequence map must take ≤ 30 s on the 2-core machine.
 * Run: npm run bench:projection [-- --n 5000 --small 250 --medium 1000 --skip-baselines]
 *
 * Prints the wall time of our Barnes–Hut t-SNE and of UMAP (umap-js) at the target size, and the
 * speed ratio against the exact t-SNEs (tsne-js at a small N, druidjs at a small and a medium N) measured in the same run —
 * the machine is shared, so only same-run ratios are comparable. A CPU probe (a plain dot-product loop)
 * is printed first so a slow run can be told apart from a slow machine. Not a test: it asserts nothing.
 */
import { matrix, type Matrix } from '../src-main/analysis/matrix';
import { project } from '../src-main/analysis/projection';
import { normalRandom, seededRandom } from '../src-main/core/random';
import { silhouette } from '../src-main/analysis/silhouette';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = flag('n', 5000);
const SMALL = flag('small', 250);
/** druidjs is exact too but much faster than tsne-js: compared at a size where Barnes–Hut pays off. */
const MEDIUM = flag('medium', 1000);
const skipBaselines = args.includes('--skip-baselines');
const BAR_SECONDS = 30;

/** Sequence-representation-like data: 64-d, 10 planted intents with overlap. */
function representations(n: number, seed = 7): { X: Matrix; labels: Int32Array } {
  const rnd = normalRandom(seededRandom(seed));
  const k = 10, d = 64;
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => rnd()));
  const X = matrix(n, d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % k;
    for (let c = 0; c < d; c++) X.data[i * d + c] = centres[i % k]![c]! + 0.9 * rnd();
  }
  return { X, labels };
}

function cpuProbe(): number {
  const n = 600, d = 64;
  const a = new Float32Array(n * d).map((_, i) => (i % 13) / 13);
  const t = performance.now();
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) s += a[i * d + k]! * a[j * d + k]!;
  const seconds = (performance.now() - t) / 1000;
  if (s < 0) console.log(s);
  return (n * n * d) / seconds / 1e9;
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [(performance.now() - t) / 1000, r];
}

const fmt = (s: number): string => `${s.toFixed(2)} s`;

async function main(): Promise<void> {
  console.log(`CPU probe: ${cpuProbe().toFixed(3)} G multiply-adds/s in a plain loop (compare between runs: lower = machine busier)`);
  const big = representations(N);
  const small = representations(SMALL, 11);

  const [tOurs, ours] = await time(() => project(big.X, { method: 'tsne', seed: 1 }));
  const sil = silhouette(matrix(ours.indices.length, 2, ours.coordinates), big.labels, 10).overall;
  console.log(`t-SNE (ours, Barnes–Hut, 750 iterations)  N=${N}: ${fmt(tOurs)}  ${tOurs <= BAR_SECONDS ? 'meets' : 'MISSES'} the ${BAR_SECONDS} s bar` + ` (planted-intent silhouette on the map ${sil.toFixed(3)})`);
  const [tUmap] = await time(() => project(big.X, { method: 'umap', seed: 1 }));
  console.log(`UMAP (umap-js, seeded)                      N=${N}: ${fmt(tUmap)}  ${tUmap <= BAR_SECONDS ? 'meets' : 'MISSES'} the bar`);
  // umap-js is the yardstick measured when the issue was filed (12.6 s for 5,000 points): the ratio
  // carries our t-SNE over to that machine state, whatever the load of this run.
  const UMAP_REFERENCE_SECONDS = 12.6;
  console.log(
    `  ratio t-SNE (ours) / UMAP (umap-js) = ${(tOurs / tUmap).toFixed(2)}  →  at the issue's umap-js time (${UMAP_REFERENCE_SECONDS} s for 5,000)` +
      ` our t-SNE would take ≈ ${fmt((tOurs / tUmap) * UMAP_REFERENCE_SECONDS)}${N === 5000 ? "" : " (only meaningful at --n 5000)"}`,
  );
  const [tPca] = await time(() => project(big.X, { method: 'pca', seed: 1 }));
  console.log(`PCA                                         N=${N}: ${fmt(tPca)}`);

  if (skipBaselines) return;
  const [tOursSmall] = await time(() => project(small.X, { method: 'tsne', seed: 1, tsne: { iterations: 1000 } }));
  console.log(`\nSmall N=${SMALL}, 1000 iterations each:`);
  console.log(`  ours (Barnes–Hut)  ${fmt(tOursSmall)}`);
  const rows = Array.from({ length: SMALL }, (_, i) => Array.from(small.X.data.subarray(i * 64, (i + 1) * 64)));
  // tsne-js: exact O(N²) and ndarray/cwise code generation (`new Function`); Node only here.
  const tsneJs = 'tsne-js'; // untyped package: imported by name so TypeScript does not look for declarations
  const { default: TsneJs } = (await import(tsneJs)) as unknown as { default: new (o: object) => { init(o: object): void; run(): unknown } };
  const [tTsneJs] = await time(() => {
    const model = new TsneJs({ dim: 2, perplexity: 30, earlyExaggeration: 4, learningRate: 100, nIter: 1000, metric: 'euclidean' });
    model.init({ data: rows, type: 'dense' });
    model.run();
  });
  console.log(`  tsne-js (exact)    ${fmt(tTsneJs)}   ratio tsne-js / ours = ${(tTsneJs / tOursSmall).toFixed(1)}×`);
  const druid = (await import('@saehrimnir/druidjs')) as unknown as { TSNE: new (X: number[][], p: object) => { transform(n: number): unknown } };
  const [tDruid] = await time(() => new druid.TSNE(rows, { perplexity: 30, d: 2, seed: 1 }).transform(1000));
  console.log(`  druidjs t-SNE      ${fmt(tDruid)}   ratio druid / ours = ${(tDruid / tOursSmall).toFixed(1)}×`);
  // Exact t-SNE costs O(N²) per iteration: extrapolate the baselines to the target size.
  const scale = (N / SMALL) ** 2;
  console.log(`  extrapolated to N=${N} (×${scale.toFixed(0)} for O(N²)): tsne-js ≈ ${fmt(tTsneJs * scale)}, druidjs ≈ ${fmt(tDruid * scale)}`);

  const medium = representations(MEDIUM, 13);
  const mediumRows = Array.from({ length: MEDIUM }, (_, i) => Array.from(medium.X.data.subarray(i * 64, (i + 1) * 64)));
  const [tOursMedium] = await time(() => project(medium.X, { method: 'tsne', seed: 1, tsne: { iterations: 1000 } }));
  const [tDruidMedium] = await time(() => new druid.TSNE(mediumRows, { perplexity: 30, d: 2, seed: 1 }).transform(1000));
  console.log(`\nMedium N=${MEDIUM}, 1000 iterations each: ours ${fmt(tOursMedium)}, druidjs ${fmt(tDruidMedium)}   ratio druid / ours = ${(tDruidMedium / tOursMedium).toFixed(1)}×`);
}

await main();
