import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ImportError } from './errors';
import { InteractionLog } from './interaction-log';
import { attributes, optionalNumber, readRecords, requireString, stringList, text } from './records';
import type { ImporterContext } from './index';

const REVIEWS = 'yelp_academic_dataset_review.json';
const BUSINESSES = 'yelp_academic_dataset_business.json';

/**
 * The Yelp Open Dataset: reviews (user_id, business_id, stars, date "YYYY-MM-DD HH:MM:SS") and
 * businesses (name, categories "A, B", city, stars, review_count, is_open). `source` is the folder
 * or the review file; `items` the business file (default: the one in the folder, if present).
 */
export async function importYelp(source: string, items: string | undefined, ctx: ImporterContext): Promise<InteractionLog> {
  const folder = existsSync(source) && statSync(source).isDirectory() ? source : undefined;
  const reviews = folder ? join(folder, REVIEWS) : source;
  const log = new InteractionLog();
  for await (const [line, r] of readRecords(reviews, { signal: ctx.signal, onBytes: ctx.onBytes })) {
    const user = requireString(r, ['user_id'], reviews, line);
    const business = requireString(r, ['business_id'], reviews, line);
    const date = requireString(r, ['date'], reviews, line);
    const time = parseYelpDate(date);
    if (time === undefined) throw new ImportError(`"date" is not a date: "${date.slice(0, 40)}"`, reviews, line);
    log.add(user, business, time, optionalNumber(r, 'stars', reviews, line));
  }
  if (log.length === 0) throw new ImportError('The file has no reviews', reviews);
  const businesses = items ?? (folder ? join(folder, BUSINESSES) : undefined);
  if (businesses && (items !== undefined || existsSync(businesses))) {
    for await (const [line, r] of readRecords(businesses, { signal: ctx.signal })) {
      const categories = typeof r.categories === 'string' ? r.categories.split(',') : r.categories;
      log.itemAttributes.set(
        requireString(r, ['business_id'], businesses, line),
        attributes({
          name: text(r.name),
          categories: stringList(categories ?? undefined),
          city: text(r.city),
          stars: optionalNumber(r, 'stars', businesses, line),
          review_count: optionalNumber(r, 'review_count', businesses, line),
          is_open: r.is_open === undefined || r.is_open === null ? undefined : Boolean(r.is_open),
        }),
      );
    }
  }
  return log;
}

/** Seconds since the epoch of a Yelp date, read as UTC (the dump has no zone); undefined if malformed. */
export function parseYelpDate(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(date.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  return ms / 1000;
}
