import { basename } from 'node:path';
import { ApiError } from '../../core/errors';

/** A problem in a user's input file: the message names the file and, where known, the line. */
export class ImportError extends ApiError {
  constructor(problem: string, file: string, line?: number) {
    super('bad_input', `${basename(file)}${line !== undefined ? `, line ${line}` : ''}: ${problem}`, { file, line });
  }
}
