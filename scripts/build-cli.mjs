// The runnable CLI: esbuild bundles src/cli/bin.ts into dist/bundle/, ESM with code splitting, so
// `hooksctl --help` loads one small core file and each verb's heavy part (every `import()` in
// src/) is a chunk of its own, loaded only when that verb runs. tsc still type-checks and writes
// the library's dist/ (ESM + declarations); this bundle is only what bin/hooksctl runs.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = 'dist/bundle';
// Native addons (and their loaders) stay in node_modules: esbuild cannot bundle a .node file.
const native = ['better-sqlite3', 'sd-notify', 'systemd-journald'];
// fastify's default Ajv and fast-json-stringify compilers: `serve` sets zod compilers
// (src/server/zod-compilers.ts), so fastify never requires them; left out, they cost no parse time.
const unused = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler'];
const external = [...native, ...unused];

// commander requires node:child_process at load, only to run executable subcommands, which hooksctl
// has none of; that module brings net, dgram and the stream wrappers into every start of the CLI.
// The bundle gives commander a stand-in that loads the real module on first use.
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(COMMANDER_CHILD_PROCESS)) throw new Error(`${args.path}: expected ${COMMANDER_CHILD_PROCESS}`);
      const standIn = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: text.replace(COMMANDER_CHILD_PROCESS, standIn), loader: 'js' };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { bin: 'src/cli/bin.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // Bundled CommonJS (commander, fastify and its dependencies) calls require() for node: builtins.
  banner: { js: "import { createRequire as __hooksRequire } from 'node:module'; const require = __hooksRequire(import.meta.url);" },
  // `zod` re-exports its locales as a namespace; nothing here uses them, so they are dropped.
  treeShaking: true,
  minifySyntax: true,
  minifyWhitespace: true,
  // Linked maps without the sources: stack traces (bin/hooksctl enables source maps) point into src/.
  sourcemap: 'linked',
  sourcesContent: false,
  plugins: [lazyChildProcess],
  metafile: true,
  logLevel: 'warning',
});
// `--meta FILE`: esbuild's metafile (what each chunk holds), e.g. for https://esbuild.github.io/analyze/.
const metaAt = process.argv.indexOf('--meta');
if (metaAt !== -1) writeFileSync(process.argv[metaAt + 1], JSON.stringify(result.metafile));
