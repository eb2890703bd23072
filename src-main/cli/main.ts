import { parseArgs } from 'node:util';
import { toApiError } from '../api/jobs';
import type { Service } from '../api/service';
import { openWorkstation } from '../workstation';
import { defaultDbFile } from '../paths';
import type { CliIO, Command } from './command';
import { commands } from './commands';

const globalFlags = {
  db: { type: 'string', description: 'Database file (default: $LLMDIREC_DB or the app-data folder)', valueName: 'file' },
  json: { type: 'boolean', description: 'Print one JSON document on stdout' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
} as const;

/** Runs the CLI; returns the process exit code (0 ok, 1 failed, 2 usage error, 130 cancelled). */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const words = commandWords(argv);
  const command = findCommand(words);
  if (!command) {
    if (argv.length > 0 && !argv.includes('--help') && !argv.includes('-h')) io.err(`Unknown command: ${words.join(' ') || argv.join(' ')}\n`);
    io.out(usage());
    return argv.length === 0 || argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...globalFlags, ...(command.flags ?? {}) } as NonNullable<Parameters<typeof parseArgs>[0]>['options'],
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) {
    io.out(commandHelp(command));
    return 0;
  }
  const positionals = parsed.positionals.slice(command.path.length);
  let service: Service | undefined;
  try {
    service = openWorkstation({ dbFile: (values.db as string | undefined) ?? defaultDbFile() });
    const code = await command.run({ positionals, flags: values, json: Boolean(values.json) }, service, io);
    return code ?? 0;
  } catch (error) {
    const apiError = toApiError(error);
    if (apiError.code === 'cancelled') {
      io.err('Cancelled; nothing was written.');
      return 130;
    }
    io.err(`error: ${apiError.message}`);
    if (apiError.code === 'internal' && process.env.LLMDIREC_DEBUG && error instanceof Error) io.err(error.stack ?? '');
    return apiError.code === 'validation' ? 2 : 1;
  } finally {
    await service?.close();
  }
}

/** The words before the options that take values, e.g. `--db x dataset list` → ['dataset', 'list']. */
function commandWords(argv: string[]): string[] {
  const takesValue = new Set<string>();
  for (const spec of [globalFlags, ...commands.map((c) => c.flags ?? {})]) {
    for (const [name, flag] of Object.entries(spec)) {
      if (flag.type === 'string') {
        takesValue.add(`--${name}`);
        if ('short' in flag && flag.short) takesValue.add(`-${flag.short}`);
      }
    }
  }
  const words: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) k++;
    } else words.push(arg);
  }
  return words;
}

function findCommand(words: string[]): Command | undefined {
  // Longest match first, so `dataset import` wins over a hypothetical `dataset`.
  return [...commands]
    .sort((a, b) => b.path.length - a.path.length)
    .find((c) => c.path.every((w, k) => words[k] === w));
}

function usage(): string {
  const lines = ['Usage: llmdirec [--db <file>] <command> [options]', '', 'Commands:'];
  const width = Math.max(...commands.map((c) => `${c.path.join(' ')} ${c.args ?? ''}`.length));
  for (const c of commands) lines.push(`  ${`${c.path.join(' ')} ${c.args ?? ''}`.padEnd(width)}  ${c.summary}`);
  lines.push('', 'Every command that reports takes --json. Run "llmdirec <command> --help" for its options.');
  return lines.join('\n');
}

export function commandHelp(command: Command): string {
  const lines = [`Usage: llmdirec ${command.path.join(' ')} ${command.args ?? ''} [options]`, '', command.summary, '', 'Options:'];
  const all = { ...(command.flags ?? {}), ...globalFlags };
  const label = (name: string, spec: { type: string; valueName?: string; short?: string }) =>
    `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` <${spec.valueName ?? 'value'}>` : ''}`;
  const width = Math.max(...Object.entries(all).map(([n, s]) => label(n, s).length));
  for (const [name, spec] of Object.entries(all)) lines.push(`  ${label(name, spec).padEnd(width)}  ${spec.description}`);
  return lines.join('\n');
}

function defaultIO(): CliIO {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    interactive: Boolean(process.stderr.isTTY),
  };
}

