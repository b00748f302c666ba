/** The budget rules: TimeoutStopSec against the config's drain budget (src/shutdown/budget.ts does the math). */
import { checkBudget, DEFAULT_TIMEOUT_STOP_MS, type BudgetInput } from '../../../shutdown/budget.js';
import { parseTimespanMs } from '../../timespan.js';
import { lastValue } from '../file.js';
import type { UnitRule } from './types.js';

// The effective TimeoutStopSec in ms (TimeoutSec= sets it too), or null when unreadable.
function timeoutStop(ctx: Parameters<UnitRule>[0]): { ms: number | null; line: number; set: boolean } {
  // TimeoutSec= sets the stop timeout too: whichever of the two comes last in the file wins.
  const e = [lastValue(ctx.unit, 'Service', 'TimeoutStopSec'), lastValue(ctx.unit, 'Service', 'TimeoutSec')]
    .filter((x) => x !== undefined)
    .sort((a, b) => a.line - b.line)
    .at(-1);
  if (e === undefined || e.value === '') return { ms: DEFAULT_TIMEOUT_STOP_MS, line: ctx.fallbackLine, set: false };
  try {
    return { ms: parseTimespanMs(e.value), line: e.line, set: true };
  } catch {
    return { ms: null, line: e.line, set: true };
  }
}

/** Without a config only infinity/0 and the user cap are checked; with one, the plain or extend rule too. */
const NO_BUDGET: BudgetInput = { drainMs: 0, abortGraceMs: 0, cleanupMs: 0, marginMs: 0, extend: false, maxDrainMs: 0 };

/** Check TimeoutStopSec against the budget; every finding points at the TimeoutStopSec line (or [Service]). */
export const budgetRule: UnitRule = (ctx) => {
  const t = timeoutStop(ctx);
  if (t.ms === null) return [];
  const findings = checkBudget(ctx.budget ?? NO_BUDGET, t.ms, ctx.scope);
  const note = t.set ? '' : ` (TimeoutStopSec not set: systemd's default ${DEFAULT_TIMEOUT_STOP_MS / 1000}s applies)`;
  return findings.map((f) => ({ ...f, line: t.line, message: `${f.message}${note}` }));
};
