// The loader of the bundled CLI (dist/bundle/, written by scripts/build-cli.mjs): each chunk is a
// CommonJS script compiled with the V8 code cache that the build's training run of a verb recorded
// (dist/bundle/cache/<verb>/). Node 20 has no code cache for ES modules, hence CommonJS chunks
// and this loader rather than import(). A cache V8 rejects (another Node, other flags) or a missing
// one only means that chunk compiles from source. bin/hooksctl is its one user; tests load chunks
// through it too. CommonJS, like bin/hooksctl (bin/package.json): a CommonJS entry starts Node
// without its ES module loader, which costs a start several milliseconds.
//
// A verb's pack (dist/bundle/packs/<verb>.cjs, scripts/pack-chunks.mjs) holds the chunks its
// training run loaded on the way to its work (for serve: to READY) as one script, so they cost one
// compile and one code cache instead of one each. A chunk outside the pack loads on its own, and a
// pack that is missing or unreadable only means each chunk loads on its own. The pack is opened on
// the first load that may take from it: a chunk loaded with loadAlone (and what it requires) comes
// from its own file, before the pack is read (validate-unit's early entry, which starts a child process).
'use strict';
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { Script } = require('node:vm');

// The cache file's bytes, or undefined (none, or unreadable: the script compiles from source).
const readOptional = (url) => {
  try {
    return readFileSync(url);
  } catch {
    return undefined;
  }
};
const cacheState = (script, cachedData) => (cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted');

/**
 * A loader for the chunks in `bundle` (a file: URL ending in `/`), reading code caches from
 * `cacheDir` (a file: URL ending in `/`) unless `training` is set (then it records them instead).
 * `pack`: `{ file, cache }` file: URLs of a pack and its code cache, when the verb has one.
 */
function createBundleLoader({ bundle, cacheDir, training = false, pack }) {
  const nodeRequire = createRequire(new URL('bin.cjs', bundle));
  const modules = new Map();
  const compiled = [];
  const loaded = [];
  // The pack, once opened (null: none, or unreadable); `alone` while loadAlone runs.
  let packed;
  let alone = false;
  const thePack = () => {
    if (packed === undefined) packed = pack === undefined ? null : openPack(pack, training);
    return packed;
  };

  // require() inside a chunk: another chunk (by its pass-one name, ./x.js) is loaded here, anything else by Node.
  const requireFromChunk = (id) => (id.startsWith('./') ? load(id.slice(2).replace(/\.js$/, '.cjs')) : nodeRequire(id));

  function load(name) {
    const known = modules.get(name);
    if (known !== undefined) return known.exports;
    const url = new URL(name, bundle);
    const module = { exports: {} };
    modules.set(name, module);
    loaded.push({ name, at: process.hrtime.bigint(), alone });
    const fromPack = alone ? undefined : thePack()?.chunks[name];
    if (fromPack !== undefined) {
      compiled.push({ name, cache: packed.cache });
      fromPack(module.exports, requireFromChunk, module, url.href);
      return module.exports;
    }
    const cachedData = training ? undefined : readOptional(new URL(`${name}.cache`, cacheDir));
    // esbuild writes ASCII only, so latin1 reads the file as it is, with no UTF-8 decoding. The
    // wrapper has a line of its own, and lineOffset takes it back out: positions match the map.
    const source = `(function (exports, require, module, __hooksUrl) {\n${readFileSync(url, 'latin1')}\n})`;
    const script = new Script(source, { filename: url.href, lineOffset: -1, cachedData });
    compiled.push({ name, script, cache: cacheState(script, cachedData) });
    script.runInThisContext()(module.exports, requireFromChunk, module, url.href);
    return module.exports;
  }

  return {
    load,
    /** Load a chunk, and the chunks it requires, each from its own file, without opening the pack. */
    loadAlone(name) {
      alone = true;
      try {
        return load(name);
      } finally {
        alone = false;
      }
    },
    /** Each chunk loaded so far and what became of its cache (its pack's, for a packed chunk): accepted, rejected or none. */
    report: () => compiled.map(({ name, cache }) => ({ name, cache })),
    /** The pack, when there is one and it was opened: how many chunks it holds and what became of its cache. */
    packReport: () => (packed == null ? null : { chunks: Object.keys(packed.chunks).length, cache: packed.cache }),
    /**
     * Each chunk loaded so far, in order, with the CLOCK_MONOTONIC time (ns) it began to load and
     * whether it was loaded alone: what a training run packs (not the ones loaded alone).
     */
    loaded: () => loaded.map(({ name, at, alone: own }) => ({ name, at: String(at), alone: own })),
    /** Write the code cache of every chunk compiled on its own so far, and of the pack (the training run, at exit). */
    writeCaches() {
      mkdirSync(cacheDir, { recursive: true });
      for (const { name, script } of compiled)
        if (script !== undefined) writeFileSync(new URL(`${name}.cache`, cacheDir), script.createCachedData());
      if (packed != null) writeFileSync(packed.cacheFile, packed.script.createCachedData());
    },
  };
}

// Compile a pack (with its cache, unless training) and run it: it evaluates to a table of chunk
// functions by name. null when the pack cannot be read.
function openPack({ file, cache }, training) {
  let source;
  try {
    source = readFileSync(file, 'latin1');
  } catch {
    return null;
  }
  const cachedData = training ? undefined : readOptional(cache);
  const script = new Script(source, { filename: file.href, cachedData });
  return { script, cacheFile: cache, cache: cacheState(script, cachedData), chunks: script.runInThisContext() };
}

module.exports = { createBundleLoader };
