/** Read entries back with `journalctl -o json`, and a unit's TimeoutStopSec with `systemctl show`. See journalctl(1). */
import { ExitCode, HooksError } from '../../errors.js';
import type { Env } from '../../runtime.js';
import { runCommand } from '../../run-command.js';
import { showUnit, type UnitScope } from '../systemctl.js';
import { parseTimespanMs } from '../timespan.js';

/**
 * Entries matching every field (same-field matches are ORed by journalctl), oldest first.
 * No entries at all is only an answer when the journal itself is readable: an empty result is
 * followed by {@link assertJournalReadable}, so "no journal" is never reported as "no matches".
 */
export async function readJournal(o: {
  env: Env;
  matches: readonly string[];
  since?: string | undefined;
}): Promise<Record<string, unknown>[]> {
  const args = ['--no-pager', '-o', 'json', ...(o.since ? ['--since', o.since] : []), ...o.matches];
  const r = await runCommand('journalctl', args, { env: o.env });
  if (r.exitCode === 127) throw journalctlMissing();
  if (r.exitCode !== 0 && UNREADABLE.test(r.stderr)) throw unreadable(r.stderr);
  if (r.exitCode !== 0 && !/No journal files were found|No entries/.test(r.stderr)) {
    throw new HooksError('hooks.journal.read', `journalctl failed: ${r.stderr.trim()}`, {
      exitCode: r.stderr.includes('--since') || r.stderr.includes('Failed to parse') ? ExitCode.usage : ExitCode.unavailable,
    });
  }
  const out: Record<string, unknown>[] = [];
  for (const line of r.stdout.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      /* a torn line is skipped */
    }
  }
  if (out.length === 0) await assertJournalReadable(o.env);
  return out;
}

// journalctl(1) says this (exit 1) when every journal file it found was closed to it.
const UNREADABLE = /insufficient permissions/;

/**
 * Throw (exit 69) unless journalctl can open at least one journal file: `hooks.journal.unavailable`
 * when journalctl is missing, `hooks.journal.no_files` when there is no journal (journald not running
 * here, or another mount namespace), `hooks.journal.unreadable` when the files are closed to this user.
 * The probe is `journalctl -n 0` in short output, the one mode that reports "No journal files were
 * found." (the json output stays silent about it).
 */
export async function assertJournalReadable(env: Env): Promise<void> {
  const r = await runCommand('journalctl', ['--no-pager', '-o', 'short', '-n', '0'], { env });
  if (r.exitCode === 127) throw journalctlMissing();
  if (UNREADABLE.test(r.stderr)) throw unreadable(r.stderr);
  if (/No journal files were found/.test(r.stderr)) {
    throw new HooksError(
      'hooks.journal.no_files',
      'No journal is reachable: journalctl found no journal files (is systemd-journald running for this host or namespace?)',
      { exitCode: ExitCode.unavailable },
    );
  }
  if (r.exitCode !== 0)
    throw new HooksError('hooks.journal.read', `No journal is reachable: journalctl failed: ${r.stderr.trim()}`, {
      exitCode: ExitCode.unavailable,
    });
}

function journalctlMissing(): HooksError {
  return new HooksError('hooks.journal.unavailable', 'No journal is reachable: journalctl is not installed', {
    exitCode: ExitCode.unavailable,
  });
}

function unreadable(stderr: string): HooksError {
  return new HooksError(
    'hooks.journal.unreadable',
    'No journal is reachable: journalctl could not open the journal files (insufficient permissions: run as root or as a member of the systemd-journal group)',
    { exitCode: ExitCode.unavailable, details: { stderr: stderr.trim() } },
  );
}

/** The unit's TimeoutStopSec in ms, or null when the manager does not know the unit. */
export async function showTimeoutStopMs(o: { env: Env; unit: string; scope: UnitScope }): Promise<number | null> {
  try {
    const props = await showUnit(o.unit, ['TimeoutStopUSec', 'LoadState'], { env: o.env, scope: o.scope });
    const value = props['TimeoutStopUSec'];
    if (value === undefined || value === '' || props['LoadState'] === 'not-found') return null;
    return parseTimespanMs(value);
  } catch {
    return null;
  }
}
