import type { Attributes } from '../dataset-schemas';
import { ImportError } from './errors';
import { readLines, type LineReaderOptions } from './lines';
import { parsePythonLiteral, PyLiteralError, type PyValue } from './python-literal';

type AttributeValue = Attributes[string];
export type JsonRecord = { [key: string]: PyValue };

/**
 * Reads a JSON-lines file (plain or gzip) one object per line. With `pythonLiterals`, lines that
 * are not JSON are parsed as Python dict literals (Amazon 2014 metadata). Errors name file and line.
 */
export async function* readRecords(
  file: string,
  options: LineReaderOptions & { pythonLiterals?: boolean } = {},
): AsyncGenerator<[number, JsonRecord]> {
  for await (const [line, text] of readLines(file, options)) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (jsonError) {
      if (!options.pythonLiterals) throw new ImportError(`Not valid JSON: ${(jsonError as Error).message}`, file, line);
      try {
        value = parsePythonLiteral(trimmed);
      } catch (pyError) {
        const why = pyError instanceof PyLiteralError ? pyError.message : String(pyError);
        throw new ImportError(`Neither JSON nor a Python dict literal: ${why}`, file, line);
      }
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ImportError('Expected one object ({…}) per line', file, line);
    }
    yield [line, value as JsonRecord];
  }
}

/** A required string field (ids may be numbers in some dumps; they are kept as text). */
export function requireString(record: JsonRecord, keys: readonly string[], file: string, line: number): string {
  for (const key of keys) {
    const v = record[key];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  throw new ImportError(`Missing "${keys.join('" or "')}"`, file, line);
}

/** A numeric field that may be a number or a numeric string; undefined when absent. */
export function optionalNumber(record: JsonRecord, key: string, file: string, line: number): number | undefined {
  const v = record[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN;
  if (!Number.isFinite(n)) throw new ImportError(`"${key}" is not a number (${JSON.stringify(v).slice(0, 40)})`, file, line);
  return n;
}

/** Flattens nested lists of strings (Amazon 2014 categories are lists of paths) into unique strings. */
export function stringList(value: PyValue | undefined): string[] {
  const out: string[] = [];
  const walk = (v: PyValue | undefined): void => {
    if (typeof v === 'string') {
      const s = v.trim();
      if (s !== '' && !out.includes(s)) out.push(s);
    } else if (typeof v === 'number') walk(String(v));
    else if (Array.isArray(v)) v.forEach(walk);
  };
  walk(value);
  return out;
}

/** Text fields that some dumps store as lists of paragraphs. */
export function text(value: PyValue | undefined): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const joined = stringList(value).join('\n');
    return joined === '' ? undefined : joined;
  }
  return undefined;
}

/** "$12.99", "12.99", 12.99 → 12.99; ranges and blanks → undefined. */
export function price(value: PyValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*\$?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*$/.exec(value);
  return m ? Number(m[1]!.replace(/,/g, '')) : undefined;
}

/** Keeps only attribute values the store accepts, dropping undefined ones. */
export function attributes(entries: Record<string, AttributeValue | undefined>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out[k] = v;
  return out;
}
