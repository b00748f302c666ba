/**
 * Files shipped in the package (package.json, bin/, units/, ui/, examples/), found from the
 * package root rather than from a fixed depth below this module: the same code runs from src/
 * (tests), from tsc's dist/ (the library) and from the CLI bundle in dist/bundle/.
 */
import { existsSync } from 'node:fs';

let root: URL | undefined;

/** The package root: the nearest folder above this module that holds a package.json. */
export function packageRoot(): URL {
  if (root !== undefined) return root;
  let dir = new URL('./', import.meta.url);
  while (!existsSync(new URL('package.json', dir))) {
    const parent = new URL('../', dir);
    if (parent.href === dir.href) throw new Error(`no package.json above ${import.meta.url}`);
    dir = parent;
  }
  root = dir;
  return root;
}

/** The URL of `relative` (e.g. `units/hooksctl.catalog`) inside the package. */
export function packageFile(relative: string): URL {
  return new URL(relative, packageRoot());
}
