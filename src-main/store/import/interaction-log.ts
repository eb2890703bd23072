import type { Attributes } from '../dataset-schemas';

/**
 * What every importer produces: raw interactions in file order, with string ids interned to
 * small integers and stored column-wise (ML-1M has a million rows; objects per row would be slow).
 */
export class InteractionLog {
  readonly userIds: string[] = [];
  readonly itemIds: string[] = [];
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private capacity = 1024;
  length = 0;
  users = new Int32Array(this.capacity);
  items = new Int32Array(this.capacity);
  /** NaN where the source has no timestamp (then file order is the chronology). */
  times = new Float64Array(this.capacity);
  /** NaN where the source has no rating. */
  ratings = new Float32Array(this.capacity);
  /** Attributes by external item id, from the metadata file (may include items never interacted with). */
  readonly itemAttributes = new Map<string, Attributes>();
  readonly userAttributes = new Map<string, Attributes>();

  add(user: string, item: string, time = Number.NaN, rating = Number.NaN): void {
    if (this.length === this.capacity) this.grow();
    let u = this.userIndex.get(user);
    if (u === undefined) {
      u = this.userIds.length;
      this.userIds.push(user);
      this.userIndex.set(user, u);
    }
    let i = this.itemIndex.get(item);
    if (i === undefined) {
      i = this.itemIds.length;
      this.itemIds.push(item);
      this.itemIndex.set(item, i);
    }
    const k = this.length++;
    this.users[k] = u;
    this.items[k] = i;
    this.times[k] = time;
    this.ratings[k] = rating;
  }

  private grow(): void {
    this.capacity *= 2;
    const grow = <T extends Int32Array | Float64Array | Float32Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.capacity);
      b.set(a);
      return b;
    };
    this.users = grow(this.users, (n) => new Int32Array(n));
    this.items = grow(this.items, (n) => new Int32Array(n));
    this.times = grow(this.times, (n) => new Float64Array(n));
    this.ratings = grow(this.ratings, (n) => new Float32Array(n));
  }
}
