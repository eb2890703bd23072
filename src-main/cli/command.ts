import type { ParseArgsConfig } from 'node:util';
import type { Service } from '../api/service';
import type { JobEvent, JobKind } from '../api/contracts/common';
import type { JobHandle, JobResult } from '../api/contracts/jobs';
import { ApiError } from '../api/contracts/common';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };

export interface CliArgs {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
  json: boolean;
}

/** Where a command writes: stdout for results (one JSON document with --json), stderr for the rest. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  interactive: boolean;
}

export interface Command {
  /** Words that select the command, e.g. ['dataset', 'import']. */
  path: string[];
  summary: string;
  /** Positional arguments as shown in help, e.g. '<name>'. */
  args?: string;
  flags?: Record<string, FlagSpec>;
  run(args: CliArgs, service: Service, io: CliIO): Promise<number | void>;
}

export function requireString(args: CliArgs, flag: string): string {
  const value = args.flags[flag];
  if (typeof value !== 'string' || value === '') throw new ApiError('validation', `Missing --${flag}`);
  return value;
}

/** The first positional argument, or a usage error saying what is missing. */
export function requirePositional(args: CliArgs, missing: string): string {
  const value = args.positionals[0];
  if (!value) throw new ApiError('validation', missing);
  return value;
}

export function optionalNumber(args: CliArgs, flag: string): number | undefined {
  const value = args.flags[flag];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) {
    throw new ApiError('validation', `--${flag} must be a number (got "${String(value)}")`);
  }
  return n;
}

export function printJson(io: CliIO, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** Prints rows as an aligned text table. */
export function printTable(io: CliIO, rows: Record<string, unknown>[], columns: string[]): void {
  const cells = rows.map((r) => columns.map((c) => formatCell(r[c])));
  const widths = columns.map((c, k) => Math.max(c.length, ...cells.map((row) => row[k]!.length)));
  io.out(columns.map((c, k) => c.padEnd(widths[k]!)).join('  '));
  for (const row of cells) io.out(row.map((v, k) => v.padEnd(widths[k]!)).join('  '));
}

function formatCell(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(4);
  if (value === undefined || value === null) return '';
  return String(value);
}

/**
 * Follows a job to its end: a progress bar on a terminal (stderr), log lines on stderr, and Ctrl-C
 * cancels the job cleanly instead of killing the process mid-write. Returns the job's result, typed
 * by its kind.
 */
export async function followJob<K extends JobKind>(service: Service, job: JobHandle<K>, io: CliIO, onEvent?: (e: JobEvent) => void): Promise<JobResult<K>> {
  const { jobId } = job;
  let lastBar = '';
  const unsubscribe = service.onEvent((event) => {
    if (!('jobId' in event) || event.jobId !== jobId) return;
    onEvent?.(event);
    if (event.type === 'progress' && io.interactive) {
      const total = event.total ?? 0;
      const fraction = total > 0 ? Math.min(1, event.done / total) : 0;
      const width = 30;
      const filled = Math.round(fraction * width);
      const eta = event.etaSeconds !== undefined ? ` ETA ${formatDuration(event.etaSeconds)}` : '';
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}% ${event.message ?? ''}${eta}`;
      if (bar !== lastBar) process.stderr.write(`\r${bar.padEnd(lastBar.length)}`);
      lastBar = bar;
    } else if (event.type === 'log') {
      if (lastBar) process.stderr.write('\n');
      lastBar = '';
      io.err(event.message);
    }
  });
  const onSigint = () => {
    io.err('\nCancelling… (press Ctrl-C again to force quit)');
    process.off('SIGINT', onSigint);
    void service.call('jobs.cancel', { jobId });
  };
  process.on('SIGINT', onSigint);
  try {
    return await service.context.jobs.waitFor(jobId, job.kind);
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
    if (lastBar) process.stderr.write('\n');
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
