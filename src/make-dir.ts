/**
 * `mkdir -p` that always ends. Node's `mkdirSync(dir, { recursive: true })` spins forever at
 * 100% CPU when mkdir answers ENOENT under an existing parent, as /proc and /sys do
 * (`--unit-dir /proc/x`, `service.db: "/proc/x/h.db"`). This walks the path one component at a
 * time and fails with the first real error.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Create `dir` and its missing parents (mode 0777 before umask). Throws the fs error (with its `code`) on failure. */
export function makeDir(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !exists(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (!statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
}

// True when something (a directory or not) is at `path`.
function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    // ENOTDIR: a parent is a file; the mkdir below reports that.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR';
  }
}
