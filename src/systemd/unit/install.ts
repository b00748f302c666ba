/**
 * Installing a unit file: the default unit directory per scope, and an atomic write
 * (temp file in the same directory, then rename) that reports what it replaced.
 */
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, HooksError } from '../../errors.js';
import type { Env } from '../../runtime.js';
import { makeDir } from '../../make-dir.js';

/** The default unit directory: `$XDG_CONFIG_HOME/systemd/user` (else `~/.config/systemd/user`) or `/etc/systemd/system`. */
export function defaultUnitDir(scope: 'user' | 'system', env: Env): string {
  if (scope === 'system') return '/etc/systemd/system';
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg !== undefined && xdg.startsWith('/')) return join(xdg, 'systemd/user');
  const home = env['HOME'];
  if (home === undefined || home === '')
    throw new HooksError('hooks.unit.no_home', 'Neither $XDG_CONFIG_HOME nor $HOME is set; pass --unit-dir', { exitCode: ExitCode.config });
  return join(home, '.config/systemd/user');
}

/** What {@link writeUnitAtomic} did. */
export interface WrittenUnit {
  /** The final path. */
  path: string;
  /** The text it replaced, or null for a new file. */
  previous: string | null;
}

/**
 * Write `text` to `dir/name` atomically (temp file + rename); returns the previous text. A file that
 * already holds `text` is left alone: rewriting it would change its mtime, and systemd would then
 * report NeedDaemonReload=yes for a unit that did not change.
 */
export function writeUnitAtomic(dir: string, name: string, text: string, pid: number): WrittenUnit {
  const path = join(dir, name);
  const temp = join(dir, `.${name}.tmp-${pid}`);
  let previous: string | null = null;
  // Only a regular file is read back for the diff: a FIFO or device in its place must not block.
  try {
    previous = statSync(path).isFile() ? readFileSync(path, 'utf8') : null;
  } catch {
    previous = null;
  }
  if (previous === text) return { path, previous };
  try {
    makeDir(dir);
    writeFileSync(temp, text, { mode: 0o644 });
    renameSync(temp, path);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      /* the temp file was never made */
    }
    throw new HooksError(
      'hooks.unit.write_failed',
      `Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { exitCode: ExitCode.config, cause: error, details: { file: path } },
    );
  }
  return { path, previous };
}
