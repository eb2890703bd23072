import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ImportError } from './errors';
import { throwIfCancelled } from '../../core/jobs';

export type TextEncoding = 'utf-8' | 'latin1' | 'auto';

export interface LineReaderOptions {
  /** 'auto' = strict UTF-8, falling back to ISO-8859-1 for the whole file if it is not valid UTF-8. */
  encoding?: TextEncoding;
  signal?: AbortSignal;
  /** Called with compressed bytes read so far and the file size, for progress bars. */
  onBytes?: (read: number, total: number) => void;
}

/**
 * Reads a text file (optionally gzip-compressed, detected by magic bytes) line by line, with LF or
 * CRLF endings and an optional BOM. Yields `[lineNumber, text]` (1-based). Errors name the file.
 */
export async function* readLines(file: string, options: LineReaderOptions = {}): AsyncGenerator<[number, string]> {
  for await (const [first, lines] of readLineBatches(file, options)) {
    for (let k = 0; k < lines.length; k++) yield [first + k, lines[k]!];
  }
}

/**
 * Like readLines, but yields the lines of each read chunk together (`[firstLineNumber, lines]`):
 * for files with millions of short lines, one async step per line costs more than parsing them.
 */
export async function* readLineBatches(file: string, options: LineReaderOptions = {}): AsyncGenerator<[number, string[]]> {
  const encoding = options.encoding ?? 'utf-8';
  if (encoding === 'auto') {
    try {
      // Validate the whole file first: switching encodings midway would yield mixed lines.
      for await (const _ of readBatchesWith(file, 'utf-8', { signal: options.signal })) void _;
      yield* readBatchesWith(file, 'utf-8', options);
    } catch (error) {
      if (!(error instanceof ImportError) || !error.message.includes('not valid UTF-8')) throw error;
      yield* readBatchesWith(file, 'latin1', options);
    }
    return;
  }
  yield* readBatchesWith(file, encoding, options);
}

async function* readBatchesWith(
  file: string,
  encoding: 'utf-8' | 'latin1',
  options: LineReaderOptions,
): AsyncGenerator<[number, string[]]> {
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new ImportError(`Expected a file but found a folder`, file);
    size = stat.size;
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(`Cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, file);
  }
  if (size === 0) throw new ImportError('The file is empty', file);
  const gzipped = await startsWithGzipMagic(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  raw.on('data', (chunk) => {
    bytesRead += chunk.length;
    options.onBytes?.(bytesRead, size);
  });
  const stream: Readable = gzipped ? raw.pipe(createGunzip()) : raw;
  if (gzipped) raw.on('error', (e) => stream.destroy(e));
  const decoder = new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'latin1', { fatal: encoding === 'utf-8' });
  let carry = '';
  let lineNumber = 0;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      throwIfCancelled(options.signal);
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        const bad = lineNumber + 1 + countNewlineBytes(chunk, firstInvalidUtf8(chunk));
        throw new ImportError(`The file is not valid UTF-8 (a byte that is not UTF-8 on line ${bad})`, file, bad);
      }
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      text = carry + text;
      let start = 0;
      let nl: number;
      const lines: string[] = [];
      while ((nl = text.indexOf('\n', start)) !== -1) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        lines.push(text.slice(start, end));
        start = nl + 1;
      }
      carry = text.slice(start);
      if (lines.length > 0) {
        yield [lineNumber + 1, lines];
        lineNumber += lines.length;
      }
    }
    const rest = carry + decoder.decode();
    if (rest.length > 0) yield [++lineNumber, [rest.endsWith('\r') ? rest.slice(0, -1) : rest]];
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end of file/i.test(String(error))) {
      throw new ImportError(`The gzip data is truncated or corrupt (after line ${lineNumber})`, file, lineNumber);
    }
    if (error instanceof Error && (error.name === 'ApiError' || error.name === 'AbortError')) throw error;
    throw new ImportError(`Cannot read the file: ${(error as Error).message}`, file);
  } finally {
    raw.destroy();
  }
}

function countNewlineBytes(bytes: Buffer, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === 10) n++;
  return n;
}

/** Offset of the first byte that makes `bytes` invalid UTF-8 (validity of prefixes is monotone). */
function firstInvalidUtf8(bytes: Buffer): number {
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  const { open } = await import('node:fs/promises');
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buffer, 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Splits one delimited line honouring double quotes ("a, b" stays one field; "" is a quote). */
export function splitDelimited(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
