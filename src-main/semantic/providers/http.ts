import { ApiError } from '../../core/errors';

export interface HttpOptions {
  /** Per attempt. */
  timeoutMs?: number;
  /** Further attempts after the first, on 429, 5xx, timeouts and connection errors. */
  retries?: number;
  /** First wait; doubles each retry (a server's Retry-After wins, capped at 60 s). */
  backoffMs?: number;
  signal?: AbortSignal;
  /**
   * Called before each wait between attempts. Without it a hanging endpoint is silent for
   * (retries + 1) × timeout — ten minutes with the defaults (issue #12).
   */
  onRetry?: (notice: RetryNotice) => void;
}

/** One failed attempt that will be retried: which of how many, why, and how long until the next. */
export interface RetryNotice {
  url: string;
  /** 1-based number of the attempt that failed. */
  attempt: number;
  attempts: number;
  reason: string;
  waitMs: number;
}

export const HTTP_DEFAULTS = { timeoutMs: 120_000, retries: 4, backoffMs: 500 };

/** The log line for a retry, e.g. `…/api/embed: attempt 1 of 5 failed (no reply within 120 s); retrying in 0.5 s`. */
export function describeRetry(n: RetryNotice): string {
  return `${n.url}: attempt ${n.attempt} of ${n.attempts} failed (${n.reason}); retrying in ${formatSeconds(n.waitMs)}`;
}

const formatSeconds = (ms: number): string => (ms < 100 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ApiError('cancelled', 'Cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ApiError('cancelled', 'Cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * POSTs JSON and returns the parsed reply. Headers (which may hold an API key) never appear in an
 * error message; a reply body is quoted at most 200 characters.
 */
export async function postJson(url: string, body: unknown, headers: Record<string, string>, options: HttpOptions = {}): Promise<unknown> {
  const { timeoutMs, retries, backoffMs } = { ...HTTP_DEFAULTS, ...options };
  const signal = options.signal;
  let lastError = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (signal?.aborted) throw new ApiError('cancelled', 'Cancelled');
    try {
      return await attemptOnce(url, body, headers, timeoutMs, signal);
    } catch (error) {
      if (!(error instanceof Retryable)) throw error;
      lastError = error.message;
      if (attempt === retries) break;
      const waitMs = Math.min(60_000, error.retryAfterMs ?? backoffMs * 2 ** attempt);
      options.onRetry?.({ url, attempt: attempt + 1, attempts: retries + 1, reason: error.message, waitMs });
      await sleep(waitMs, signal);
    }
  }
  throw new ApiError('unavailable', `${url}: ${lastError} (gave up after ${retries + 1} attempts)`);
}

async function attemptOnce(url: string, body: unknown, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: combined });
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw new ApiError('cancelled', 'Cancelled');
    if (timeout.aborted) throw new Retryable(`no reply within ${timeoutMs / 1000} s`);
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new Retryable(`cannot connect (${cause})`);
  }
  const quoted = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  if (response.status === 429 || response.status >= 500) {
    const after = Number(response.headers.get('retry-after'));
    throw new Retryable(`HTTP ${response.status} ${quoted}`, Number.isFinite(after) && after > 0 ? after * 1000 : undefined);
  }
  if (!response.ok) throw new ApiError('bad_input', `${url}: HTTP ${response.status} ${quoted}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('bad_input', `${url}: the reply is not JSON: ${quoted}`);
  }
}

/** Joins a base URL and a path without doubling a `/v1` the user already typed. */
export function joinUrl(base: string, path: string): string {
  const trimmed = base.replace(/\/+$/, '');
  const first = path.split('/').filter(Boolean)[0];
  if (first && trimmed.endsWith(`/${first}`)) return trimmed + path.slice(first.length + 1);
  return trimmed + path;
}
