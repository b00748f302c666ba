/**
 * The unit validator: pure rules over a parsed unit (./rules/), optionally against a
 * config's drain budget. `systemd-analyze` is folded in by ./check-file.ts (through ./analyze.ts).
 */
import type { BudgetInput } from '../../shutdown/budget.js';
import { parseUnit, sectionLine } from './file.js';
import { budgetRule } from './rules/budget.js';
import { containersRule } from './rules/containers.js';
import { execStartRule, killModeRule, notifyRule, watchdogRule } from './rules/service.js';
import { syntaxRule } from './rules/syntax.js';
import type { UnitFinding, UnitRule } from './rules/types.js';
import { unknownRule } from './rules/unknown.js';

export type { UnitFinding } from './rules/types.js';

/** Options for {@link validateUnitText}. */
export interface ValidateUnitOptions {
  /** The manager the unit is for (the user cap applies to `user`). */
  scope: 'user' | 'system';
  /** The drain budget from the config, or null to skip the budget rule. */
  budget: BudgetInput | null;
}

/** Every rule, in report order. */
export const UNIT_RULES: readonly UnitRule[] = [
  syntaxRule,
  execStartRule,
  notifyRule,
  budgetRule,
  killModeRule,
  watchdogRule,
  containersRule,
  unknownRule,
];

/** Validate unit text with every rule; findings are sorted by line, errors first on a line. */
export function validateUnitText(text: string, options: ValidateUnitOptions): UnitFinding[] {
  const unit = parseUnit(text);
  const fallbackLine = sectionLine(unit, 'Service') ?? 1;
  const findings = UNIT_RULES.flatMap((rule) => rule({ unit, scope: options.scope, budget: options.budget, fallbackLine }));
  return sortFindings(findings);
}

/** Sort findings by line, then errors before warnings. */
export function sortFindings(findings: readonly UnitFinding[]): UnitFinding[] {
  return [...findings].sort((a, b) => a.line - b.line || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
