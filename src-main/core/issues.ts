import type { z } from 'zod';

/**
 * Zod's issues in a user's words: `hiddenSize: must be ≥ 2 (got 0)`. Zod's own message is a JSON
 * dump of its issue objects, which names neither the bound in plain terms nor the value given; the
 * value comes from `input` (the object that was validated) because zod does not report it by default.
 */
export function describeIssues(error: z.ZodError, input: unknown): string {
  return error.issues.map((issue) => describeIssue(issue, input)).join('; ');
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue, input: unknown): string {
  const where = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    const scope = where ? `${where}: ` : '';
    return `${scope}unknown setting${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  const value = valueAt(input, issue.path);
  const counted = (issue.code === 'too_small' || issue.code === 'too_big') && Array.isArray(value);
  const got = value === undefined ? '' : ` (got ${counted ? (value as unknown[]).length : shown(value)})`;
  return `${where || 'the input'}: ${requirement(issue, value)}${got}`;
}

/** Zod's built-in messages; any other message was written for users in a schema and is kept. */
const BUILT_IN = /^(Too (small|big)|Invalid|Unrecognized)/;

function requirement(issue: Issue, value: unknown): string {
  if (!BUILT_IN.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const small = issue.code === 'too_small';
      if (issue.origin === 'string') return `must be ${small ? 'at least' : 'at most'} ${bound} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have ${small ? 'at least' : 'at most'} ${bound} entr${bound === 1 ? 'y' : 'ies'}`;
      const sign = small ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
      return `must be ${sign} ${bound}`;
    }
    case 'invalid_type':
      return `must be ${TYPE_WORDS[issue.expected] ?? `a ${issue.expected}`}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${String(issue.values[0])}` : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union': {
      // Each alternative failed; naming the kinds of value accepted is what the user can act on.
      const kinds = issue.errors.map((alternative) => alternative[0]).filter((i) => i !== undefined);
      if (kinds.every((i) => i.code === 'invalid_type')) return `must be ${kinds.map((i) => requirement(i, value)).map((w) => w.replace(/^must be /, '')).join(' or ')}`;
      const fits = kinds.find((i) => i.code !== 'invalid_type');
      return fits ? requirement(fits, value) : issue.message;
    }
    default:
      return issue.message;
  }
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
