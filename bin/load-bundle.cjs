// The loader of the bundled CLI (dist/bundle/, written by scripts/build-cli.mjs): each chunk is a
// CommonJS script compiled with the V8 code cache that the build's training run of a verb recorded
// (dist/bundle/cache/<verb>/). Node 20 has no code cache for ES modules, hence CommonJS chunks
// and this loader rather than import(). A cache V8 rejects (another Node, other flags) or a missing
// one only means that chunk compiles from source. bin/hooksctl is its one user; tests load chunks
// through it too. CommonJS, like bin/hooksctl (bin/package.json): a CommonJS entry starts Node
// without its ES module loader, which costs a start several milliseconds.
'use strict';
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { Script } = require('node:vm');

/**
 * A loader for the chunks in `bundle` (a file: URL ending in `/`), reading code caches from
 * `cacheDir` (a file: URL ending in `/`) unless `training` is set (then it records them instead).
 */
function createBundleLoader({ bundle, cacheDir, training = false }) {
  const nodeRequire = createRequire(new URL('bin.cjs', bundle));
  const modules = new Map();
  const compiled = [];

  const readCache = (name) => {
    if (training) return undefined;
    try {
      return readFileSync(new URL(`${name}.cache`, cacheDir));
    } catch {
      return undefined;
    }
  };
  // require() inside a chunk: another chunk (by its pass-one name, ./x.js) is loaded here, anything else by Node.
  const requireFromChunk = (id) => (id.startsWith('./') ? load(id.slice(2).replace(/\.js$/, '.cjs')) : nodeRequire(id));

  function load(name) {
    const known = modules.get(name);
    if (known !== undefined) return known.exports;
    const url = new URL(name, bundle);
    const module = { exports: {} };
    modules.set(name, module);
    const cachedData = readCache(name);
    // esbuild writes ASCII only, so latin1 reads the file as it is, with no UTF-8 decoding. The
    // wrapper has a line of its own, and lineOffset takes it back out: positions match the map.
    const source = `(function (exports, require, module, __hooksUrl) {\n${readFileSync(url, 'latin1')}\n})`;
    const script = new Script(source, { filename: url.href, lineOffset: -1, cachedData });
    compiled.push({ name, script, cache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted' });
    script.runInThisContext()(module.exports, requireFromChunk, module, url.href);
    return module.exports;
  }

  return {
    load,
    /** Each chunk loaded so far and what became of its cache: accepted, rejected or none. */
    report: () => compiled.map(({ name, cache }) => ({ name, cache })),
    /** Write the code cache of every chunk loaded so far (the training run, at exit). */
    writeCaches() {
      mkdirSync(cacheDir, { recursive: true });
      for (const { name, script } of compiled) writeFileSync(new URL(`${name}.cache`, cacheDir), script.createCachedData());
    },
  };
}

module.exports = { createBundleLoader };
