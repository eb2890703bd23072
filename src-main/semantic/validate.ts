import type { Attributes } from '../store/dataset-schemas';
import { attributeOfSource, placeholdersOf, placeholderValue, renderItemText, sourcesOf, type PromptTemplate } from './templates';

export interface PlaceholderCoverage {
  placeholder: string;
  sources: string[];
  /** Items with a value for this placeholder. */
  filled: number;
  /** filled / items, in [0, 1]: 0 means the placeholder is empty for every item. */
  share: number;
}

export interface TemplateIssue {
  level: 'error' | 'warning';
  placeholder?: string;
  message: string;
}

export interface TemplateValidation {
  ok: boolean;
  items: number;
  /** Items with at least one filled placeholder (the others get no semantic vector). */
  itemsWithText: number;
  coverage: PlaceholderCoverage[];
  issues: TemplateIssue[];
}

const SOURCE = /^\s*(?:(?:year|title|list)\(\s*[^()\s][^()]*\)|[^()\s][^()]*)\s*$/;

/**
 * Checks a template against a dataset's items before anything is embedded. Errors: no
 * placeholders, a malformed source, a placeholder none of whose attributes exists on any item
 * (a typo). Empty-for-every-item placeholders are warnings with their 0 % share, shown rather than
 * hidden: the benchmark Amazon metadata has no brand, price, categories or description.
 */
export function validateTemplate(template: PromptTemplate, items: Iterable<Attributes>): TemplateValidation {
  const names = placeholdersOf(template.text);
  const issues: TemplateIssue[] = [];
  if (names.length === 0) issues.push({ level: 'error', message: 'The template has no <PLACEHOLDER>: every item would get the same text.' });
  for (const mapped of Object.keys(template.placeholders)) {
    if (!names.includes(mapped)) issues.push({ level: 'warning', placeholder: mapped, message: `<${mapped}> is mapped but not used in the text.` });
  }
  for (const [placeholder, sources] of Object.entries(template.placeholders)) {
    if (sources.length === 0) issues.push({ level: 'error', placeholder, message: `<${placeholder}> maps to no attribute.` });
    for (const s of sources) {
      if (!SOURCE.test(s)) issues.push({ level: 'error', placeholder, message: `"${s}" is not an attribute name or year(…)/title(…)/list(…).` });
    }
  }

  const filled = new Map(names.map((n) => [n, 0]));
  const seenAttributes = new Set<string>();
  let count = 0;
  let withText = 0;
  for (const attributes of items) {
    count++;
    for (const key of Object.keys(attributes)) seenAttributes.add(key);
    let any = false;
    for (const name of names) {
      if (placeholderValue(template, name, attributes) !== undefined) {
        filled.set(name, filled.get(name)! + 1);
        any = true;
      }
    }
    if (any) withText++;
  }

  const coverage = names.map((placeholder) => ({
    placeholder,
    sources: sourcesOf(template, placeholder),
    filled: filled.get(placeholder)!,
    share: count ? filled.get(placeholder)! / count : 0,
  }));
  for (const c of coverage) {
    const known = c.sources.some((s) => seenAttributes.has(attributeOfSource(s)));
    if (!known && count > 0) {
      const mapped = template.placeholders[c.placeholder] !== undefined;
      issues.push({
        level: mapped ? 'warning' : 'error',
        placeholder: c.placeholder,
        message: mapped
          ? `<${c.placeholder}> is empty for 100 % of items: no item has ${c.sources.map((s) => `"${attributeOfSource(s)}"`).join(' or ')}.`
          : `Unknown placeholder <${c.placeholder}>: no item has an attribute "${c.placeholder.toLowerCase()}". Map it to one of: ${[...seenAttributes].join(', ') || '(none)'}.`,
      });
    } else if (c.filled === 0 && count > 0) {
      issues.push({ level: 'warning', placeholder: c.placeholder, message: `<${c.placeholder}> is empty for 100 % of items.` });
    }
  }
  if (count > 0 && withText === 0) issues.push({ level: 'error', message: 'No item has a value for any placeholder.' });
  return { ok: !issues.some((i) => i.level === 'error'), items: count, itemsWithText: withText, coverage, issues };
}

export interface PreviewRow {
  itemId: number;
  text: string;
  missing: string[];
  hasText: boolean;
}

/** Rendered texts of a few items, for the template editor's preview pane. */
export function previewTemplate(template: PromptTemplate, items: { itemId: number; attributes: Attributes }[]): PreviewRow[] {
  return items.map(({ itemId, attributes }) => ({ itemId, ...renderItemText(template, attributes) }));
}
