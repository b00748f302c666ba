// The line and column of a JSON syntax error, from the offset V8 names.
import { describe, expect, it } from 'vitest';
import { jsonErrorPosition, withoutOffset } from '../../src/config/json-position.js';

const position = (text: string) => {
  try {
    JSON.parse(text);
  } catch (error) {
    return jsonErrorPosition(text, (error as Error).message);
  }
  throw new Error('expected a syntax error');
};

describe('jsonErrorPosition', () => {
  it('counts lines and columns from 1', () => {
    expect(position('{\n"a": 1,\n}')).toEqual({ line: 3, column: 1 });
    expect(position('{"a":1} x')).toEqual({ line: 1, column: 9 });
    expect(position('{\r\n"a": 1,,}')).toEqual({ line: 2, column: 8 });
    // V8 quotes a short text instead of naming an offset: no position then.
    expect(position('x')).toBeNull();
  });
  it('names no position when the message has none, and never one past the text', () => {
    expect(jsonErrorPosition('{', 'Unexpected end of JSON input')).toBeNull();
    expect(jsonErrorPosition('ab', 'bad in JSON at position 99')).toEqual({ line: 1, column: 3 });
  });
  it('drops only the offset from the message', () => {
    expect(withoutOffset('Expected double-quoted property name in JSON at position 10')).toBe(
      'Expected double-quoted property name in JSON',
    );
    expect(withoutOffset('Unexpected non-whitespace character after JSON at position 8')).toBe(
      'Unexpected non-whitespace character after JSON',
    );
    expect(withoutOffset('Unexpected end of JSON input')).toBe('Unexpected end of JSON input');
  });
});
