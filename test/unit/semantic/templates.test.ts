import { describe, expect, it } from 'vitest';
import { builtinTemplateFor, builtinTemplates } from '../../../src-main/semantic/builtin-templates';
import { placeholdersOf, renderItemText, type PromptTemplate } from '../../../src-main/semantic/templates';
import { previewTemplate, validateTemplate } from '../../../src-main/semantic/validate';

const beauty = builtinTemplates.beauty!;
const ml1m = builtinTemplates['ml-1m']!;

describe('prompt templates (paper §4.2)', () => {
  it('keeps the paper text and its placeholders', () => {
    expect(placeholdersOf(beauty.text)).toEqual(['TITLE', 'BRAND', 'PRICE', 'CATEGORIES', 'DESCRIPTION']);
    expect(placeholdersOf(builtinTemplates.yelp!.text)).toEqual(['NAME', 'CATEGORY', 'TYPE', 'OPEN', 'COUNT', 'CITY', 'STARS']);
    expect(ml1m.text).toBe('The movie item has following attributes: \n Title: <TITLE> \n Genres: <GENRES> \n Year: <YEAR>');
    expect(builtinTemplateFor('Toys_and_Games')).toBe('toys');
    expect(builtinTemplateFor('ml-1m_reconstructed')).toBe('ml-1m');
  });

  it('renders every clause when all values exist', () => {
    const r = renderItemText(beauty, { title: 'Nail polish', brand: 'OPI', price: 7.5, categories: ['Beauty', 'Nails'], description: 'Red.' });
    expect(r.text).toBe(
      'The beauty item has following attributes:\n name is Nail polish; brand is OPI; price is 7.5.\n' +
        ' The item has following features: Beauty, Nails.\n The item has following descriptions: Red..',
    );
    expect(r.missing).toEqual([]);
    expect(r.hasText).toBe(true);
  });

  it('drops clauses with missing values and moves the sentence end back', () => {
    const r = renderItemText(beauty, { asin: 'B00', title_snippet_idgenrec: 'nail lacquer simmer' });
    expect(r.text).toBe('The beauty item has following attributes:\n name is nail lacquer simmer.');
    expect(r.missing).toEqual(['BRAND', 'PRICE', 'CATEGORIES', 'DESCRIPTION']);
    const middle = renderItemText(beauty, { title: 'x', price: '3' });
    expect(middle.text.split('\n')[1]).toBe(' name is x; price is 3.');
  });

  it('leaves blanks when the template says so', () => {
    const r = renderItemText({ ...beauty, missing: 'blank' }, { title: 'x' });
    expect(r.text).toContain('name is x; brand is ; price is .');
  });

  it('derives title, genres and year from ML-1M metadata', () => {
    const r = renderItemText(ml1m, { title: 'Toy Story (1995)', genres: "Animation|Children's|Comedy" });
    expect(r.text).toBe("The movie item has following attributes:\n Title: Toy Story\n Genres: Animation, Children's, Comedy\n Year: 1995");
    const noYear = renderItemText(ml1m, { title: 'Untitled', genres: '' });
    expect(noYear.text).toBe('The movie item has following attributes:\n Title: Untitled');
  });

  it('says when an item has no text at all', () => {
    expect(renderItemText(beauty, { asin: 'B00' }).hasText).toBe(false);
  });
});

describe('template validation', () => {
  const amazonItems = [
    { asin: 'A', title_snippet_idgenrec: 'nail lacquer' },
    { asin: 'B', title_snippet_idgenrec: 'eye shadow' },
    { asin: 'C', title_snippet_idgenrec: '' },
  ];

  it('reports 100 % empty placeholders of the benchmark Amazon metadata instead of hiding them', () => {
    const v = validateTemplate(beauty, amazonItems);
    expect(v.ok).toBe(true);
    expect(v.items).toBe(3);
    expect(v.itemsWithText).toBe(2);
    const share = Object.fromEntries(v.coverage.map((c) => [c.placeholder, c.share]));
    expect(share).toEqual({ TITLE: 2 / 3, BRAND: 0, PRICE: 0, CATEGORIES: 0, DESCRIPTION: 0 });
    for (const p of ['BRAND', 'PRICE', 'DESCRIPTION']) {
      expect(v.issues.find((i) => i.placeholder === p)?.message).toMatch(/empty for 100 % of items/);
    }
  });

  it('rejects unknown placeholders and malformed sources', () => {
    const t: PromptTemplate = { text: 'Item <TITEL> by <TITLE_SNIPPET_IDGENREC>', placeholders: { X: ['year('] }, missing: 'blank' };
    const v = validateTemplate(t, amazonItems);
    expect(v.ok).toBe(false);
    expect(v.issues.find((i) => i.placeholder === 'TITEL')?.message).toMatch(/Unknown placeholder <TITEL>.*title_snippet_idgenrec/);
    expect(v.issues.some((i) => i.placeholder === 'TITLE_SNIPPET_IDGENREC')).toBe(false);
    expect(v.issues.find((i) => i.placeholder === 'X' && i.level === 'error')).toBeDefined();
    expect(validateTemplate({ text: 'constant', placeholders: {}, missing: 'blank' }, amazonItems).ok).toBe(false);
  });

  it('previews sample items', () => {
    const rows = previewTemplate(beauty, [{ itemId: 7, attributes: amazonItems[0]! }]);
    expect(rows).toEqual([
      { itemId: 7, text: 'The beauty item has following attributes:\n name is nail lacquer.', missing: ['BRAND', 'PRICE', 'CATEGORIES', 'DESCRIPTION'], hasText: true },
    ]);
  });
});
