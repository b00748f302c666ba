/** Read entries back with `journalctl -o json`, and a unit's TimeoutStopSec with `systemctl show`. See journalctl(1). */
import { ExitCode, HooksError } from '../../errors.js';
import type { Env } from '../../runtime.js';
import { runCommand } from '../../run-command.js';
import { showUnit, type UnitScope } from '../systemctl.js';
import { parseTimespanMs } from '../timespan.js';

/** Entries matching every field (same-field matches are ORed by journalctl), oldest first. */
export async function readJournal(o: { env: Env; matches: readonly string[]; since?: string | undefined }): Promise<Record<string, unknown>[]> {
  const args = ['--no-pager', '-o', 'json', ...(o.since ? ['--since', o.since] : []), ...o.matches];
  const r = await runCommand('journalctl', args, { env: o.env });
  if (r.exitCode === 127) throw new HooksError('hooks.journal.unavailable', 'journalctl is not installed', { exitCode: ExitCode.unavailable });
  if (r.exitCode !== 0 && !/No journal files|No entries/.test(r.stderr)) {
    throw new HooksError('hooks.journal.read', `journalctl failed: ${r.stderr.trim()}`, { exitCode: r.stderr.includes('--since') || r.stderr.includes('Failed to parse') ? ExitCode.usage : ExitCode.unavailable });
  }
  const out: Record<string, unknown>[] = [];
  for (const line of r.stdout.split('\n')) {
    if (line.trim() === '') continue;
    try { out.push(JSON.parse(line) as Record<string, unknown>); } catch { /* a torn line is skipped */ }
  }
  return out;
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
