import { z } from 'zod';

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

/** Dataset and run names appear in file names, URLs and CLI arguments: keep them plain. */
export const Name = z
  .string()
  .min(1, 'A name is required')
  .max(80, 'Names are at most 80 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'Use letters, digits, "_", "-" and "." (start with a letter or digit)');

export const JobStarted = z.object({ jobId: z.string() });
export type JobStarted = z.infer<typeof JobStarted>;

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
}

export const JobKind = z.enum(['import', 'demo', 'train', 'evaluate', 'embed', 'analysis', 'projection', 'plan', 'export']);
export type JobKind = z.infer<typeof JobKind>;

export const JobState = z.enum(['running', 'paused', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

/**
 * What a job works on, as data: the run (training, evaluation, intents, recommendations), the
 * dataset (import, demo, embedding, maps) or the experiment plan (plan runs). Titles are for people;
 * code asks the subject and kind.
 */
export const JobSubject = z.union([z.object({ runId: z.string() }).strict(), z.object({ dataset: z.string() }).strict(), z.object({ planId: z.number().int() }).strict()]);
export type JobSubject = z.infer<typeof JobSubject>;

export const JobInfo = z.object({
  jobId: z.string(),
  kind: JobKind,
  title: z.string(),
  subject: JobSubject.optional(),
  state: JobState,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  progress: z.object({ done: z.number(), total: z.number().optional(), message: z.string().optional() }).optional(),
  error: ApiErrorShape.optional(),
});
export type JobInfo = z.infer<typeof JobInfo>;

/**
 * The event stream. `progress` is for bars, `log` for the log pane, `metrics` carries named
 * numbers (per-loss values, validation metrics) keyed by a step for live curves, and the last
 * event of every job is exactly one of `done`, `failed` or `cancelled`.
 */
export const JobEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), job: JobInfo }),
  z.object({
    type: z.literal('progress'),
    jobId: z.string(),
    done: z.number(),
    total: z.number().optional(),
    message: z.string().optional(),
    etaSeconds: z.number().optional(),
  }),
  z.object({ type: z.literal('log'), jobId: z.string(), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  z.object({
    type: z.literal('metrics'),
    jobId: z.string(),
    series: z.string(),
    step: z.number(),
    values: z.record(z.string(), z.number()),
  }),
  z.object({ type: z.literal('state'), jobId: z.string(), state: JobState }),
  z.object({ type: z.literal('done'), jobId: z.string(), result: z.unknown() }),
  z.object({ type: z.literal('failed'), jobId: z.string(), error: ApiErrorShape }),
  z.object({ type: z.literal('cancelled'), jobId: z.string() }),
]);
export type JobEvent = z.infer<typeof JobEvent>;
