import { z } from 'zod';
import { method, NoInput } from './common';

/**
 * Which machine the UI is driving: with `llmdirec serve` on a remote GPU box (docs/remote.md) the
 * browser is on a laptop, and the header says where the data and the training really are.
 */
export const SystemInfo = z.object({
  /** The host name of the computer running the workstation (not the browser's). */
  hostname: z.string(),
  platform: z.string(),
  arch: z.string(),
  cpus: z.number().int(),
  /** The compute backend the engine selects in this process (LLMDIREC_BACKEND can force one); workers select the same way. */
  backend: z.enum(['tensorflow', 'wasm', 'cpu']),
  /** The backend with its thread count where it has one: "wasm (2 threads)". */
  backendDescription: z.string(),
  /** The database file (the store) this workstation reads and writes. */
  database: z.string(),
  node: z.string(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const systemMethods = {
  'system.info': method({ summary: 'The computer and compute backend this workstation runs on, and its database file.', input: NoInput, output: SystemInfo }),
} as const;
