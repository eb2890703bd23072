import { describe, expect, it } from 'vitest';
import { parsePythonLiteral } from '../../../src-main/store/import/python-literal';

describe('parsePythonLiteral', () => {
  it('reads an Amazon 2014 metadata line', () => {
    const line =
      "{'asin': '0000031852', 'title': 'Girls Ballet Tutu Zebra Hot Pink', 'price': 3.17, 'imUrl': 'http://ecx.images-amazon.com/images/I/51fAmVkTbyL._SY300_.jpg', " +
      "'related': {'also_bought': ['0000031852', 'B00JHONN1S'], 'bought_together': ['B00BHK4Q5G']}, 'salesRank': {'Toys & Games': 211836}, " +
      "'categories': [['Clothing, Shoes & Jewelry', 'Girls'], ['Sports & Outdoors', 'Other Sports', 'Dance']]}";
    expect(parsePythonLiteral(line)).toEqual({
      asin: '0000031852',
      title: 'Girls Ballet Tutu Zebra Hot Pink',
      price: 3.17,
      imUrl: 'http://ecx.images-amazon.com/images/I/51fAmVkTbyL._SY300_.jpg',
      related: { also_bought: ['0000031852', 'B00JHONN1S'], bought_together: ['B00BHK4Q5G'] },
      salesRank: { 'Toys & Games': 211836 },
      categories: [
        ['Clothing, Shoes & Jewelry', 'Girls'],
        ['Sports & Outdoors', 'Other Sports', 'Dance'],
      ],
    });
  });

  it('handles quotes, escapes and prefixes the way Python prints them', () => {
    expect(parsePythonLiteral(`"Men's"`)).toBe("Men's");
    expect(parsePythonLiteral(`'say "hi"\\n'`)).toBe('say "hi"\n');
    expect(parsePythonLiteral(`'it\\'s \\\\ \\t'`)).toBe("it's \\ \t");
    expect(parsePythonLiteral(`'\\xe9\\u00e8\\U0001F600\\101'`)).toBe('éè😀A');
    expect(parsePythonLiteral(`u'caf\\xe9'`)).toBe('café');
    expect(parsePythonLiteral(`r'a\\d'`)).toBe('a\\d');
    expect(parsePythonLiteral(`'a\\d'`)).toBe('a\\d');
    expect(parsePythonLiteral(`'ab' "cd"`)).toBe('abcd');
    expect(parsePythonLiteral(`'''tri'ple'''`)).toBe("tri'ple");
    expect(parsePythonLiteral(`'naïve – ok'`)).toBe('naïve – ok');
  });

  it('reads numbers, constants, tuples, sets and nesting', () => {
    expect(parsePythonLiteral('[1, -2.5, 1e3, .5, 10L, 1_000, True, False, None]')).toEqual([1, -2.5, 1000, 0.5, 10, 1000, true, false, null]);
    expect(parsePythonLiteral("((1,), (), {'a': {1: 'x'}}, {'s', 't'}, {})")).toEqual([[1], [], { a: { '1': 'x' } }, ['s', 't'], {}]);
    expect(parsePythonLiteral(' [ 1 , 2 , ] ')).toEqual([1, 2]);
  });

  it.each([
    ["{'a': 1", /Expected "," or "}"/],
    ["'open", /Unterminated string/],
    ['[1, 2] extra', /Unexpected text after the value/],
    ["__import__('os')", /Unexpected "_"/],
    ['Truth', /Unexpected "T"/],
    ['{[1]: 2}', /A dict key must be a string or number/],
    ["'\\x4'", /Bad \\x escape/],
    ['1j', /Bad number/],
    ['', /Unexpected end of text/],
    ['[' .repeat(500), /Nested too deeply/],
  ])('rejects %j', (text, error) => {
    expect(() => parsePythonLiteral(text)).toThrow(error);
  });
});
