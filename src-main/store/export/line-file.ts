import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ApiError } from '../../core/errors';

const FLUSH_BYTES = 1 << 20;

/**
 * A text file written line by line without holding it in memory: lines are buffered up to 1 MiB
 * and appended to `<file>.part`, which `commit()` renames to `<file>`. Until then the target is
 * untouched, so a cancelled or failed export (`abort()`) leaves no half-written file behind.
 */
export class LineFile {
  readonly partial: string;
  private fd: number;
  private buffer: string[] = [];
  private buffered = 0;
  bytes = 0;

  constructor(readonly file: string) {
    this.partial = `${file}.part`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      this.fd = openSync(this.partial, 'w');
    } catch (error) {
      throw new ApiError('bad_input', `Cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file });
    }
  }

  /** Appends one line (the newline is added here). */
  line(text: string): void {
    this.buffer.push(text, '\n');
    this.buffered += text.length + 1;
    if (this.buffered >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const chunk = Buffer.from(this.buffer.join(''), 'utf8');
    this.buffer = [];
    this.buffered = 0;
    let at = 0;
    while (at < chunk.length) at += writeSync(this.fd, chunk, at);
    this.bytes += chunk.length;
  }

  /** Writes what is buffered and moves the file into place. */
  commit(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.partial, this.file);
  }

  /** Drops the partial file; the target keeps whatever it held before. */
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed by commit()
    }
    if (existsSync(this.partial)) rmSync(this.partial, { force: true });
  }
}

/** Runs `write` with the files it opens; on any error every one of them is aborted, on success committed together. */
export async function writeFilesTogether<T>(write: (open: (file: string) => LineFile) => Promise<T>): Promise<T> {
  const files: LineFile[] = [];
  try {
    const result = await write((file) => {
      const f = new LineFile(file);
      files.push(f);
      return f;
    });
    for (const f of files) f.commit();
    return result;
  } catch (error) {
    for (const f of files) f.abort();
    throw error;
  }
}
