// Stand-ins, in the CLI bundle, for Node modules that a bundled package requires at load but uses
// only on paths hooksctl does not take at start-up: the stand-in requires the real module on its
// first use. Each entry names the exact line it replaces and the members the stand-in forwards; the
// build fails when a package no longer has the line or uses a member the stand-in lacks, so an
// update is looked at rather than silently bundled eagerly or broken at run time.
import { readFileSync } from 'node:fs';

/** The replacements: the file (by path), the line as the package writes it, the name it binds, the module, and the members used. */
export const LAZY_REQUIRES = [
  // commander runs executable subcommands (hooksctl has none) with child_process, which brings
  // net, dgram and the stream wrappers into every start of the CLI.
  {
    file: /[\\/]commander[\\/]lib[\\/]command\.js$/,
    line: "const childProcess = require('node:child_process');",
    name: 'childProcess',
    module: 'node:child_process',
    methods: ['spawn'],
  },
];

/** The stand-in for one entry: an object forwarding each member to the real module, required on first use. */
export function standIn({ name, module, methods }) {
  return `const ${name} = { ${methods.map((m) => `${m}: (...args) => require('${module}').${m}(...args)`).join(', ')} };`;
}

// The code without its comments (JSDoc names types such as `http2.Http2Server`), for the member check.
const withoutComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

/** Apply the replacements for `path` to its `text`; throws when a line is missing or a member is not forwarded. */
export function applyLazyRequires(path, text, table = LAZY_REQUIRES) {
  let out = text;
  for (const entry of table) {
    if (!entry.file.test(path)) continue;
    if (!out.includes(entry.line)) throw new Error(`${path}: expected ${entry.line} (scripts/lazy-requires.mjs)`);
    const used = new Set([...withoutComments(out).matchAll(new RegExp(`\\b${entry.name}\\.(\\w+)`, 'g'))].map((m) => m[1]));
    const missing = [...used].filter((m) => !entry.methods.includes(m));
    if (missing.length > 0)
      throw new Error(
        `${path}: uses ${entry.name}.${missing.join(`, ${entry.name}.`)}, which the stand-in does not forward (scripts/lazy-requires.mjs)`,
      );
    out = out.replace(entry.line, standIn(entry));
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
