// jsonTooDeep: the boundary, objects and arrays alike, and no recursion on huge depths.
import { describe, expect, it } from 'vitest';
import { jsonTooDeep } from '../../src/server/json-depth.js';

const nest = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { k: v };
  return v;
};

describe('jsonTooDeep', () => {
  it('scalars and shallow values pass', () => {
    for (const v of [null, 1, 'x', true, {}, [], { a: [1, { b: 2 }] }]) expect(jsonTooDeep(v, 3)).toBe(false);
  });
  it('is exact at the boundary', () => {
    expect(jsonTooDeep(nest(3), 3)).toBe(false);
    expect(jsonTooDeep(nest(4), 3)).toBe(true);
  });
  it('handles a million levels without a stack overflow', () => {
    expect(jsonTooDeep(nest(1_000_000))).toBe(true);
  });
});
