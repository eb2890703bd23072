import type { ProjectionResult } from './projection';

/** What each mapped point is, for export: its original row, an optional id and label, its prototype. */
export interface MapAnnotations {
  /** External id per original row (user id, item id); defaults to the row number. */
  ids?: ArrayLike<string | number>;
  /** Prototype (cluster) per original row. */
  assignments?: ArrayLike<number>;
  /** Prototype labels by cluster id, written next to the cluster. */
  labels?: readonly string[];
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function projectionToCsv(result: ProjectionResult, notes: MapAnnotations = {}): string {
  const quote = csvCell;
  const lines = [
    `# ${result.method} map of ${result.indices.length} of ${result.total} points${result.sampled ? ` (seeded sample, seed ${result.seed})` : ''}`,
    'row,id,x,y,prototype,label',
  ];
  result.indices.forEach((row, k) => {
    const cluster = notes.assignments?.[row];
    lines.push(
      [
        row,
        quote(String(notes.ids?.[row] ?? row)),
        result.coordinates[2 * k],
        result.coordinates[2 * k + 1],
        cluster ?? '',
        cluster !== undefined && notes.labels?.[cluster] !== undefined ? quote(notes.labels[cluster]!) : '',
      ].join(','),
    );
  });
  return lines.join('\n') + '\n';
}

export function projectionToJson(result: ProjectionResult, notes: MapAnnotations = {}): string {
  return JSON.stringify({
    method: result.method,
    points: result.indices.length,
    total: result.total,
    sampled: result.sampled,
    seed: result.seed,
    details: result.details,
    labels: notes.labels,
    rows: Array.from(result.indices, (row, k) => ({
      row,
      id: notes.ids?.[row] ?? row,
      x: result.coordinates[2 * k],
      y: result.coordinates[2 * k + 1],
      prototype: notes.assignments?.[row] ?? null,
    })),
  });
}
