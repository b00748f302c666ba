// The bounded output tail kept in an outcome.
import { describe, expect, it } from 'vitest';
import { TextTail } from '../../src/supervisor/tail.js';

describe('TextTail', () => {
  it('keeps everything under the limit', () => {
    const tail = new TextTail(10);
    tail.push('abc');
    tail.push('def');
    expect(tail.toString()).toBe('abcdef');
  });

  it('keeps only the last characters across many chunks', () => {
    const tail = new TextTail(5);
    for (const c of ['12', '34', '56', '78', '9']) tail.push(c);
    expect(tail.toString()).toBe('56789');
  });

  it('cuts a single chunk longer than the limit', () => {
    const tail = new TextTail(4);
    tail.push('abcdefgh');
    expect(tail.toString()).toBe('efgh');
    tail.push('ij');
    expect(tail.toString()).toBe('ghij');
  });

  it('keeps nothing with a zero limit', () => {
    const tail = new TextTail(0);
    tail.push('abc');
    expect(tail.toString()).toBe('');
  });
});
