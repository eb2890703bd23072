import type { z } from 'zod';
import { builtinTemplateFor, genericTemplate } from '../../semantic/builtin-templates';
import { deleteEmbeddingSet, embedDataset, listEmbeddingSets } from '../../semantic/embedding-store';
import { openProvider } from '../../semantic/providers';
import { describeRetry, HTTP_DEFAULTS } from '../../semantic/providers/http';
import { parseProviderSpec } from '../../semantic/providers/types';
import { deleteTemplate, getTemplate, listTemplates, saveTemplate, templateVersions } from '../../semantic/template-store';
import type { PromptTemplate } from '../../semantic/templates';
import { previewTemplate, validateTemplate } from '../../semantic/validate';
import { itemAttributes } from '../../store/datasets';
import type { Db } from '../../store/db';
import { ApiError } from '../contracts/common';
import type { semanticMethods } from '../contracts/semantic';
import type { HandlerTable } from '../service';

type SemanticMethod = keyof typeof semanticMethods;
type TemplateRef = z.output<(typeof semanticMethods)['templates.validate']['input']>['template'];

function resolveTemplate(db: Db, ref: TemplateRef): PromptTemplate {
  return 'inline' in ref ? ref.inline : getTemplate(db, ref.name, ref.version);
}

/**
 * The template an embed run uses: the one named, else the paper's template for the dataset, else a
 * generic template over the attributes the dataset's items have (saved as "<dataset>-generic",
 * versioned like any template, so its embedding set names what it was made from).
 */
export function templateNameFor(db: Db, dataset: string, template: string | undefined): string {
  const name = template ?? builtinTemplateFor(dataset);
  if (name) return name;
  const generic = genericTemplate([...itemAttributes(db, dataset).values()].map((i) => i.attributes));
  if (!generic) {
    const names = listTemplates(db).map((t) => t.name).join(', ');
    throw new ApiError('validation', `No paper template matches "${dataset}" and its items have no attributes to describe them: import an items file with the dataset (--items), or choose a template with --template (${names}).`);
  }
  const genericName = `${dataset.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-generic`;
  saveTemplate(db, genericName, generic);
  return genericName;
}

export const semanticHandlers: HandlerTable<SemanticMethod> = {
  'templates.list': (_input, { db }) => listTemplates(db),
  'templates.get': ({ name, version }, { db }) => ({ template: getTemplate(db, name, version), versions: templateVersions(db, name) }),
  'templates.save': ({ name, ...body }, { db }) => saveTemplate(db, name, body),
  'templates.delete': ({ name }, { db }) => ({ deleted: deleteTemplate(db, name) }),
  'templates.validate': ({ dataset, template }, { db }) =>
    validateTemplate(resolveTemplate(db, template), [...itemAttributes(db, dataset).values()].map((i) => i.attributes)),
  'templates.preview': ({ dataset, template, itemIds, limit }, { db }) => {
    const items = itemAttributes(db, dataset);
    const ids = itemIds ?? [...items.keys()].sort((a, b) => a - b).slice(0, limit);
    for (const id of ids) if (!items.has(id)) throw new ApiError('not_found', `Dataset "${dataset}" has no item ${id}`);
    return previewTemplate(resolveTemplate(db, template), ids.map((itemId) => ({ itemId, attributes: items.get(itemId)!.attributes })));
  },
  'embeddings.embed': (request, { db, jobs }) => {
    let spec;
    try {
      spec = parseProviderSpec(request.provider, request.model);
    } catch (error) {
      throw new ApiError('validation', (error as Error).message);
    }
    const template = templateNameFor(db, request.dataset, request.template);
    const check = validateTemplate(getTemplate(db, template), [...itemAttributes(db, request.dataset).values()].map((i) => i.attributes));
    const errors = check.issues.filter((i) => i.level === 'error');
    if (errors.length) throw new ApiError('validation', `Template "${template}" cannot be used on "${request.dataset}": ${errors.map((e) => e.message).join(' ')}`);
    const jobId = jobs.start('embed', `Embed ${request.dataset} with ${request.provider}`, async (job) => {
      // The body starts inside jobs.start(): give the caller a turn to subscribe before the first log line.
      await new Promise((resolve) => setImmediate(resolve));
      if (!request.template && !builtinTemplateFor(request.dataset)) job.log(`No paper template matches "${request.dataset}": using the generic template "${template}" over its item attributes (llmdirec templates show ${template})`);
      for (const warning of check.issues) job.log(`Template "${template}": ${warning.message}`, 'warn');
      const http = { timeoutMs: (request.timeoutSeconds ?? HTTP_DEFAULTS.timeoutMs / 1000) * 1000, retries: request.retries ?? HTTP_DEFAULTS.retries };
      const provider = await openProvider(spec, { pooling: request.pooling, ...http, onRetry: (notice) => job.log(describeRetry(notice), 'warn') });
      try {
        const limits = spec.kind === 'openai' || spec.kind === 'ollama' ? ` (timeout ${http.timeoutMs / 1000} s per request, ${http.retries} ${http.retries === 1 ? 'retry' : 'retries'})` : '';
        job.log(`Embedding with ${provider.kind} ${provider.model}${provider.endpoint ? ` at ${provider.endpoint}` : ''}${limits}`);
        return await embedDataset(db, {
          dataset: request.dataset,
          provider,
          template,
          normalize: request.normalize,
          batchSize: request.batchSize,
          signal: job.signal,
          onProgress: (done, total) => job.progress(done, total, 'texts embedded'),
        });
      } finally {
        await provider.close();
      }
    }, { dataset: request.dataset });
    return { jobId, kind: 'embed' };
  },
  'embeddings.sets': ({ dataset }, { db }) => listEmbeddingSets(db, dataset),
  'embeddings.deleteSet': ({ id }, { db }) => ({ deleted: deleteEmbeddingSet(db, id) }),
};
