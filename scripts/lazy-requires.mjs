// Stand-ins, in the CLI bundle, for Node modules that a bundled package requires at load but uses
// only on paths hooksctl does not take at start-up: the stand-in requires the real module on its
// first use. Each entry names the exact line it replaces; the build fails when a package no longer
// has it, so an update that moved the require is looked at rather than silently bundled eagerly.
import { readFileSync } from 'node:fs';

/** A stand-in forwarding `methods` of `module` to the real one, required on first use. */
const forward = (name, module, methods) =>
  `const ${name} = { ${methods.map((m) => `${m}: (...args) => require('${module}').${m}(...args)`).join(', ')} };`;

/** The replacements: the file (by path), the line as the package writes it, and its stand-in. */
export const LAZY_REQUIRES = [
  // commander runs executable subcommands (hooksctl has none) with child_process, which brings
  // net, dgram and the stream wrappers into every start of the CLI.
  {
    file: /[\\/]commander[\\/]lib[\\/]command\.js$/,
    line: "const childProcess = require('node:child_process');",
    standIn: forward('childProcess', 'node:child_process', ['spawn']),
  },
  // fastify's server.js needs https and http2 only for the `https`/`http2` options, which serve
  // never sets, and dns only to listen on a host name; with tls and crypto they are ~6 ms of `serve`'s start.
  {
    file: /[\\/]fastify[\\/]lib[\\/]server\.js$/,
    line: "const https = require('node:https')",
    standIn: forward('https', 'node:https', ['createServer']),
  },
  {
    file: /[\\/]fastify[\\/]lib[\\/]server\.js$/,
    line: "const http2 = require('node:http2')",
    standIn: forward('http2', 'node:http2', ['createServer', 'createSecureServer']),
  },
  {
    file: /[\\/]fastify[\\/]lib[\\/]server\.js$/,
    line: "const dns = require('node:dns')",
    standIn: forward('dns', 'node:dns', ['lookup']),
  },
  // fastify checks a plugin's declared fastify version with semver; serve's plugins declare none.
  {
    file: /[\\/]fastify[\\/]lib[\\/]plugin-utils\.js$/,
    line: "const semver = require('semver')",
    standIn: forward('semver', 'semver', ['gt', 'coerce', 'satisfies']),
  },
];

/** Apply the replacements for `path` to its `text`; throws when an expected line is missing. */
export function applyLazyRequires(path, text, table = LAZY_REQUIRES) {
  let out = text;
  for (const { file, line, standIn } of table) {
    if (!file.test(path)) continue;
    if (!out.includes(line)) throw new Error(`${path}: expected ${line} (scripts/lazy-requires.mjs)`);
    out = out.replace(line, standIn);
  }
  return out;
}

/** The esbuild plugin. */
export const lazyRequires = {
  name: 'lazy-requires',
  setup(b) {
    const filter = new RegExp(LAZY_REQUIRES.map((r) => r.file.source).join('|'));
    b.onLoad({ filter }, (args) => ({ contents: applyLazyRequires(args.path, readFileSync(args.path, 'utf8')), loader: 'js' }));
  },
};
