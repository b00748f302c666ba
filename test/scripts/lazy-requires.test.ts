// scripts/lazy-requires.mjs: the stand-ins the CLI bundle puts in place of a package's eager
// require of a Node module. The transform is pure text, so it is tested on the text: the line is
// replaced, the stand-in requires the real module only when first called, a missing line fails
// the build, and the packages hooksctl bundles still have the lines the table names.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a build script in plain JavaScript, without declarations
import { LAZY_REQUIRES, applyLazyRequires } from '../../scripts/lazy-requires.mjs';

interface LazyRequire {
  file: RegExp;
  line: string;
  name: string;
  module: string;
  methods: string[];
}
const table = LAZY_REQUIRES as LazyRequire[];
const fastifyServer = table.filter((r) => r.file.test('/x/node_modules/fastify/lib/server.js'));

// Evaluate CommonJS text with a require that records what it was asked for.
function evaluate(text: string): { exports: Record<string, unknown>; required: string[] } {
  const required: string[] = [];
  const fakeRequire = (id: string) => {
    required.push(id);
    return { createServer: (...args: unknown[]) => `${id} createServer(${args.join(',')})`, lookup: () => `${id} lookup` };
  };
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', `${text}\nmodule.exports = { https, http2, dns };`)(fakeRequire, module);
  return { exports: module.exports, required };
}

describe('lazy requires in the CLI bundle', () => {
  it("replaces fastify's requires of https, http2 and dns with stand-ins that require on first use", () => {
    const text = fastifyServer.map((r) => r.line).join('\n');
    const out = applyLazyRequires('/x/node_modules/fastify/lib/server.js', text) as string;
    for (const r of fastifyServer) expect(out).not.toContain(r.line);
    const { exports, required } = evaluate(out);
    expect(required).toEqual([]); // loading the module requires none of them
    const https = exports['https'] as { createServer: (...a: unknown[]) => string };
    expect(https.createServer('opts', 'handler')).toBe('node:https createServer(opts,handler)');
    expect(required).toEqual(['node:https']);
  });

  it('fails when the package uses a member the stand-in does not forward (comments aside)', () => {
    const text = `${fastifyServer.map((r) => r.line).join('\n')}\n/** @param {http2.Http2Server} s */\nhttps.createServer()\nhttps.Agent`;
    expect(() => applyLazyRequires('/x/node_modules/fastify/lib/server.js', text)).toThrow(
      /uses https\.Agent, which the stand-in does not forward/,
    );
    expect(() => applyLazyRequires('/x/node_modules/fastify/lib/server.js', text.replace('https.Agent', ''))).not.toThrow();
  });

  it('leaves other files alone', () => {
    const text = fastifyServer.map((r) => r.line).join('\n');
    expect(applyLazyRequires('/x/node_modules/other/server.js', text)).toBe(text);
  });

  it('fails, naming the file and the line, when a package no longer has the line', () => {
    expect(() => applyLazyRequires('/x/node_modules/fastify/lib/server.js', "const http = require('node:http')")).toThrow(
      /fastify\/lib\/server\.js: expected const https = require\('node:https'\)/,
    );
  });

  it('matches the packages this checkout bundles', () => {
    const files = ['commander/lib/command.js', 'fastify/lib/server.js', 'fastify/lib/plugin-utils.js'].map((f) =>
      fileURLToPath(new URL(`../../node_modules/${f}`, import.meta.url)),
    );
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(() => applyLazyRequires(file, text)).not.toThrow();
      expect(table.some((r) => r.file.test(file))).toBe(true);
    }
  });
});
