import { matrix, type Matrix, type Metric } from './matrix';
import { nearestNeighbours } from './neighbours';
import type { ProjectionControl, ProjectionMethod, ProjectionRequest, ProjectionResult } from './projection';
import { summarizePrototypes } from './prototypes';
import type { ItemMapResult } from './result-schemas';
import { itemText } from './terms';

/**
 * Item embeddings as the analyst sees them (issue #5, "maps of item embeddings"): rows of an item
 * table indexed by item id (row 0 = padding), the items that have a vector, K-means groups of items
 * labelled from their texts, a 2-D map and nearest neighbours in the original space. Works for any
 * view with that layout: the semantic view today, the ID and fused views once runs store them.
 */
export interface ItemTable {
  dims: number;
  /** (numItems + 1) × dims, row-major. */
  table: Float32Array;
  /** 1 where the item has a vector (items without text have none in the semantic view). */
  present?: Uint8Array;
}

/** The rows of items that have a vector, and which item each row is. */
export function itemRows(t: ItemTable): { X: Matrix; itemIds: Int32Array } {
  const numItems = t.table.length / t.dims - 1;
  const ids: number[] = [];
  for (let i = 1; i <= numItems; i++) if (!t.present || t.present[i]) ids.push(i);
  const X = matrix(ids.length, t.dims);
  ids.forEach((id, r) => X.data.set(t.table.subarray(id * t.dims, (id + 1) * t.dims), r * t.dims));
  return { X, itemIds: Int32Array.from(ids) };
}


export type Projector = (X: Matrix, request: ProjectionRequest, control: ProjectionControl) => Promise<ProjectionResult>;

export async function itemMap(
  t: ItemTable,
  attributes: ReadonlyMap<number, { attributes: Record<string, unknown> }>,
  options: { method: ProjectionMethod; k: number; seed: number; maxPoints: number; metric: Metric },
  projector: Projector,
  control: ProjectionControl = {},
): Promise<ItemMapResult> {
  const { X, itemIds } = itemRows(t);
  const numItems = t.table.length / t.dims - 1;
  if (X.rows < Math.max(4, options.k)) throw new Error(`Only ${X.rows} items have a vector: too few to map`);
  // Grouping (K-means over all items) and the map both run in the projector's thread.
  const { method, seed, maxPoints, metric, k } = options;
  const projection = await projector(X, { method, seed, maxPoints, metric, groups: { k } }, control);
  const { coordinates, indices, assignments, ...map } = projection;
  if (!assignments) throw new Error('The projector returned no item groups');
  const protos = summarizePrototypes(
    { sequences: Array.from(itemIds, (id) => [id]), assignments, k, numItems, itemAttributes: attributes },
    { minSupport: 1 },
  );
  return {
    map,
    rows: Array.from(indices, (row, r) => ({ itemId: itemIds[row]!, x: coordinates[2 * r]!, y: coordinates[2 * r + 1]!, prototype: assignments[row]! })),
    prototypes: protos.map((p) => ({ id: p.id, size: p.size, label: p.label, terms: p.terms.map((x) => x.term) })),
    itemsWithoutVector: numItems - X.rows,
  };
}

/** Nearest items to one item in the table's own space (not the map), with their texts. */
export function itemNeighbours(
  t: ItemTable,
  itemId: number,
  k: number,
  attributes: ReadonlyMap<number, { attributes: Record<string, unknown> }>,
  metric: Metric = 'cosine',
): { itemId: number; distance: number; text: string }[] {
  const { X, itemIds } = itemRows(t);
  const row = itemIds.indexOf(itemId);
  if (row < 0) throw new Error(`Item ${itemId} has no vector in this view`);
  const q = matrix(1, X.cols, X.data.subarray(row * X.cols, (row + 1) * X.cols));
  return nearestNeighbours(X, q, k, metric, [row])[0]!.map((n) => ({
    itemId: itemIds[n.index]!,
    distance: n.distance,
    text: itemText(attributes.get(itemIds[n.index]!)?.attributes),
  }));
}
