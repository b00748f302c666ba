/**
 * The package as users get it: build if dist/ is stale, `npm pack` into a scratch project,
 * and install the tarball there without the network. The tarball is extracted into
 * `<project>/node_modules/hooksctl` (exactly the files npm packed: package.json `files`);
 * only the packed package.json's `dependencies` are linked in from the repo's node_modules
 * (their own dependencies resolve from there through the symlink's real path), so an import
 * of an undeclared package, of src/, or of a path not in `exports` fails as it would for a user.
 * `npm install <tarball> --offline` is not used: native dependencies (better-sqlite3, sd-notify,
 * systemd-journald) would need a build or a download.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A scratch project with the packed package installed. */
export interface PackedProject {
  /** The project directory (`{"type":"module"}`). */
  dir: string;
  /** The tarball npm wrote. */
  tarball: string;
  /** The paths npm put in the tarball. */
  files: string[];
  /** `<dir>/node_modules/hooksctl`. */
  packageDir: string;
}

// Newest mtime of any file under `dir`.
function newest(dir: string): number {
  let max = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    max = Math.max(max, name.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return max;
}

/** Run `npm run build` unless dist/index.js is newer than everything in src/ and package.json. */
export async function buildIfStale(): Promise<void> {
  const out = join(REPO, 'dist/index.js');
  if (existsSync(out) && statSync(out).mtimeMs >= Math.max(newest(join(REPO, 'src')), statSync(join(REPO, 'package.json')).mtimeMs)) return;
  await execa('npm', ['run', 'build', '--silent'], { cwd: REPO });
}

/** Pack the repo into `dir` and install the tarball there as described above. */
export async function packInto(dir: string): Promise<PackedProject> {
  await buildIfStale();
  mkdirSync(dir, { recursive: true });
  const packed = await execa('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO });
  const info = (JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>)[0];
  if (!info) throw new Error(`npm pack printed no result: ${packed.stdout}`);
  const tarball = join(dir, info.filename);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'embed-scratch', private: true, type: 'module', dependencies: { hooksctl: `file:${info.filename}` } }, null, 2)}\n`,
  );
  const packageDir = join(dir, 'node_modules/hooksctl');
  mkdirSync(packageDir, { recursive: true });
  await execa('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(join(REPO, 'node_modules', name)), link);
  }
  return { dir, tarball, files: info.files.map((f) => f.path), packageDir };
}
