/** The half-stopped-fleet rule: containers must be started and stopped from the same source of truth. */
import type { AssignmentEntry } from '../file.js';
import { listValues } from '../file.js';
import { execArgv, foreignContainerCommand, hooksctlVerb } from './exec-kind.js';
import type { UnitFinding, UnitRule } from './types.js';

// The command lines of a key, with their argv.
function commands(entries: readonly AssignmentEntry[]): { entry: AssignmentEntry; argv: string[] }[] {
  return entries.flatMap((entry) => {
    const argv = execArgv(entry.value);
    return argv === null ? [] : [{ entry, argv }];
  });
}

/** Warn when ExecStartPre uses `hooksctl agents-sync` but a stop command uses docker/just/a shell loop, or the reverse. */
export const containersRule: UnitRule = ({ unit }) => {
  const starts = commands(listValues(unit, 'Service', 'ExecStartPre'));
  const stops = commands([...listValues(unit, 'Service', 'ExecStop'), ...listValues(unit, 'Service', 'ExecStopPost')]);
  const startsHooks = starts.some((c) => hooksctlVerb(c.argv) === 'agents-sync');
  const startsForeign = starts.some((c) => foreignContainerCommand(c.argv));
  const out: UnitFinding[] = [];
  for (const stop of stops) {
    const foreign = foreignContainerCommand(stop.argv);
    const hooksDown = hooksctlVerb(stop.argv) === 'containers-down';
    if ((startsHooks && foreign) || (startsForeign && hooksDown)) {
      out.push({
        rule: 'containers.asymmetric',
        severity: 'warning',
        line: stop.entry.line,
        message: `\`${stop.entry.key}=\` stops containers from a different source of truth than ExecStartPre starts them from; use \`hooksctl agents-sync\` with \`hooksctl containers-down\` (or neither)`,
      });
    }
  }
  return out;
};
