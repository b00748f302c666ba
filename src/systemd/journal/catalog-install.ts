/**
 * Installing the journal message catalog (units/hooksctl.catalog) for `install-unit`.
 * The catalog database is system-wide, so only `--system` installs it: it copies the file to
 * /etc/systemd/catalog/ and runs `journalctl --update-catalog`. A `--user` install skips it
 * (even as root: a user install should not change system-wide state) and says how to do it.
 * Every outcome is a result with a message, never an error.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Env } from '../../runtime.js';
import { runCommand } from '../../run-command.js';
import { makeDir } from '../../make-dir.js';

/** The system catalog directory journalctl --update-catalog reads. */
export const SYSTEM_CATALOG_DIR = '/etc/systemd/catalog';

/** What happened to the catalog. */
export interface CatalogOutcome {
  /** installed, skipped or failed. */
  status: 'installed' | 'skipped' | 'failed';
  /** One line for the operator. */
  message: string;
}

/** Install the catalog when the scope allows it. */
export async function installCatalog(o: {
  scope: 'user' | 'system';
  source: string;
  targetDir: string;
  env: Env;
}): Promise<CatalogOutcome> {
  if (!existsSync(o.source)) return { status: 'skipped', message: `journal catalog: ${o.source} not found; skipped` };
  if (o.scope === 'user')
    return {
      status: 'skipped',
      message: `journal catalog: skipped for --user (it is system-wide); as root: cp ${o.source} ${SYSTEM_CATALOG_DIR}/ && journalctl --update-catalog`,
    };
  const target = join(o.targetDir, basename(o.source));
  try {
    makeDir(o.targetDir);
    copyFileSync(o.source, target);
  } catch (error) {
    return {
      status: 'failed',
      message: `journal catalog: cannot copy to ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    };
  }
  const r = await runCommand('journalctl', ['--update-catalog'], { env: o.env });
  if (r.exitCode !== 0)
    return {
      status: 'failed',
      message: `journal catalog: copied to ${target}, but journalctl --update-catalog failed: ${r.stderr.trim()}`,
    };
  return { status: 'installed', message: `journal catalog: installed ${target} and updated the catalog database` };
}
