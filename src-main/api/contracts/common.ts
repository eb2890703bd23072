import { z } from 'zod';

// The shapes the contract shares with the domain (errors, names, jobs) are defined in core/.
export { ApiError, ApiErrorShape, ErrorCode } from '../../core/errors';
export { JobEvent, JobInfo, JobKind, JobState, JobSubject } from '../../core/job-events';
export { Name } from '../../core/names';

/** A contract entry: a validated input and the output a handler promises. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One sentence for API listings and the CLI's help. */
  summary: string;
}

export function method<I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}

export const NoInput = z.object({}).strict();
