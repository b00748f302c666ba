// The zod-backed fastify compilers: values pass through, failures name the part and path, and a
// route schema that is not zod is a programming error at registration.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonSerializerCompiler, zodValidatorCompiler } from '../../src/server/zod-compilers.js';

describe('zod schema compilers', () => {
  const validate = zodValidatorCompiler({ schema: z.strictObject({ agent: z.string(), n: z.number().optional() }), httpPart: 'body' });

  it('returns the parsed value', () => {
    expect(validate({ agent: 'a', n: 1 })).toEqual({ value: { agent: 'a', n: 1 } });
  });

  it('names the part and the path of the first issue', () => {
    const r = validate({ agent: 5 });
    expect('error' in r && r.error.message).toMatch(/^body\.agent: .*expected string/);
    const extra = validate({ agent: 'a', x: 1 });
    expect('error' in extra && extra.error.message).toMatch(/^body: .*"x"/);
  });

  it('rejects a non-zod schema at compile time', () => {
    expect(() => zodValidatorCompiler({ schema: { type: 'object' }, httpPart: 'params' })).toThrow(/params must be a zod schema/);
  });

  it('serializes with JSON.stringify', () => {
    expect(jsonSerializerCompiler()({ a: [1, 'x\n'] })).toBe('{"a":[1,"x\\n"]}');
  });
});
