import type { MapInfo } from './result-schemas';

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A finished map as CSV: a comment line saying what was mapped (and whether sampled), then one line per point. */
export function mapToCsv(
  map: Pick<MapInfo, 'method' | 'total' | 'sampled' | 'seed'>,
  what: { idColumn: string; points: string },
  rows: readonly { id: number | string; x: number; y: number; prototype: number }[],
  label: (prototype: number) => string,
): string {
  const head = `# ${map.method} map of ${rows.length} of ${map.total} ${what.points}${map.sampled ? ` (seeded sample, seed ${map.seed})` : ''}`;
  const lines = rows.map((p) => [csvCell(String(p.id)), p.x, p.y, p.prototype, csvCell(label(p.prototype))].join(','));
  return [head, `${what.idColumn},x,y,prototype,label`, ...lines].join('\n') + '\n';
}
