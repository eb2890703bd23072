import { existsSync, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ApiError } from '../../api/contracts/common';
import { TemplateBody } from '../../api/contracts/semantic';
import { toApiError } from '../../api/jobs';
import type { Service } from '../../api/service';
import { followJob, optionalNumber, printJson, printTable, requirePositional, requireString, type CliArgs, type Command } from '../command';

/**
 * `--template <name|file>`: a stored template's name, or a file — `.json` with {text, placeholders,
 * missing}, anything else is the template text — saved as a template named after the file (an
 * edited file becomes that template's next version).
 */
async function templateFromFlag(service: Service, value: string | undefined): Promise<string | undefined> {
  if (value === undefined || !existsSync(value)) return value;
  const raw = readFileSync(value, 'utf8');
  let body: unknown;
  try {
    body = extname(value).toLowerCase() === '.json' ? JSON.parse(raw) : { text: raw.replace(/\r\n/g, '\n').replace(/\n$/, '') };
  } catch (error) {
    throw new ApiError('bad_input', `${value}: not valid JSON (${(error as Error).message})`, { file: value });
  }
  const parsed = TemplateBody.safeParse(body);
  if (!parsed.success) throw ApiError.fromZod(parsed.error, `template file ${value}`);
  const name = basename(value, extname(value)).replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'template';
  const saved = await service.call('templates.save', { name, ...parsed.data });
  return saved.template.name;
}

async function templateRef(service: Service, args: CliArgs, position = 0): Promise<{ name: string }> {
  const value = (args.flags.template as string | undefined) ?? args.positionals[position];
  if (!value) throw new ApiError('validation', 'Which template? Give its name or a file (--template <name|file>)');
  return { name: (await templateFromFlag(service, value))! };
}

/** A share as a percentage that never rounds a partial coverage to "100.0 %" or "0.0 %". */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.001) return '<0.1 %';
  if (share > 0.999 && share < 1) return '>99.9 %';
  return `${(share * 100).toFixed(1)} %`;
}

const templateFlag = { type: 'string', description: 'Template name or file (.json {text, placeholders, missing} or plain text)', valueName: 'name|file' } as const;
const datasetFlag = { type: 'string', description: 'Dataset name', valueName: 'name' } as const;

export const semanticCommands: Command[] = [
  {
    path: ['embed'],
    summary: 'Embed the item texts of a dataset (cached: only new or changed texts are embedded).',
    flags: {
      dataset: datasetFlag,
      provider: { type: 'string', description: 'builtin (default) | transformers:<folder> | openai:<url> | ollama:<url>', valueName: 'spec' },
      model: { type: 'string', description: 'Model name (openai, ollama)', valueName: 'name' },
      template: templateFlag,
      'batch-size': { type: 'string', description: 'Texts per request', valueName: 'n' },
      pooling: { type: 'string', description: 'transformers pooling: cls (default, bge-m3) | mean | last_token', valueName: 'p' },
      'no-normalize': { type: 'boolean', description: 'Keep raw vectors (default: L2-normalised)' },
      timeout: { type: 'string', description: 'openai/ollama: seconds to wait for one reply (default 120)', valueName: 'seconds' },
      retries: { type: 'string', description: 'openai/ollama: further attempts after a timeout, 429, 5xx or lost connection (default 4)', valueName: 'n' },
    },
    async run(args, service, io) {
      const dataset = requireString(args, 'dataset');
      const pooling = args.flags.pooling as 'cls' | 'mean' | 'last_token' | undefined;
      const started = await service.call('embeddings.embed', {
        dataset,
        provider: (args.flags.provider as string | undefined) ?? 'builtin',
        model: args.flags.model as string | undefined,
        template: await templateFromFlag(service, args.flags.template as string | undefined),
        normalize: !args.flags['no-normalize'],
        batchSize: optionalNumber(args, 'batch-size'),
        pooling,
        timeoutSeconds: optionalNumber(args, 'timeout'),
        retries: optionalNumber(args, 'retries'),
      });
      let r;
      try {
        r = await followJob(service, started, io);
      } catch (error) {
        // The job says what a cancel kept in the cache; the generic "nothing was written" would be wrong.
        const e = toApiError(error);
        if (e.code !== 'cancelled' || e.message === 'Cancelled') throw error;
        io.err(e.message);
        return 130;
      }
      // These first in the JSON, then the rest.
      const { dataset: name, provider, model, dims, items, embedded, cached, ...rest } = r;
      const result = { dataset: name, provider, model, dims, items, embedded, cached, ...rest };
      if (args.json) printJson(io, result);
      else {
        io.out(`Embedding set ${String(r.embeddingSetId)} of "${dataset}" (template ${String(r.template)} v${String(r.templateVersion)}):`);
        printTable(io, [result], ['provider', 'model', 'dims', 'items', 'itemsWithText', 'embedded', 'cached']);
      }
    },
  },
  {
    path: ['embeddings', 'list'],
    summary: 'List complete embedding sets (what training can use).',
    flags: { dataset: datasetFlag },
    async run(args, service, io) {
      const sets = await service.call('embeddings.sets', { dataset: args.flags.dataset as string | undefined });
      if (args.json) printJson(io, sets);
      else printTable(io, sets, ['id', 'dataset', 'template', 'templateVersion', 'provider', 'model', 'dims', 'items', 'itemsWithText']);
    },
  },
  {
    path: ['templates', 'list'],
    summary: 'List prompt templates (latest versions).',
    async run(args, service, io) {
      const list = await service.call('templates.list', {});
      if (args.json) printJson(io, list);
      else printTable(io, list.map((t) => ({ ...t, placeholders: Object.keys(t.placeholders).join(' ') })), ['name', 'version', 'builtin', 'missing', 'placeholders']);
    },
  },
  {
    path: ['templates', 'show'],
    summary: 'Show a template (text, mapping) and its versions.',
    args: '<name>',
    flags: { version: { type: 'string', description: 'A given version (default: latest)', valueName: 'n' } },
    async run(args, service, io) {
      const name = requirePositional(args, 'Which template? llmdirec templates show <name>');
      const shown = await service.call('templates.get', { name, version: optionalNumber(args, 'version') });
      if (args.json) return printJson(io, shown);
      const t = shown.template;
      io.out(`${t.name} v${t.version}${t.builtin ? ' (paper §4.2)' : ''}, missing values: ${t.missing}\n\n${t.text}\n`);
      for (const [p, sources] of Object.entries(t.placeholders)) io.out(`  <${p}> ← ${sources.join(' | ')}`);
      io.out(`\nVersions: ${shown.versions.map((v) => `v${v.version} (${v.createdAt})`).join(', ')}`);
    },
  },
  {
    path: ['templates', 'validate'],
    summary: 'Check a template on a dataset: unknown placeholders, share of items with a value.',
    args: '<name|file>',
    flags: { dataset: datasetFlag, template: templateFlag },
    async run(args, service, io) {
      const v = await service.call('templates.validate', { dataset: requireString(args, 'dataset'), template: await templateRef(service, args) });
      if (args.json) printJson(io, v);
      else {
        io.out(`${v.items} items, ${v.itemsWithText} with text`);
        printTable(io, v.coverage.map((c) => ({ ...c, sources: c.sources.join(' | '), share: formatShare(c.share) })), ['placeholder', 'sources', 'filled', 'share']);
        for (const i of v.issues) io.out(`${i.level}: ${i.message}`);
      }
      return v.ok ? 0 : 1;
    },
  },
  {
    path: ['templates', 'preview'],
    summary: 'Render a template for sample items.',
    args: '<name|file>',
    flags: {
      dataset: datasetFlag,
      template: templateFlag,
      items: { type: 'string', description: 'Comma-separated item ids (default: the first ones)', valueName: 'ids' },
      limit: { type: 'string', description: 'How many items (default 5)', valueName: 'n' },
    },
    async run(args, service, io) {
      const ids = typeof args.flags.items === 'string' ? args.flags.items.split(',').map((s) => Number(s.trim())) : undefined;
      if (ids?.some((n) => !Number.isInteger(n) || n < 1)) throw new ApiError('validation', '--items must be item ids like 1,2,3');
      const rows = await service.call('templates.preview', {
        dataset: requireString(args, 'dataset'),
        template: await templateRef(service, args),
        itemIds: ids,
        limit: optionalNumber(args, 'limit') ?? 5,
      });
      if (args.json) return printJson(io, rows);
      for (const r of rows) io.out(`#${r.itemId}${r.hasText ? '' : ' (no text)'}${r.missing.length ? ` missing: ${r.missing.join(', ')}` : ''}\n${r.text}\n`);
    },
  },
];
