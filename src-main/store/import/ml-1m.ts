import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Attributes } from '../dataset-schemas';
import { ImportError } from './errors';
import { InteractionLog } from './interaction-log';
import { readLineBatches, readLines, type LineReaderOptions } from './lines';
import type { ImporterContext } from './index';

/** Codes from the ML-1M README ("USERS FILE DESCRIPTION"). */
const AGE_GROUPS: Record<string, string> = { '1': 'Under 18', '18': '18-24', '25': '25-34', '35': '35-44', '45': '45-49', '50': '50-55', '56': '56+' };
const OCCUPATIONS = [
  'other', 'academic/educator', 'artist', 'clerical/admin', 'college/grad student', 'customer service',
  'doctor/health care', 'executive/managerial', 'farmer', 'homemaker', 'K-12 student', 'lawyer', 'programmer',
  'retired', 'sales/marketing', 'scientist', 'self-employed', 'technician/engineer', 'tradesman/craftsman',
  'unemployed', 'writer',
];

const INTEGER = /^\d+$/;
const RATING_FIELDS = ['UserID', 'MovieID', 'Rating', 'Timestamp'];

function isWholeNumber(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * A GroupLens ML-1M folder: `ratings.dat` (UserID::MovieID::Rating::Timestamp), `movies.dat`
 * (MovieID::Title::Genres) and `users.dat` (UserID::Gender::Age::Occupation::Zip-code). `source`
 * may be the folder or its ratings.dat; `items` overrides the movies file. The originals are
 * ISO-8859-1 and some redistributions are UTF-8, so the text files are read with 'auto'.
 */
export async function importMl1m(source: string, items: string | undefined, ctx: ImporterContext): Promise<InteractionLog> {
  const folder = existsSync(source) && statSync(source).isDirectory() ? source : dirname(source);
  const ratings = folder === source ? join(folder, 'ratings.dat') : source;
  if (!existsSync(ratings)) throw new ImportError('No ratings.dat here (expected the ML-1M folder or its ratings.dat)', ratings);
  const log = new InteractionLog();
  const read = (file: string, fields: number, extra: LineReaderOptions = {}) =>
    datLines(file, fields, { signal: ctx.signal, encoding: 'auto', ...extra });

  // ratings.dat is pure ASCII digits: strict UTF-8 in one pass (no 'auto' double read of 24 MB).
  // A million short lines: read in batches and parsed inline.
  for await (const [first, lines] of readLineBatches(ratings, { signal: ctx.signal, onBytes: ctx.onBytes })) {
    for (let j = 0; j < lines.length; j++) {
      const text = lines[j]!;
      const f = text.split('::');
      if (f.length !== 4) {
        if (text.trim() === '') continue;
        throw new ImportError(`Expected 4 "::"-separated fields but found ${f.length}`, ratings, first + j);
      }
      for (let k = 0; k < 4; k++) {
        if (!isWholeNumber(f[k]!)) throw new ImportError(`${RATING_FIELDS[k]} "${f[k]}" is not a whole number`, ratings, first + j);
      }
      log.add(f[0]!, f[1]!, Number(f[3]), Number(f[2]));
    }
  }
  if (log.length === 0) throw new ImportError('The file has no ratings', ratings);

  const movies = items ?? join(folder, 'movies.dat');
  if (items !== undefined || existsSync(movies)) {
    for await (const [line, [id, title, genres]] of read(movies, 3)) {
      if (!INTEGER.test(id!)) throw new ImportError(`MovieID "${id}" is not a whole number`, movies, line);
      log.itemAttributes.set(id!, movieAttributes(title!, genres!));
    }
  }
  const users = join(folder, 'users.dat');
  if (existsSync(users)) {
    for await (const [line, [id, gender, age, occupation, zip]] of read(users, 5)) {
      if (!INTEGER.test(id!)) throw new ImportError(`UserID "${id}" is not a whole number`, users, line);
      if (!INTEGER.test(age!) || !INTEGER.test(occupation!)) throw new ImportError('Age and Occupation must be numeric codes', users, line);
      const attributes: Attributes = { gender: gender!, age: Number(age), occupation: OCCUPATIONS[Number(occupation)] ?? occupation!, zipCode: zip! };
      if (AGE_GROUPS[age!]) attributes.ageGroup = AGE_GROUPS[age!];
      log.userAttributes.set(id!, attributes);
    }
  }
  return log;
}

/** "Toy Story (1995)" → title "Toy Story", year 1995; genres "A|B" → ["A", "B"]. */
export function movieAttributes(fullTitle: string, genres: string): Attributes {
  const m = /^(.*\S)\s*\((\d{4})\)\s*$/.exec(fullTitle);
  const attributes: Attributes = { title: m ? m[1]! : fullTitle.trim() };
  if (m) attributes.year = Number(m[2]);
  attributes.genres = genres.split('|').map((g) => g.trim()).filter((g) => g !== '');
  return attributes;
}

async function* datLines(file: string, fields: number, options: LineReaderOptions): AsyncGenerator<[number, string[]]> {
  let any = false;
  for await (const [line, text] of readLines(file, options)) {
    if (text.trim() === '') continue;
    const parts = text.split('::');
    if (parts.length !== fields) throw new ImportError(`Expected ${fields} "::"-separated fields but found ${parts.length}`, file, line);
    any = true;
    yield [line, parts];
  }
  if (!any) throw new ImportError('The file has no records', file);
}
