/** Validation problems in the user's words: which setting, what it must be, what was given. */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeIssues } from '../../../src-main/core/issues';
import { resolveSettings } from '../../../src-main/engine/settings';

const Example = z
  .object({
    size: z.number().int().min(1).max(10),
    rate: z.number().positive(),
    mode: z.enum(['a', 'b']),
    name: z.string().min(2),
    flag: z.boolean(),
    sizes: z.array(z.number().int().min(1)).max(2),
  })
  .partial()
  .strict();

function words(input: unknown): string {
  const result = Example.safeParse(input);
  if (result.success) throw new Error('expected a failure');
  return describeIssues(result.error, input);
}

describe('describeIssues', () => {
  it('says the bound and the value given', () => {
    expect(words({ size: 0 })).toBe('size: must be ≥ 1 (got 0)');
    expect(words({ size: 11 })).toBe('size: must be ≤ 10 (got 11)');
    expect(words({ rate: 0 })).toBe('rate: must be > 0 (got 0)');
    expect(words({ size: 1.5 })).toBe('size: must be a whole number (got 1.5)');
    expect(words({ name: 'x' })).toBe('name: must be at least 2 characters (got "x")');
    expect(words({ sizes: [1, 2, 3] })).toBe('sizes: must have at most 2 entries (got 3)');
    expect(words({ sizes: [1, 0] })).toBe('sizes.1: must be ≥ 1 (got 0)');
  });

  it('names the expected type, the allowed values and unknown keys', () => {
    expect(words({ size: 'big' })).toBe('size: must be a number (got "big")');
    expect(words({ size: Number.NaN })).toBe('size: must be a number (got NaN)');
    expect(words({ flag: 'yes' })).toBe('flag: must be true or false (got "yes")');
    expect(words({ mode: 'c' })).toBe('mode: must be one of a, b (got "c")');
    expect(words({ colour: 1 })).toBe('unknown setting "colour"');
  });

  it('keeps a message a schema wrote for users', () => {
    const Named = z.object({ name: z.string().min(1, 'A name is required') });
    const result = Named.safeParse({ name: '' });
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!, { name: '' })).toBe('name: A name is required (got "")');
  });

  it('lists every problem, one per clause', () => {
    expect(words({ size: 0, mode: 'c' })).toBe('size: must be ≥ 1 (got 0); mode: must be one of a, b (got "c")');
  });

  it('is what resolveSettings says about a bad setting', () => {
    expect(() => resolveSettings(undefined, { hiddenSize: 0 })).toThrow(/^hiddenSize: must be ≥ 2 \(got 0\)$/);
    expect(() => resolveSettings(undefined, { layers: 0 })).toThrow(/^layers: must be ≥ 1 \(got 0\)$/);
    expect(() => resolveSettings(undefined, { attentionDropout: 2 })).toThrow(/^attentionDropout: must be ≤ 0\.95 \(got 2\)$/);
  });
});
