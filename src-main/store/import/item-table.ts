import type { Attributes } from '../dataset-schemas';
import { ImportError } from './errors';
import { readLines, splitDelimited, type LineReaderOptions } from './lines';

/**
 * Reads an item-metadata table (TSV or CSV with a header row). `idColumn` names the column with
 * the item id used in the interactions file; every other column becomes an attribute. Values that
 * look like numbers stay strings here: ids such as ASINs or zip codes must not lose leading zeros.
 */
export async function readItemTable(
  file: string,
  options: LineReaderOptions & { idColumn?: string; attributesOf?: (row: Record<string, string>) => Attributes } = {},
): Promise<Map<string, Attributes>> {
  const table = new Map<string, Attributes>();
  let header: string[] | undefined;
  let delimiter = '\t';
  let idIndex = -1;
  // A second row for an id would silently replace the first one's attributes: which one the user
  // meant is theirs to say, so both lines are named.
  const firstLine = new Map<string, number>();
  for await (const [line, text] of readLines(file, options)) {
    if (header === undefined) {
      delimiter = text.includes('\t') ? '\t' : ',';
      header = splitDelimited(text, delimiter).map((h) => h.trim());
      const wanted = options.idColumn ?? 'item_id';
      idIndex = header.indexOf(wanted);
      if (idIndex < 0) {
        throw new ImportError(`The header has no "${wanted}" column (found: ${header.join(', ')})`, file, line);
      }
      continue;
    }
    if (text.trim() === '') continue;
    const fields = splitDelimited(text, delimiter);
    if (fields.length !== header.length) {
      throw new ImportError(`Expected ${header.length} columns but found ${fields.length}`, file, line);
    }
    const id = fields[idIndex]!.trim();
    if (id === '') throw new ImportError(`The "${header[idIndex]}" column is empty`, file, line);
    const seen = firstLine.get(id);
    if (seen !== undefined) throw new ImportError(`${header[idIndex]} "${id}" appears twice (first on line ${seen})`, file, line);
    firstLine.set(id, line);
    const row: Record<string, string> = {};
    header.forEach((h, k) => {
      if (k !== idIndex) row[h] = fields[k]!;
    });
    table.set(id, options.attributesOf ? options.attributesOf(row) : row);
  }
  if (header === undefined) throw new ImportError('The file is empty', file);
  return table;
}
