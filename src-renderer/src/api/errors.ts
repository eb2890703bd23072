import type { ApiErrorShape } from '../../../src-main/api/contract';

/** An API error as the renderer sees it, whichever transport carried it. */
export class ClientError extends Error {
  readonly code: ApiErrorShape['code'];
  readonly shape: ApiErrorShape;

  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'ClientError';
    this.code = shape.code;
    this.shape = shape;
  }
}

/** A sentence a user can act on, from anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof ClientError) {
    const { file, line } = error.shape;
    const base = file?.split(/[\\/]/).pop() ?? '';
    // Importers already name the file and line in the message; add them only when they are missing.
    if (!file || (error.message.includes(base) && (line === undefined || error.message.includes(`line ${line}`)))) return error.message;
    const where = error.shape.file ? ` (${error.shape.file}${error.shape.line ? `, line ${error.shape.line}` : ''})` : '';
    return `${error.message}${where}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
