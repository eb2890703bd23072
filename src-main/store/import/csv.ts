import { ImportError } from './errors';
import { InteractionLog } from './interaction-log';
import { readItemTable } from './item-table';
import { readLines, splitDelimited } from './lines';
import type { ImporterContext } from './index';

const NAMES = {
  user: ['user', 'user_id', 'userid', 'userId'],
  item: ['item', 'item_id', 'itemid', 'itemId'],
  time: ['timestamp', 'time', 'date', 'datetime'],
  rating: ['rating', 'score', 'stars'],
};

/**
 * Generic `user,item,timestamp[,rating]` rows (comma or tab separated). A first row whose
 * columns are named (user/user_id, item/item_id, timestamp/time, rating) is a header and may
 * order the columns freely; otherwise the columns are positional. Timestamps are numbers
 * (any unit, only their order matters) or ISO-8601 dates. The optional items file is a table
 * with an `item_id` column.
 */
export async function importCsv(source: string, items: string | undefined, ctx: ImporterContext): Promise<InteractionLog> {
  const log = new InteractionLog();
  let delimiter: string | undefined;
  let columns: { user: number; item: number; time: number; rating: number; count: number } | undefined;
  for await (const [line, raw] of readLines(source, { signal: ctx.signal, onBytes: ctx.onBytes })) {
    if (raw.trim() === '') continue;
    delimiter ??= raw.includes('\t') ? '\t' : ',';
    const fields = splitDelimited(raw, delimiter).map((f) => f.trim());
    if (columns === undefined) {
      const lower = fields.map((f) => f.toLowerCase());
      const find = (names: string[]) => lower.findIndex((f) => names.some((n) => n.toLowerCase() === f));
      if (find(NAMES.user) >= 0 && find(NAMES.item) >= 0) {
        columns = { user: find(NAMES.user), item: find(NAMES.item), time: find(NAMES.time), rating: find(NAMES.rating), count: fields.length };
        continue;
      }
      if (fields.length < 2 || fields.length > 4) {
        throw new ImportError(`Expected user${delimiter}item[${delimiter}timestamp[${delimiter}rating]] but found ${fields.length} columns`, source, line);
      }
      columns = { user: 0, item: 1, time: fields.length > 2 ? 2 : -1, rating: fields.length > 3 ? 3 : -1, count: fields.length };
    }
    if (fields.length !== columns.count) throw new ImportError(`Expected ${columns.count} columns but found ${fields.length}`, source, line);
    const user = fields[columns.user]!;
    const item = fields[columns.item]!;
    if (user === '' || item === '') throw new ImportError('Empty user or item id', source, line);
    const time = columns.time >= 0 ? timestamp(fields[columns.time]!, source, line) : Number.NaN;
    let rating = Number.NaN;
    if (columns.rating >= 0) {
      rating = Number(fields[columns.rating]);
      if (fields[columns.rating] === '' || !Number.isFinite(rating)) throw new ImportError(`Rating "${fields[columns.rating]}" is not a number`, source, line);
    }
    log.add(user, item, time, rating);
  }
  if (log.length === 0) throw new ImportError('The file has no interactions', source);
  if (items) for (const [id, attributes] of await readItemTable(items, { signal: ctx.signal, encoding: 'auto' })) log.itemAttributes.set(id, attributes);
  return log;
}

function timestamp(text: string, file: string, line: number): number {
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  // ISO dates: yyyy-mm-dd with optional time; seconds since the epoch like the other formats.
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const ms = Date.parse(text.includes(' ') ? text.replace(' ', 'T') : text);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  throw new ImportError(`Timestamp "${text.slice(0, 40)}" is neither a number nor an ISO date`, file, line);
}
