import { type Matrix, type Metric } from './matrix';
import { nearestNeighbours } from './neighbours';
import { pca } from './pca';
import { normalRandom, seededRandom } from '../core/random';
import { QuadTree } from './quadtree';

/**
 * Barnes–Hut t-SNE (van der Maaten 2014, "Accelerating t-SNE using tree-based algorithms"), written
 * here because the user-named `tsne-js` is exact O(N²), blocks its thread and uses `new Function`
 * (forbidden by the renderer's CSP) — see docs/analysis.md for the measurements. Sparse input
 * affinities from the 3·perplexity exact nearest neighbours, repulsion through a quadtree with
 * opening angle θ, early exaggeration, momentum and per-coordinate gains as in the reference bh_tsne,
 * PCA initialisation scaled to std 1e-4 (Kobak & Berens 2019) and the "auto" learning rate
 * max(N / exaggeration / 4, 50) (Belkina et al. 2019, as scikit-learn). Same shape as umap-js:
 * `initialize` then `step()` until `done`, so a worker can report progress and stop between steps.
 */
export interface TsneOptions {
  perplexity?: number;
  iterations?: number;
  earlyExaggeration?: number;
  exaggerationIterations?: number;
  /** Learning rate; 0 = auto. */
  learningRate?: number;
  theta?: number;
  metric?: Metric;
  seed?: number;
}

export const tsneDefaults: Required<TsneOptions> = {
  perplexity: 30,
  iterations: 750,
  earlyExaggeration: 12,
  exaggerationIterations: 250,
  learningRate: 0,
  theta: 0.5,
  metric: 'euclidean',
  seed: 1,
};

/** Inputs wider than this are first reduced to 50 principal components (standard t-SNE practice). */
const MAX_INPUT_DIMS = 128;

export class TSNE {
  readonly options: Required<TsneOptions>;
  private n = 0;
  private Y = new Float64Array(0);
  private update = new Float64Array(0);
  private gains = new Float64Array(0);
  private grad = new Float64Array(0);
  private rowStart = new Int32Array(0);
  private cols = new Int32Array(0);
  private values = new Float64Array(0);
  private tree = new QuadTree();
  private stack = new Int32Array(0);
  private lr = 0;
  iteration = 0;

  constructor(options: TsneOptions = {}) {
    this.options = { ...tsneDefaults, ...options };
  }

  get done(): boolean {
    return this.iteration >= this.options.iterations;
  }

  /** Computes the input affinities and the initial map. Cost: one exact kNN pass, O(N²·D). */
  initialize(input: Matrix): void {
    const o = this.options;
    const n = (this.n = input.rows);
    if (n < 4) throw new Error(`t-SNE needs at least 4 points (got ${n})`);
    const X = input.cols > MAX_INPUT_DIMS ? pca(input, 50, { seed: o.seed, maxIterations: 30 }).projection : input;
    const k = Math.min(n - 1, Math.floor(3 * o.perplexity));
    const knn = nearestNeighbours(X, X, k, o.metric, Int32Array.from({ length: n }, (_, i) => i));
    const perplexity = Math.min(o.perplexity, (n - 1) / 3);

    // Conditional p(j|i) by binary search on the Gaussian precision to match the perplexity.
    const cond = new Float64Array(n * k);
    const d2 = new Float64Array(k);
    const target = Math.log(perplexity);
    for (let i = 0; i < n; i++) {
      const nb = knn[i]!;
      const dmin = nb[0]!.distance ** 2;
      for (let j = 0; j < k; j++) d2[j] = nb[j]!.distance ** 2 - dmin;
      let beta = 1, lo = 0, hi = Infinity;
      for (let it = 0; it < 200; it++) {
        let sum = 0, dsum = 0;
        for (let j = 0; j < k; j++) {
          const p = Math.exp(-beta * d2[j]!);
          cond[i * k + j] = p;
          sum += p;
          dsum += d2[j]! * p;
        }
        const entropy = Math.log(sum) + (beta * dsum) / sum;
        for (let j = 0; j < k; j++) cond[i * k + j]! /= sum;
        const diff = entropy - target;
        if (Math.abs(diff) < 1e-5) break;
        if (diff > 0) {
          lo = beta;
          beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
        } else {
          hi = beta;
          beta = (beta + lo) / 2;
        }
      }
    }
    // Symmetric P = (p(j|i) + p(i|j)) / 2N, stored per row with both directions as separate entries
    // (forces add up, so duplicates need no merging).
    const degree = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      degree[i]! += k;
      for (const nb of knn[i]!) degree[nb.index]!++;
    }
    this.rowStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.rowStart[i + 1] = this.rowStart[i]! + degree[i]!;
    this.cols = new Int32Array(this.rowStart[n]!);
    this.values = new Float64Array(this.rowStart[n]!);
    const fill = this.rowStart.slice(0, n);
    for (let i = 0; i < n; i++) {
      knn[i]!.forEach((nb, r) => {
        const v = cond[i * k + r]! / (2 * n);
        const j = nb.index;
        this.cols[fill[i]!] = j;
        this.values[fill[i]!++] = v;
        this.cols[fill[j]!] = i;
        this.values[fill[j]!++] = v;
      });
    }

    // PCA initialisation, scaled so the first coordinate has standard deviation 1e-4.
    const init = pca(X, 2, { seed: o.seed, tolerance: 1e-7, maxIterations: 100 }).projection.data;
    let sd = 0;
    for (let i = 0; i < n; i++) sd += init[2 * i]! ** 2;
    sd = Math.sqrt(sd / n) || 1;
    const jitter = normalRandom(seededRandom(o.seed));
    this.Y = Float64Array.from(init, (v) => (v / sd) * 1e-4 + jitter() * 1e-8);
    this.update = new Float64Array(2 * n);
    this.gains = new Float64Array(2 * n).fill(1);
    this.grad = new Float64Array(2 * n);
    this.stack = new Int32Array(4 * 64 + 8);
    this.lr = o.learningRate > 0 ? o.learningRate : Math.max(n / o.earlyExaggeration / 4, 50);
    this.iteration = 0;
  }

  /** One gradient step; returns the iteration number just completed. */
  step(): number {
    const o = this.options;
    const { n, Y, grad, update, gains } = this;
    const exaggerating = this.iteration < o.exaggerationIterations;
    const exaggeration = exaggerating ? o.earlyExaggeration : 1;
    const momentum = exaggerating ? 0.5 : 0.8;
    const z = this.repulsion();
    // grad = 4 (exaggeration · attraction − repulsion / Z); `grad` holds the unnormalised repulsion.
    for (let i = 0; i < n; i++) {
      const xi = Y[2 * i]!, yi = Y[2 * i + 1]!;
      let ax = 0, ay = 0;
      for (let e = this.rowStart[i]!, end = this.rowStart[i + 1]!; e < end; e++) {
        const j = this.cols[e]!;
        const dx = xi - Y[2 * j]!, dy = yi - Y[2 * j + 1]!;
        const w = this.values[e]! / (1 + dx * dx + dy * dy);
        ax += w * dx;
        ay += w * dy;
      }
      grad[2 * i] = 4 * (exaggeration * ax - grad[2 * i]! / z);
      grad[2 * i + 1] = 4 * (exaggeration * ay - grad[2 * i + 1]! / z);
    }
    let mx = 0, my = 0;
    for (let c = 0; c < 2 * n; c++) {
      const g = grad[c]!;
      gains[c] = Math.max(0.01, Math.sign(g) !== Math.sign(update[c]!) ? gains[c]! + 0.2 : gains[c]! * 0.8);
      update[c] = momentum * update[c]! - this.lr * gains[c]! * g;
      Y[c]! += update[c]!;
      if (c % 2 === 0) mx += Y[c]!;
      else my += Y[c]!;
    }
    mx /= n;
    my /= n;
    for (let i = 0; i < n; i++) {
      Y[2 * i]! -= mx;
      Y[2 * i + 1]! -= my;
    }
    return ++this.iteration;
  }

  /** Barnes–Hut repulsion into `grad` (unnormalised); returns Z = Σ_{i≠j} 1/(1 + ‖yᵢ − yⱼ‖²). */
  private repulsion(): number {
    const { n, Y, grad, tree } = this;
    tree.build(Y, n);
    const theta2 = this.options.theta ** 2;
    const { child, point, packed } = tree;
    if (this.stack.length < tree.size) this.stack = new Int32Array(tree.size);
    const stack = this.stack;
    let z = 0;
    for (let i = 0; i < n; i++) {
      const xi = Y[2 * i]!, yi = Y[2 * i + 1]!;
      let fx = 0, fy = 0;
      let sp = 0;
      stack[sp++] = 0;
      while (sp > 0) {
        const node = stack[--sp]!;
        const first = child[node]!;
        const o = 4 * node;
        const dx = xi - packed[o]!, dy = yi - packed[o + 1]!;
        const d2 = dx * dx + dy * dy;
        if (first === -1 || packed[o + 2]! < theta2 * d2) {
          let m = packed[o + 3]!;
          // A leaf holding i counts i once too many (coincident points share a leaf).
          if (first === -1 && point[node] === i) m -= 1;
          if (m === 0) continue;
          const w = 1 / (1 + d2);
          const mw = m * w;
          z += mw;
          fx += mw * w * dx;
          fy += mw * w * dy;
        } else {
          // Empty cells are skipped here rather than popped later.
          const f = 4 * first;
          if (packed[f + 3]! > 0) stack[sp++] = first;
          if (packed[f + 7]! > 0) stack[sp++] = first + 1;
          if (packed[f + 11]! > 0) stack[sp++] = first + 2;
          if (packed[f + 15]! > 0) stack[sp++] = first + 3;
        }
      }
      grad[2 * i] = fx;
      grad[2 * i + 1] = fy;
    }
    return z;
  }

  /** The current map, rows × 2. */
  embedding(): Float32Array {
    return Float32Array.from(this.Y);
  }

  /** Kullback–Leibler divergence KL(P‖Q) of the current map, exact O(N²): for tests and small N. */
  klDivergence(): number {
    const { n, Y } = this;
    let z = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) z += 1 / (1 + (Y[2 * i]! - Y[2 * j]!) ** 2 + (Y[2 * i + 1]! - Y[2 * j + 1]!) ** 2);
    // P is stored with both directions as separate entries: merge them per pair first.
    let kl = 0;
    for (let i = 0; i < n; i++) {
      const row = new Map<number, number>();
      for (let e = this.rowStart[i]!; e < this.rowStart[i + 1]!; e++) row.set(this.cols[e]!, (row.get(this.cols[e]!) ?? 0) + this.values[e]!);
      for (const [j, p] of row) {
        const q = 1 / (1 + (Y[2 * i]! - Y[2 * j]!) ** 2 + (Y[2 * i + 1]! - Y[2 * j + 1]!) ** 2) / z;
        kl += p * Math.log(Math.max(p, 1e-300) / Math.max(q, 1e-300));
      }
    }
    return kl;
  }
}
