/** The result of a plan run job, as the plan runner produces it and the API contract carries it. */
import { z } from 'zod';

export const PlanRunResult = z.object({
  planId: z.number().int(),
  /** Entries this job started, resumed or completed (group metrics), by position. */
  trained: z.array(z.number().int()),
  resumed: z.array(z.number().int()),
  failed: z.array(z.number().int()),
  counts: z.record(z.string(), z.number().int()),
});
export type PlanRunResult = z.infer<typeof PlanRunResult>;
