import { z } from 'zod';

/** Dataset and run names appear in file names, URLs and CLI arguments: keep them plain. */
export const Name = z
  .string()
  .min(1, 'A name is required')
  .max(80, 'Names are at most 80 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'Use letters, digits, "_", "-" and "." (start with a letter or digit)');
