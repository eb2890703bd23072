import type { Attributes } from '../store/dataset-schemas';
import type { PromptTemplate } from './templates';

/**
 * The paper's five prompts (its §4.2; docs/model.md §20), verbatim apart from `\n`
 * written as a real newline. The mappings name both the attributes of a full source import and the
 * columns of the benchmark item TSVs (`--items …_item_meta.tsv`; Amazon: only `title_snippet_idgenrec`;
 * Yelp: `title_snippet_idgenrec`, `categories`; ML-1M: `title` with the year, `genres` "a|b").
 */
const amazon = (kind: string): PromptTemplate => ({
  text:
    `The ${kind} item has following attributes: \n name is <TITLE>; brand is <BRAND>; price is <PRICE>. \n` +
    ` The item has following features: <CATEGORIES>. \n The item has following descriptions: <DESCRIPTION>.`,
  placeholders: {
    TITLE: ['title', 'title_snippet_idgenrec'],
    BRAND: ['brand'],
    PRICE: ['price'],
    CATEGORIES: ['list(categories)'],
    DESCRIPTION: ['description'],
  },
  missing: 'drop-clause',
});

export const builtinTemplates: Record<string, PromptTemplate> = {
  beauty: amazon('beauty'),
  sports: amazon('Sports and Outdoors'),
  toys: amazon('Toys & Games'),
  yelp: {
    text:
      'The point of interest has the following attributes: \n name is <NAME>; category is <CATEGORY>; type is <TYPE>;' +
      ' open status is <OPEN>; review count is <COUNT>; city is <CITY>; average score is <STARS>.',
    placeholders: {
      NAME: ['name', 'title_snippet_idgenrec'],
      CATEGORY: ['list(categories)'],
      TYPE: ['type'],
      OPEN: ['is_open', 'open'],
      COUNT: ['review_count'],
      CITY: ['city'],
      STARS: ['stars'],
    },
    missing: 'drop-clause',
  },
  'ml-1m': {
    text: 'The movie item has following attributes: \n Title: <TITLE> \n Genres: <GENRES> \n Year: <YEAR>',
    placeholders: { TITLE: ['title(title)'], GENRES: ['list(genres)'], YEAR: ['year', 'year(title)'] },
    missing: 'drop-clause',
  },
};

/** Which built-in template suits a dataset, guessed from its name ("Toys_and_Games" → toys). */
export function builtinTemplateFor(datasetName: string): string | undefined {
  const n = datasetName.toLowerCase();
  if (n.includes('beauty')) return 'beauty';
  if (n.includes('sport')) return 'sports';
  if (n.includes('toy')) return 'toys';
  if (n.includes('yelp')) return 'yelp';
  if (n.includes('ml-1m') || n.includes('ml1m') || n.includes('movielens')) return 'ml-1m';
  // The demo catalogue (store/demo.ts) is Amazon-like: title, brand, price, description.
  if (n === 'demo') return 'beauty';
  return undefined;
}

/** Attributes that identify rather than describe an item (never embedded): ids, and the demo's planted ground truth. */
const NOT_DESCRIPTIVE = /(^|_)id$|^intent$/i;
const GENERIC_ATTRIBUTES = 8;

function described(value: Attributes[string] | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => v.trim() !== '');
  return typeof value !== 'string' || value.trim() !== '';
}

/**
 * A template for a dataset that no paper template fits, over the attributes its items have: one
 * clause "<attribute> is <VALUE>" per attribute (the most covered first, at most 8; lists written
 * "a, b"), empty ones dropped per item. Undefined when the items have no descriptive attribute.
 */
export function genericTemplate(items: readonly Attributes[]): PromptTemplate | undefined {
  const coverage = new Map<string, { items: number; list: boolean }>();
  for (const attributes of items) {
    for (const [key, value] of Object.entries(attributes)) {
      if (NOT_DESCRIPTIVE.test(key) || !described(value)) continue;
      const c = coverage.get(key) ?? { items: 0, list: false };
      coverage.set(key, { items: c.items + 1, list: c.list || Array.isArray(value) });
    }
  }
  const keys = [...coverage.keys()].sort((a, b) => coverage.get(b)!.items - coverage.get(a)!.items || a.localeCompare(b)).slice(0, GENERIC_ATTRIBUTES);
  if (!keys.length) return undefined;
  const placeholders: Record<string, string[]> = {};
  const clauses = keys.map((key, k) => {
    const name = `A${k + 1}_${key.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
    placeholders[name] = [coverage.get(key)!.list ? `list(${key})` : key];
    return `${key.replace(/_/g, ' ')} is <${name}>`;
  });
  return { text: `The item has the following attributes: \n ${clauses.join('; ')}.`, placeholders, missing: 'drop-clause' };
}
