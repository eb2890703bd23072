import { z } from 'zod';

export const ErrorCode = z.enum(['validation', 'not_found', 'conflict', 'bad_input', 'cancelled', 'unavailable', 'internal']);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Where the problem is, when it is in a user's file: which file and which line. */
  file: z.string().optional(),
  line: z.number().int().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

/** An error a user can act on. Transports carry `toJSON()` unchanged to the caller. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly where: { file?: string; line?: number } = {},
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message, ...this.where, ...(this.issues ? { issues: this.issues } : {}) };
  }

  static fromZod(error: z.ZodError, what: string): ApiError {
    const issues = error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
    const first = issues[0];
    return new ApiError('validation', `Invalid ${what}: ${first ? `${first.path}: ${first.message}` : 'malformed'}`, {}, issues);
  }

  /** The error again from its shape (as it crossed a worker or process boundary), code and place kept. */
  static fromShape(shape: ApiErrorShape): ApiError {
    const where = { ...(shape.file !== undefined ? { file: shape.file } : {}), ...(shape.line !== undefined ? { line: shape.line } : {}) };
    return new ApiError(shape.code, shape.message, where, shape.issues);
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error && error.name === 'AbortError') return new ApiError('cancelled', 'Cancelled');
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError('internal', message);
}

/**
 * An error as it crosses a worker or process boundary: the full shape of an ApiError (code, message,
 * place), the message alone of any other error — never a message to read a code back out of.
 */
export type CarriedError = ApiErrorShape | { code?: undefined; message: string };

export function carryError(error: unknown): CarriedError {
  if (error instanceof ApiError) return error.toJSON();
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The error again on the receiving side: an ApiError with its code where it had one; `prefix` says where it came from. */
export function restoreError(carried: CarriedError, prefix = ''): Error {
  if (carried.code === undefined) return new Error(`${prefix}${carried.message}`);
  return ApiError.fromShape({ ...carried, message: `${prefix}${carried.message}` });
}
