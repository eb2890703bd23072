/**
 * A point quadtree in flat typed arrays for Barnes–Hut t-SNE (van der Maaten 2014, §4.2): each cell
 * keeps its point count and coordinate sums, so a distant cell acts as one point at its centre of mass.
 * Rebuilt every iteration; no per-node objects, so building 5,000 points costs well under a millisecond.
 */
export class QuadTree {
  private cap = 0;
  size = 0;
  cx = new Float64Array(0);
  cy = new Float64Array(0);
  halfWidth = new Float64Array(0);
  sumX = new Float64Array(0);
  sumY = new Float64Array(0);
  count = new Int32Array(0);
  /** Index of the first of four consecutive children, or −1 for a leaf. */
  child = new Int32Array(0);
  /** The point in a leaf (−1 when empty); leaves below the minimum width may hold duplicates. */
  point = new Int32Array(0);
  /**
   * What the force pass reads, packed per node for locality: [comX, comY, width², count], filled
   * after the last insertion.
   */
  packed = new Float64Array(0);

  private ensure(n: number): void {
    if (n <= this.cap) return;
    const cap = Math.max(n, this.cap * 2, 64);
    const grow = <T extends Float64Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as { new (n: number): T })(cap);
      b.set(a);
      return b;
    };
    this.cx = grow(this.cx);
    this.cy = grow(this.cy);
    this.halfWidth = grow(this.halfWidth);
    this.sumX = grow(this.sumX);
    this.sumY = grow(this.sumY);
    this.count = grow(this.count);
    this.child = grow(this.child);
    this.point = grow(this.point);
    const packed = new Float64Array(4 * cap);
    packed.set(this.packed);
    this.packed = packed;
    this.cap = cap;
  }

  private node(cx: number, cy: number, hw: number): number {
    const k = this.size++;
    this.cx[k] = cx;
    this.cy[k] = cy;
    this.halfWidth[k] = hw;
    this.sumX[k] = this.sumY[k] = 0;
    this.count[k] = 0;
    this.child[k] = -1;
    this.point[k] = -1;
    return k;
  }

  private quadrant(node: number, x: number, y: number): number {
    return this.child[node]! + (x >= this.cx[node]! ? 1 : 0) + (y >= this.cy[node]! ? 2 : 0);
  }

  /** Builds the tree over points (x, y) = (Y[2i], Y[2i+1]), i < n. */
  build(Y: Float64Array, n: number): void {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = Y[2 * i]!, y = Y[2 * i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const hw = Math.max(maxX - minX, maxY - minY) / 2 + 1e-12;
    const minWidth = hw * 1e-9;
    this.size = 0;
    this.ensure(4 * n + 4);
    this.node((minX + maxX) / 2, (minY + maxY) / 2, hw * (1 + 1e-9));
    for (let i = 0; i < n; i++) {
      const x = Y[2 * i]!, y = Y[2 * i + 1]!;
      let node = 0;
      for (;;) {
        this.count[node]!++;
        this.sumX[node]! += x;
        this.sumY[node]! += y;
        if (this.child[node] !== -1) {
          node = this.quadrant(node, x, y);
          continue;
        }
        if (this.count[node] === 1) {
          this.point[node] = i;
          break;
        }
        // Coincident points stop splitting and share a leaf.
        if (this.halfWidth[node]! < minWidth) break;
        const p = this.point[node]!;
        this.point[node] = -1;
        this.ensure(this.size + 4);
        const h = this.halfWidth[node]! / 2;
        const ccx = this.cx[node]!, ccy = this.cy[node]!;
        this.child[node] = this.size;
        this.node(ccx - h, ccy - h, h);
        this.node(ccx + h, ccy - h, h);
        this.node(ccx - h, ccy + h, h);
        this.node(ccx + h, ccy + h, h);
        const px = Y[2 * p]!, py = Y[2 * p + 1]!;
        const pc = this.quadrant(node, px, py);
        this.count[pc] = 1;
        this.sumX[pc] = px;
        this.sumY[pc] = py;
        this.point[pc] = p;
        node = this.quadrant(node, x, y);
      }
    }
    for (let k = 0; k < this.size; k++) {
      const c = this.count[k]!;
      this.packed[4 * k] = c ? this.sumX[k]! / c : 0;
      this.packed[4 * k + 1] = c ? this.sumY[k]! / c : 0;
      this.packed[4 * k + 2] = 4 * this.halfWidth[k]! ** 2;
      this.packed[4 * k + 3] = c;
    }
  }
}
