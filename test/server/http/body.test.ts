// Reading bodies: the JSON parser refuses prototype keys with a message that says so, and a
// syntax error is a 400; the content type decides JSON or 415. Over real sockets for the limit.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpError, mediaType, parseJson, readJsonBody } from '../../../src/server/http/body.js';
import { thrown } from '../../harness/thrown.js';

describe('parseJson', () => {
  it('parses JSON, escapes included', () => {
    expect(parseJson('{"a":[1,"\\u0041"]}')).toEqual({ a: [1, 'A'] });
  });
  it.each([
    ['{"__proto__":{"x":1}}', '__proto__'],
    ['{"a":{"\\u005f_proto__":1}}', '__proto__'],
    ['{"constructor":{"prototype":{"x":1}}}', 'constructor.prototype'],
  ])('refuses %s, naming the key', (text, key) => {
    const error = thrown(() => parseJson(text));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ statusCode: 400, message: expect.stringContaining(`"${key}" key`) });
  });
  it('keeps a plain "constructor" key', () => {
    expect(parseJson('{"constructor":"x"}')).toEqual({ constructor: 'x' });
  });
  it('a syntax error is a 400 that names it', () => {
    expect(thrown(() => parseJson('{"a":'))).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/^Body is not valid JSON: /),
    });
  });
});

describe('mediaType', () => {
  it('lower-cases and drops parameters', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaType(undefined)).toBe('');
  });
});

// POST `body` with `headers` to a server that reads it with readJsonBody(limit); resolves to what it read or threw.
async function postTo(limit: number, body: string, headers: Record<string, string>): Promise<unknown> {
  let seen: unknown;
  const server = createServer((req, res) => {
    readJsonBody(req, limit).then(
      (value) => {
        seen = { value };
        res.end();
      },
      (error: unknown) => {
        seen = { error };
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'POST', headers }, (res) => res.resume().on('end', resolve));
      req.on('error', reject);
      req.end(body);
    });
    return seen;
  } finally {
    server.close();
  }
}

describe('readJsonBody over a socket', () => {
  it('reads JSON, and no body with no content type as undefined', async () => {
    expect(await postTo(100, '{"a":1}', { 'content-type': 'application/json' })).toEqual({ value: { a: 1 } });
    expect(await postTo(100, '', {})).toEqual({ value: undefined });
  });
  it('413 past the limit, whether or not the length was declared', async () => {
    const big = JSON.stringify({ a: 'x'.repeat(200) });
    expect(await postTo(100, big, { 'content-type': 'application/json' })).toMatchObject({ error: { statusCode: 413 } });
    expect(await postTo(100, big, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })).toMatchObject({
      error: { statusCode: 413 },
    });
  });
  it('415 for another content type, 400 for an empty JSON body', async () => {
    expect(await postTo(100, 'a=1', { 'content-type': 'text/plain' })).toMatchObject({
      error: { statusCode: 415, message: expect.stringContaining('application/json') },
    });
    expect(await postTo(100, '', { 'content-type': 'application/json' })).toMatchObject({ error: { statusCode: 400 } });
  });
});
