import type { PromptTemplate } from './templates';

/**
 * The paper's five prompts (§4.2, reproduced in LLMDIREC-DESIGN §5), verbatim apart from `\n`
 * written as a real newline. The mappings name both the attributes of a full source import and the
 * columns of the benchmark TSVs in ../shared/datasets (Amazon: only `title_snippet_idgenrec`;
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
