/**
 * Characteristic terms of a prototype from its members' item texts, and a short label built from
 * them (issue #5: "no LLM needed"). Weighting is class-based TF-IDF (Grootendorst 2022, BERTopic
 * c-TF-IDF): all item texts of a prototype's members form one document, and
 *   w(t, c) = tf(t, c) / |c| · log(1 + A / f(t)),
 * with |c| the number of term occurrences in prototype c, f(t) the occurrences of t over all
 * prototypes and A the mean occurrences per prototype. Unlike document-frequency IDF over K
 * prototypes, it does not vanish when a term occurs at least once in every cluster. Terms must also be
 * over-represented in the prototype (rate ≥ `minLift` × their overall rate): boilerplate shared by all
 * item texts ("ideal when …") is frequent everywhere and says nothing about one intent.
 */

const STOPWORDS = new Set(
  `a an and are as at be but by for from has have in is it its of on or that the this to was were will with
   item items following attributes name brand price features descriptions description set pack new
   x pcs pc oz ml inch inches size one two all your you our not no`.split(/\s+/),
);

/** Lower-cased word tokens of two or more letters/digits, without stopwords or bare numbers. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu)) {
    const t = m[0];
    if (t.length < 2 || STOPWORDS.has(t) || /^\p{N}+$/u.test(t)) continue;
    out.push(t);
  }
  return out;
}

export interface Term {
  term: string;
  weight: number;
  count: number;
  /** Rate of the term in this prototype over its rate in all prototypes. */
  lift: number;
}

/**
 * `documents[c]` is the list of (token list, multiplicity) of prototype c; returns the top terms per
 * prototype, heaviest first (ties by term so results are stable).
 */
export function characteristicTerms(documents: readonly { tokens: readonly string[]; times: number }[][], top = 8, minLift = 1.2): Term[][] {
  const perClass = documents.map((doc) => {
    const counts = new Map<string, number>();
    for (const { tokens, times } of doc) for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + times);
    return counts;
  });
  const global = new Map<string, number>();
  let all = 0;
  for (const counts of perClass) {
    for (const [t, c] of counts) {
      global.set(t, (global.get(t) ?? 0) + c);
      all += c;
    }
  }
  const average = documents.length ? all / documents.length : 0;
  return perClass.map((counts) => {
    let size = 0;
    for (const c of counts.values()) size += c;
    const terms: Term[] = [];
    for (const [term, count] of counts) {
      const lift = count / size / (global.get(term)! / all);
      if (lift >= minLift) terms.push({ term, count, lift, weight: (count / size) * Math.log(1 + average / global.get(term)!) });
    }
    terms.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1));
    return terms.slice(0, top);
  });
}

/**
 * A short human label from the top terms: up to `words` terms joined by " · ". Duplicate labels
 * across prototypes get a "#id" suffix so a legend never shows two identical entries.
 */
export function labelsFromTerms(terms: readonly Term[][], words = 3): string[] {
  const labels = terms.map((t, c) => (t.length ? t.slice(0, words).map((x) => x.term).join(' · ') : `prototype ${c}`));
  const seen = new Map<string, number>();
  for (const l of labels) seen.set(l, (seen.get(l) ?? 0) + 1);
  return labels.map((l, c) => (seen.get(l)! > 1 ? `${l} #${c}` : l));
}

/** The text an item contributes: its string (and string-list) attributes, in attribute order. */
export function itemText(attributes: Record<string, unknown> | undefined): string {
  if (!attributes) return '';
  const parts: string[] = [];
  for (const [key, v] of Object.entries(attributes)) {
    // Ids, codes and planted ground truth are not descriptive text.
    if (/(^|_)(id|asin|intent|url|image)s?$/i.test(key)) continue;
    if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) parts.push(v.filter((s) => typeof s === 'string').join(' '));
  }
  return parts.join(' ');
}
