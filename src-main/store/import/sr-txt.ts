import { ImportError } from './errors';
import { InteractionLog } from './interaction-log';
import { readItemTable } from './item-table';
import { readLines } from './lines';
import type { ImporterContext } from './index';

/**
 * `user item item …` per line, chronological (the S3-Rec/ICLRec/InDiRec benchmark files), with an
 * optional metadata table whose `item_id` column matches the item tokens.
 */
export async function importSrTxt(source: string, items: string | undefined, ctx: ImporterContext): Promise<InteractionLog> {
  const log = new InteractionLog();
  for await (const [line, text] of readLines(source, { signal: ctx.signal, onBytes: ctx.onBytes })) {
    if (text.trim() === '') continue;
    const tokens = text.trim().split(/\s+/);
    if (tokens.length < 2) throw new ImportError('Expected "user item item …" but found only one field', source, line);
    for (const token of tokens) {
      if (!/^\d+$/.test(token)) throw new ImportError(`"${token}" is not a numeric id`, source, line);
    }
    const user = tokens[0]!;
    for (let k = 1; k < tokens.length; k++) log.add(user, tokens[k]!);
  }
  if (log.length === 0) throw new ImportError('The file has no interactions', source);
  if (items) for (const [id, attributes] of await readItemTable(items, { signal: ctx.signal, encoding: 'auto' })) log.itemAttributes.set(id, attributes);
  return log;
}
