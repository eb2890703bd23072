/**
 * A small, safe parser for Python literals: the Amazon 2014 metadata files are `str(dict)` dumps,
 * not JSON ({'title': 'Men\'s', 'price': 3.5, 'x': None, 'y': (1, 2)}). Nothing is evaluated:
 * only strings (single/double quoted, with escapes, adjacent ones concatenated), numbers,
 * True/False/None, lists, tuples, dicts and sets are accepted.
 */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export class PyLiteralError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at character ${offset + 1}`);
  }
}

export function parsePythonLiteral(text: string): PyValue {
  const p = new Parser(text);
  p.skipSpace();
  const value = p.value(0);
  p.skipSpace();
  if (p.pos < text.length) throw new PyLiteralError('Unexpected text after the value', p.pos);
  return value;
}

const MAX_DEPTH = 200;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '0': '\0', '\\': '\\', "'": "'", '"': '"', '\n': '' };

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  skipSpace(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) this.pos++;
      else return;
    }
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) throw new PyLiteralError('Nested too deeply', this.pos);
    const c = this.s[this.pos];
    if (c === undefined) throw new PyLiteralError('Unexpected end of text', this.pos);
    if (c === '{') return this.dictOrSet(depth);
    if (c === '[') return this.sequence(']', depth);
    if (c === '(') return this.sequence(')', depth);
    if (c === "'" || c === '"' || ((c === 'u' || c === 'b' || c === 'r' || c === 'U' || c === 'B' || c === 'R') && /['"]/.test(this.s[this.pos + 1] ?? ''))) {
      return this.strings();
    }
    if (c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (this.s.startsWith(word, this.pos) && !/\w/.test(this.s[this.pos + word.length] ?? '')) {
        this.pos += word.length;
        return v;
      }
    }
    throw new PyLiteralError(`Unexpected "${c}"`, this.pos);
  }

  private sequence(close: string, depth: number): PyValue[] {
    this.pos++;
    const out: PyValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.s[this.pos];
      if (c === ',') this.pos++;
      else if (c !== close) throw new PyLiteralError(`Expected "," or "${close}"`, this.pos);
    }
  }

  /** Dicts become objects (keys stringified); sets become lists. */
  private dictOrSet(depth: number): PyValue {
    this.pos++;
    const dict: { [key: string]: PyValue } = {};
    const set: PyValue[] = [];
    let kind: 'dict' | 'set' | undefined;
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === '}') {
        this.pos++;
        return kind === 'set' ? set : dict;
      }
      const key = this.value(depth + 1);
      this.skipSpace();
      if (this.s[this.pos] === ':' && kind !== 'set') {
        kind = 'dict';
        this.pos++;
        this.skipSpace();
        if (key !== null && typeof key === 'object') throw new PyLiteralError('A dict key must be a string or number', this.pos);
        dict[String(key)] = this.value(depth + 1);
      } else if (kind !== 'dict') {
        kind = 'set';
        set.push(key);
      } else throw new PyLiteralError('Expected ":"', this.pos);
      this.skipSpace();
      const c = this.s[this.pos];
      if (c === ',') this.pos++;
      else if (c !== '}') throw new PyLiteralError('Expected "," or "}"', this.pos);
    }
  }

  /** One or more adjacent string literals ('a' 'b' == 'ab' in Python). */
  private strings(): string {
    let out = this.string();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      const c = this.s[this.pos];
      if (c === "'" || c === '"') out += this.string();
      else {
        this.pos = save;
        return out;
      }
    }
  }

  private string(): string {
    let raw = false;
    while (/[uUbBrR]/.test(this.s[this.pos]!)) {
      if (/[rR]/.test(this.s[this.pos]!)) raw = true;
      this.pos++;
    }
    const quote = this.s[this.pos]!;
    const triple = this.s.startsWith(quote.repeat(3), this.pos);
    const start = this.pos;
    this.pos += triple ? 3 : 1;
    let out = '';
    for (;;) {
      const c = this.s[this.pos];
      if (c === undefined) throw new PyLiteralError('Unterminated string', start);
      if (triple ? this.s.startsWith(quote.repeat(3), this.pos) : c === quote) {
        this.pos += triple ? 3 : 1;
        return out;
      }
      if (c === '\n' && !triple) throw new PyLiteralError('Unterminated string', start);
      if (c === '\\') {
        const e = this.s[this.pos + 1];
        if (e === undefined) throw new PyLiteralError('Unterminated string', start);
        if (raw) {
          out += c + e;
          this.pos += 2;
          continue;
        }
        if (e in SIMPLE_ESCAPES) {
          out += SIMPLE_ESCAPES[e];
          this.pos += 2;
        } else if (e === 'x' || e === 'u' || e === 'U') {
          const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = this.s.slice(this.pos + 2, this.pos + 2 + len);
          if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw new PyLiteralError(`Bad \\${e} escape`, this.pos);
          const code = parseInt(hex, 16);
          if (code > 0x10ffff) throw new PyLiteralError(`Bad \\${e} escape`, this.pos);
          out += String.fromCodePoint(code);
          this.pos += 2 + len;
        } else if (e >= '0' && e <= '7') {
          const oct = /^[0-7]{1,3}/.exec(this.s.slice(this.pos + 1))![0];
          out += String.fromCharCode(parseInt(oct, 8));
          this.pos += 1 + oct.length;
        } else {
          // Python keeps unknown escapes verbatim ("\d" stays backslash-d).
          out += c + e;
          this.pos += 2;
        }
        continue;
      }
      // Copy the run of ordinary characters in one slice (metadata descriptions are long).
      let end = this.pos + 1;
      while (end < this.s.length) {
        const d = this.s.charCodeAt(end);
        if (d === 92 /* \\ */ || d === 10 || d === quote.charCodeAt(0)) break;
        end++;
      }
      out += this.s.slice(this.pos, end);
      this.pos = end;
    }
  }

  private number(): number {
    const m = /^[-+]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?[jJlL]?/.exec(this.s.slice(this.pos, this.pos + 64));
    if (!m || /[jJ]$/.test(m[0])) throw new PyLiteralError('Bad number', this.pos);
    const text = m[0].replace(/_/g, '').replace(/[lL]$/, '');
    const value = Number(text);
    if (!Number.isFinite(value)) throw new PyLiteralError('Bad number', this.pos);
    this.pos += m[0].length;
    return value;
  }
}
