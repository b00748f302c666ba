// The runnable CLI: esbuild bundles src/cli/bin.ts with code splitting, so `hooksctl --help` loads
// one small core file and each verb's heavy part (every `import()` in src/) is a chunk of its own,
// loaded only when that verb runs. Two passes: the split build (ESM, the only format esbuild splits),
// then each chunk turned into a CommonJS script (its imports become require() calls, which
// bin/hooksctl resolves), because Node 20 can compile a script with a V8 code cache but not an ES
// module. Then a training run per verb (--help, serve, validate-unit) records the code caches
// bin/hooksctl loads (dist/bundle/cache/<verb>/). tsc still type-checks and writes the library's
// dist/ (ESM + declarations); this bundle is only what bin/hooksctl runs.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { lazyRequires } from './lazy-requires.mjs';
import { trainCodeCaches } from './train-code-cache.mjs';

const outdir = 'dist/bundle';
const esmdir = 'dist/bundle-esm';
// Native addons stay in node_modules: esbuild cannot bundle a .node file. better-sqlite3's JavaScript
// is bundled (and so code-cached); src/tasks/sqlite/db.ts hands it its addon by path.
const native = ['sd-notify', 'systemd-journald'];
const external = native;

rmSync(outdir, { recursive: true, force: true });
rmSync(esmdir, { recursive: true, force: true });
const result = await build({
  // `early`: what bin/hooksctl loads first for validate-unit, to start systemd-analyze before the rest (src/cli/early-start.ts).
  entryPoints: { bin: 'src/cli/bin.ts', early: 'src/cli/early-start.ts' },
  outdir: esmdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // `zod` re-exports its locales as a namespace; nothing here uses them, so they are dropped.
  treeShaking: true,
  sourcemap: 'linked',
  sourcesContent: false,
  plugins: [lazyRequires],
  metafile: true,
  logLevel: 'warning',
});
// Pass one's chunks are plain ES modules, not Node's "type": "module" files, so a chunk's default
// export is what an import() of it gets (esbuild's node-mode interop would hand over the whole namespace).
writeFileSync(`${esmdir}/package.json`, '{ "type": "commonjs" }\n');
// Pass two: each chunk as a CommonJS script. Its map is composed with pass one's, so it points into src/.
await build({
  entryPoints: readdirSync(esmdir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => `${esmdir}/${f}`),
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: false,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import() becomes require() (bin/hooksctl's loader), and import.meta.url the chunk's own URL, which the loader passes in.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__hooksUrl' },
  minifySyntax: true,
  minifyWhitespace: true,
  // Linked maps without the sources: stack traces are mapped into src/ when printed (src/cli/source-mapped-stacks.ts).
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
});
rmSync(esmdir, { recursive: true, force: true });
await trainCodeCaches();
// `--meta FILE`: esbuild's metafile (what each chunk holds), e.g. for https://esbuild.github.io/analyze/.
const metaAt = process.argv.indexOf('--meta');
if (metaAt !== -1) writeFileSync(process.argv[metaAt + 1], JSON.stringify(result.metafile));
