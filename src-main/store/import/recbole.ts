import { existsSync } from 'node:fs';
import type { Attributes } from '../dataset-schemas';
import { ImportError } from './errors';
import { InteractionLog } from './interaction-log';
import { readLines } from './lines';
import type { ImporterContext } from './index';

type FieldType = 'token' | 'token_seq' | 'float' | 'float_seq';
interface Field {
  name: string;
  type: FieldType;
}
const TYPES: readonly string[] = ['token', 'token_seq', 'float', 'float_seq'];

/**
 * RecBole atomic files: tab-separated with a `name:type` header (user_id:token, item_id:token,
 * timestamp:float, rating:float in `.inter`; any fields in `.item`, token_seq = space-separated
 * list). Without `items`, a `.item` file next to the `.inter` file is used if present. Without a
 * timestamp, an `order:float` field (what `dataset export --format recbole` writes for datasets
 * without timestamps) orders each user's rows; it is not kept as a timestamp. An empty field is
 * a value the item does not have. A field starting with a double quote is unquoted as RecBole's
 * reader (pandas) does.
 */
export async function importRecbole(source: string, items: string | undefined, ctx: ImporterContext): Promise<InteractionLog> {
  const log = new InteractionLog();
  let userAt = -1;
  let itemAt = -1;
  let timeAt = -1;
  let ratingAt = -1;
  let orderAt = -1;
  const order: number[] = [];
  for await (const [line, row, header] of atomicRows(source, { signal: ctx.signal, onBytes: ctx.onBytes })) {
    if (userAt < 0) {
      userAt = fieldIndex(header, 'user_id', source);
      itemAt = fieldIndex(header, 'item_id', source);
      timeAt = header.findIndex((f) => f.name === 'timestamp');
      ratingAt = header.findIndex((f) => f.name === 'rating');
      orderAt = timeAt < 0 ? header.findIndex((f) => f.name === 'order') : -1;
    }
    if (orderAt >= 0) order.push(number(row[orderAt]!, header[orderAt]!, source, line));
    const time = timeAt >= 0 ? number(row[timeAt]!, header[timeAt]!, source, line) : Number.NaN;
    const rating = ratingAt >= 0 ? number(row[ratingAt]!, header[ratingAt]!, source, line) : Number.NaN;
    const user = unquote(row[userAt]!.trim());
    const item = unquote(row[itemAt]!.trim());
    if (user === '' || item === '') throw new ImportError('Empty user_id or item_id', source, line);
    log.add(user, item, time, rating);
  }
  if (log.length === 0) throw new ImportError('The file has no interactions', source);
  const ordered = orderAt >= 0 ? inOrder(log, order) : log;

  const itemFile = items ?? (source.endsWith('.inter') ? source.slice(0, -'.inter'.length) + '.item' : undefined);
  if (itemFile && (items !== undefined || existsSync(itemFile))) {
    let idAt = -1;
    const firstLine = new Map<string, number>();
    for await (const [line, row, header] of atomicRows(itemFile, { signal: ctx.signal })) {
      if (idAt < 0) idAt = fieldIndex(header, 'item_id', itemFile);
      const attributes: Attributes = {};
      header.forEach((field, k) => {
        const raw = unquote(row[k]!);
        if (k === idAt || raw.trim() === '') return;
        if (field.type === 'float') attributes[field.name] = number(raw, field, itemFile, line);
        else if (field.type === 'token') attributes[field.name] = raw;
        else attributes[field.name] = raw.split(' ').filter((t) => t !== '');
      });
      const id = unquote(row[idAt]!.trim());
      const seen = firstLine.get(id);
      if (seen !== undefined) throw new ImportError(`item_id "${id}" appears twice (first on line ${seen})`, itemFile, line);
      firstLine.set(id, line);
      ordered.itemAttributes.set(id, attributes);
    }
  }
  return ordered;
}

/** pandas' reading of a quoted field (doubled quotes inside are one quote); anything else as it is. */
function unquote(raw: string): string {
  return raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw;
}

/** The log with each user's rows sorted by the order field (stable; users keep their first appearance). */
function inOrder(log: InteractionLog, order: number[]): InteractionLog {
  const rows = Array.from({ length: log.length }, (_, k) => k).sort((a, b) => log.users[a]! - log.users[b]! || order[a]! - order[b]! || a - b);
  const sorted = new InteractionLog();
  for (const k of rows) sorted.add(log.userIds[log.users[k]!]!, log.itemIds[log.items[k]!]!, Number.NaN, log.ratings[k]!);
  return sorted;
}

function fieldIndex(header: Field[], name: string, file: string): number {
  const k = header.findIndex((f) => f.name === name);
  if (k < 0) throw new ImportError(`The header has no "${name}" field (found: ${header.map((f) => f.name).join(', ')})`, file, 1);
  return k;
}

function number(raw: string, field: Field, file: string, line: number): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n)) throw new ImportError(`${field.name} "${raw}" is not a number`, file, line);
  return n;
}

/** Yields each data row with the parsed header; checks column counts and types. */
async function* atomicRows(file: string, options: { signal?: AbortSignal; onBytes?: (read: number, total: number) => void }): AsyncGenerator<[number, string[], Field[]]> {
  let header: Field[] | undefined;
  for await (const [line, text] of readLines(file, options)) {
    if (header === undefined) {
      header = text.split('\t').map((h) => {
        const [name, type] = h.trim().split(':');
        if (!name || !type || !TYPES.includes(type)) {
          throw new ImportError(`Header field "${h.trim()}" is not "name:type" with type token, token_seq, float or float_seq`, file, line);
        }
        return { name, type: type as FieldType };
      });
      continue;
    }
    if (text.trim() === '') continue;
    const row = text.split('\t');
    if (row.length !== header.length) throw new ImportError(`Expected ${header.length} tab-separated fields but found ${row.length}`, file, line);
    yield [line, row, header];
  }
}
