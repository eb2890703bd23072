/**
 * Prompt templates that turn an item's attributes into the text that is embedded (paper §4.2,
 * docs/model.md §20). A template is text with `<PLACEHOLDER>`s plus, per placeholder, the item
 * attributes it is filled from (the first one with a value wins), so one template can serve item
 * tables whose columns are named differently (`title` in a full Amazon import,
 * `title_snippet_idgenrec` in the benchmark TSVs).
 *
 * Pure functions only; storage with versions is in `template-store.ts`.
 */
import type { Attributes } from '../store/dataset-schemas';

/** What to do when a placeholder has no value for an item. */
export type MissingValuePolicy = 'drop-clause' | 'blank';

export interface PromptTemplate {
  /** Text with `<NAME>` placeholders; real newlines (the paper writes them `\n`). */
  text: string;
  /**
   * Placeholder → attribute sources, tried in order. A source is an attribute name, or
   * `year(attr)` (the 4-digit year in "Title (1999)"), `title(attr)` (the same title without that
   * year), `list(attr)` (a `|`- or `,`-separated string or a list, written "a, b, c").
   * A placeholder without an entry is read from the attribute with its lower-cased name.
   */
  placeholders: Record<string, string[]>;
  missing: MissingValuePolicy;
}

const PLACEHOLDER = /<([A-Za-z][A-Za-z0-9_]*)>/g;

/** The placeholders of a template text, in order of first appearance. */
export function placeholdersOf(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) if (!names.includes(m[1]!)) names.push(m[1]!);
  return names;
}

/** Sources for a placeholder: its mapping, or the attribute with its lower-cased name. */
export function sourcesOf(template: PromptTemplate, placeholder: string): string[] {
  return template.placeholders[placeholder] ?? [placeholder.toLowerCase()];
}

const TRANSFORM = /^(year|title|list)\(([^()]+)\)$/;

/** The attribute a source reads (`year(title)` reads `title`). */
export function attributeOfSource(source: string): string {
  return TRANSFORM.exec(source.trim())?.[2]!.trim() ?? source.trim();
}

function present(value: Attributes[string] | undefined): value is string | number | boolean | string[] {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => v.trim() !== '');
  if (typeof value === 'string') return value.trim() !== '';
  return true;
}

const TRAILING_YEAR = /\s*\((\d{4})\)\s*$/;

function applySource(source: string, attributes: Attributes): string | undefined {
  const m = TRANSFORM.exec(source.trim());
  const value = attributes[attributeOfSource(source)];
  if (!present(value)) return undefined;
  const asText = Array.isArray(value) ? value.filter((v) => v.trim() !== '').join(', ') : String(value).trim();
  if (!m) return asText;
  switch (m[1]) {
    case 'year':
      return TRAILING_YEAR.exec(asText)?.[1];
    case 'title':
      return asText.replace(TRAILING_YEAR, '').trim() || undefined;
    case 'list': {
      const parts = Array.isArray(value) ? value : asText.split(/[|,]/);
      const kept = parts.map((p) => p.trim()).filter((p) => p !== '');
      return kept.length ? kept.join(', ') : undefined;
    }
  }
  return asText;
}

/** The value of one placeholder for one item, or undefined when none of its sources has one. */
export function placeholderValue(template: PromptTemplate, placeholder: string, attributes: Attributes): string | undefined {
  for (const source of sourcesOf(template, placeholder)) {
    const value = applySource(source, attributes);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A piece of the template up to and including its terminator (`;`, `.` or a newline). */
interface Clause {
  body: string;
  terminator: string;
}

function clausesOf(text: string): Clause[] {
  const clauses: Clause[] = [];
  let start = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text[k]!;
    // A '.' inside a word or number ("3.5", "Dr.X") does not end a clause.
    if (c === ';' || c === '\n' || (c === '.' && !/\S/.test(text[k + 1] ?? ' '))) {
      clauses.push({ body: text.slice(start, k), terminator: c });
      start = k + 1;
    }
  }
  if (start < text.length) clauses.push({ body: text.slice(start), terminator: '' });
  return clauses;
}

export interface RenderedText {
  text: string;
  /** Placeholders that had no value for this item. */
  missing: string[];
  /** False when no placeholder had a value: the text would be template boilerplate only. */
  hasText: boolean;
}

/**
 * Fills a template for one item. With `drop-clause`, a clause (text between `;`, `.` and newlines)
 * whose placeholder has no value is removed, and a sentence end it carried moves to the clause
 * before it ("name is X; brand is <BRAND>." → "name is X."); with `blank` the placeholder becomes "".
 */
export function renderItemText(template: PromptTemplate, attributes: Attributes): RenderedText {
  const values = new Map<string, string | undefined>();
  for (const name of placeholdersOf(template.text)) values.set(name, placeholderValue(template, name, attributes));
  const missing = [...values].filter(([, v]) => v === undefined).map(([k]) => k);
  const hasText = [...values.values()].some((v) => v !== undefined);
  const fill = (s: string): string => s.replace(PLACEHOLDER, (_, name: string) => values.get(name) ?? '');
  if (template.missing === 'blank') return { text: fill(template.text), missing, hasText };

  const kept: Clause[] = [];
  for (const clause of clausesOf(template.text)) {
    const names = [...clause.body.matchAll(PLACEHOLDER)].map((m) => m[1]!);
    if (names.some((n) => values.get(n) === undefined)) {
      const previous = kept[kept.length - 1];
      if (clause.terminator === '.' && previous?.terminator === ';') previous.terminator = '.';
      if (clause.terminator === '\n' && previous && previous.terminator !== '\n') kept.push({ body: '', terminator: '\n' });
      continue;
    }
    kept.push(clause);
  }
  const text = kept
    .map((c) => fill(c.body) + c.terminator)
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .join('\n');
  return { text: text.replace(/[ \t]+$/gm, '').trim(), missing, hasText };
}
