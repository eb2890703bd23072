import type { CsvColumns } from '../dataset-schemas';
import { ImportError } from './errors';
import { InteractionLog } from './interaction-log';
import { readItemTable } from './item-table';
import { readLines, splitDelimited } from './lines';
import type { ImporterContext } from './index';

type Field = 'user' | 'item' | 'timestamp' | 'rating';
const FIELDS: readonly Field[] = ['user', 'item', 'timestamp', 'rating'];
const NAMES: Record<Field, string[]> = {
  user: ['user', 'user_id', 'userid'],
  item: ['item', 'item_id', 'itemid'],
  timestamp: ['timestamp', 'time', 'date', 'datetime'],
  rating: ['rating', 'score', 'stars'],
};

/** Column index of each field (-1 = absent) and the number of columns every row must have. */
type Columns = Record<Field, number> & { count: number };

/**
 * Generic `user,item,timestamp[,rating]` rows (comma or tab separated). A first row whose
 * columns are named (user/user_id, item/item_id, timestamp/time, rating) is a header and may
 * order the columns freely; `columns` maps headers with other names. Without a header the columns
 * are positional. Timestamps are numbers (any unit, only their order matters) or ISO-8601 dates.
 * The optional items file is a table with an `item_id` column.
 */
export async function importCsv(source: string, items: string | undefined, ctx: ImporterContext): Promise<InteractionLog> {
  const log = new InteractionLog();
  let delimiter: string | undefined;
  let columns: Columns | undefined;
  // A first row that names nothing we know is held until the second row shows whether it was data.
  let held: { line: number; fields: string[] } | undefined;
  const add = (fields: string[], line: number, c: Columns) => {
    if (fields.length !== c.count) throw new ImportError(`Expected ${c.count} columns but found ${fields.length}`, source, line);
    const user = fields[c.user]!;
    const item = fields[c.item]!;
    if (user === '' || item === '') throw new ImportError('Empty user or item id', source, line);
    const time = c.timestamp >= 0 ? timestamp(fields[c.timestamp]!, source, line) : Number.NaN;
    let rating = Number.NaN;
    if (c.rating >= 0) {
      rating = Number(fields[c.rating]);
      if (fields[c.rating] === '' || !Number.isFinite(rating)) throw new ImportError(`Rating "${fields[c.rating]}" is not a number`, source, line);
    }
    log.add(user, item, time, rating);
  };
  for await (const [line, raw] of readLines(source, { signal: ctx.signal, onBytes: ctx.onBytes })) {
    if (raw.trim() === '') continue;
    delimiter ??= raw.includes('\t') ? '\t' : ',';
    const fields = splitDelimited(raw, delimiter).map((f) => f.trim());
    if (columns === undefined && held === undefined) {
      columns = ctx.columns ? mappedColumns(fields, ctx.columns, source, line) : namedColumns(fields, source, line);
      if (columns === undefined) held = { line, fields };
      continue;
    }
    if (columns === undefined) {
      columns = positionalColumns(held!, fields, delimiter, source);
      add(held!.fields, held!.line, columns);
    }
    add(fields, line, columns);
  }
  if (columns === undefined && held !== undefined) add(held.fields, held.line, positionalColumns(held, undefined, delimiter!, source));
  if (log.length === 0) throw new ImportError('The file has no interactions', source);
  if (items) for (const [id, attributes] of await readItemTable(items, { signal: ctx.signal, encoding: 'auto' })) log.itemAttributes.set(id, attributes);
  return log;
}

/** The header's columns, or undefined when the row names none of the known fields (data, or a header in other words). */
function namedColumns(fields: string[], file: string, line: number): Columns | undefined {
  const lower = fields.map((f) => f.toLowerCase());
  const at = (field: Field) => lower.findIndex((f) => NAMES[field].includes(f));
  if (FIELDS.every((f) => at(f) < 0)) return undefined;
  for (const needed of ['user', 'item'] as const) {
    if (at(needed) < 0) {
      throw new ImportError(`The header has no ${needed} column (expected one of ${NAMES[needed].join(', ')}; found ${fields.join(', ')})`, file, line);
    }
  }
  return { user: at('user'), item: at('item'), timestamp: at('timestamp'), rating: at('rating'), count: fields.length };
}

function mappedColumns(header: string[], mapping: CsvColumns, file: string, line: number): Columns {
  const at = (field: Field): number => {
    const name = mapping[field];
    if (name === undefined) return -1;
    const k = header.indexOf(name);
    if (k < 0) throw new ImportError(`The header has no "${name}" column (named by --columns ${field}=${name}; found ${header.join(', ')})`, file, line);
    return k;
  };
  return { user: at('user'), item: at('item'), timestamp: at('timestamp'), rating: at('rating'), count: header.length };
}

/**
 * Positional columns for a first row that names no known field — unless it is a header in other
 * words: then importing it by position would read its names as ids, so it is refused. A column
 * that holds a number or date in the second row but a word in the first marks a header.
 */
function positionalColumns(first: { line: number; fields: string[] }, second: string[] | undefined, delimiter: string, file: string): Columns {
  const { fields, line } = first;
  const looksLikeHeader =
    second !== undefined && second.length === fields.length && fields.some((f, k) => isTimestamp(second[k]!) && !isTimestamp(f));
  if (looksLikeHeader) {
    throw new ImportError(
      `The header names none of the expected columns (expected ${FIELDS.join(', ')}; found ${fields.join(', ')}). ` +
        'Name them with --columns user=<col>,item=<col>,timestamp=<col>',
      file,
      line,
    );
  }
  if (fields.length < 2 || fields.length > 4) {
    throw new ImportError(`Expected user${delimiter}item[${delimiter}timestamp[${delimiter}rating]] but found ${fields.length} columns`, file, line);
  }
  return { user: 0, item: 1, timestamp: fields.length > 2 ? 2 : -1, rating: fields.length > 3 ? 3 : -1, count: fields.length };
}

const NUMBER = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

function isTimestamp(text: string): boolean {
  return NUMBER.test(text) || ISO_DATE.test(text);
}

function timestamp(text: string, file: string, line: number): number {
  if (NUMBER.test(text)) return Number(text);
  // ISO dates: yyyy-mm-dd with optional time; seconds since the epoch like the other formats.
  if (ISO_DATE.test(text)) {
    const ms = Date.parse(text.includes(' ') ? text.replace(' ', 'T') : text);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  throw new ImportError(`Timestamp "${text.slice(0, 40)}" is neither a number nor an ISO date`, file, line);
}
