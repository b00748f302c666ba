// A verb's pack: the bundle's chunks that its training run loaded on the way to its work, as one
// script (dist/bundle/packs/<verb>.cjs) that evaluates to a table of chunk functions by name, with
// an index source map (sections, one per chunk, each the chunk's own map moved to its place), so
// stack traces from the pack still point into src/. bin/load-bundle.cjs compiles it once, with one
// code cache, instead of one compile and one cache per chunk: about 36 of them on serve's way to READY.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** The folder of the packs inside a bundle folder. */
export const PACKS = 'packs';

/** Write `<bundleDir>/packs/<verb>.cjs` and its `.map` from the chunks `names` (files in `bundleDir`), in that order. */
export function writePack(bundleDir, verb, names) {
  const packsDir = resolve(bundleDir, PACKS);
  mkdirSync(packsDir, { recursive: true });
  const lines = ['({'];
  const sections = [];
  for (const name of names) {
    // esbuild writes ASCII only: latin1 reads the file byte for byte, as the loader does.
    const body = readFileSync(resolve(bundleDir, name), 'latin1')
      .replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '')
      .split('\n');
    lines.push(`${JSON.stringify(name)}: function (exports, require, module, __hooksUrl) {`);
    const map = JSON.parse(readFileSync(resolve(bundleDir, `${name}.map`), 'utf8'));
    // The chunk's sources are relative to the chunk's map; the pack's map lives in packs/.
    map.sources = map.sources.map((source) => relative(packsDir, resolve(dirname(resolve(bundleDir, name)), source)));
    sections.push({ offset: { line: lines.length, column: 0 }, map });
    lines.push(...body, '},');
  }
  lines.push('})', `//# sourceMappingURL=${verb}.cjs.map`);
  writeFileSync(resolve(packsDir, `${verb}.cjs`), `${lines.join('\n')}\n`, 'latin1');
  writeFileSync(resolve(packsDir, `${verb}.cjs.map`), JSON.stringify({ version: 3, file: `${verb}.cjs`, sections }));
}
