import type { Attributes } from '../dataset-schemas';
import { ImportError } from './errors';
import { InteractionLog } from './interaction-log';
import { attributes, optionalNumber, price, readRecords, requireString, stringList, text, type JsonRecord } from './records';
import type { ImporterContext } from './index';

/**
 * Amazon review dumps (`.json` or `.json.gz`, one record per line):
 * - 2014 and 2018: reviewerID, asin, unixReviewTime (seconds), overall (rating);
 * - 2023: user_id, parent_asin (the product; asin is the variant), timestamp (milliseconds), rating.
 * The optional metadata file is 2014 Python dict literals or 2018/2023 JSON lines.
 */
export async function importAmazon(source: string, items: string | undefined, ctx: ImporterContext): Promise<InteractionLog> {
  const log = new InteractionLog();
  // 2014 dumps were written for Python's eval(); a review line may be a dict literal too.
  for await (const [line, r] of readRecords(source, { signal: ctx.signal, onBytes: ctx.onBytes, pythonLiterals: true })) {
    if ('reviewerID' in r) {
      const user = requireString(r, ['reviewerID'], source, line);
      const item = requireString(r, ['asin'], source, line);
      const time = optionalNumber(r, 'unixReviewTime', source, line);
      if (time === undefined) throw new ImportError('Missing "unixReviewTime"', source, line);
      log.add(user, item, time, optionalNumber(r, 'overall', source, line));
    } else if ('user_id' in r) {
      const user = requireString(r, ['user_id'], source, line);
      const item = requireString(r, ['parent_asin', 'asin'], source, line);
      const ms = optionalNumber(r, 'timestamp', source, line);
      if (ms === undefined) throw new ImportError('Missing "timestamp"', source, line);
      // Stored in seconds like the other formats; the fraction keeps the millisecond order.
      log.add(user, item, ms / 1000, optionalNumber(r, 'rating', source, line));
    } else {
      throw new ImportError('Not an Amazon review: expected "reviewerID" (2014/2018) or "user_id" (2023)', source, line);
    }
  }
  if (log.length === 0) throw new ImportError('The file has no reviews', source);
  if (items) {
    for await (const [line, r] of readRecords(items, { signal: ctx.signal, pythonLiterals: true })) {
      log.itemAttributes.set(requireString(r, ['parent_asin', 'asin'], items, line), metadataAttributes(r));
    }
  }
  return log;
}

/** title, brand, price, categories, description across the 2014/2018/2023 metadata layouts. */
export function metadataAttributes(r: JsonRecord): Attributes {
  const categories = stringList(r.categories ?? r.category);
  const main = typeof r.main_category === 'string' ? r.main_category : undefined;
  if (main && !categories.includes(main)) categories.unshift(main);
  return attributes({
    title: text(r.title),
    brand: text(r.brand) ?? text(r.store),
    price: price(r.price ?? undefined),
    categories: categories.length > 0 ? categories : undefined,
    description: text(r.description),
  });
}
