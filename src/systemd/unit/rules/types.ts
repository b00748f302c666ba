/** The shapes every validator rule shares: a finding and the context a rule reads. */
import type { BudgetInput } from '../../../shutdown/budget.js';
import type { UnitFile } from '../file.js';

/** One problem in a unit file, always tied to a line. */
export interface UnitFinding {
  /** Stable rule id, e.g. `notify.access-none`. */
  rule: string;
  /** Errors fail validation; warnings fail only with --strict. */
  severity: 'error' | 'warning';
  /** 1-based line the finding concerns. */
  line: number;
  /** What is wrong and what to do. */
  message: string;
}

/** What a rule gets to look at. */
export interface RuleContext {
  /** The parsed unit. */
  unit: UnitFile;
  /** The manager it is meant for. */
  scope: 'user' | 'system';
  /** The budget from the config, or null when no config was given. */
  budget: BudgetInput | null;
  /** The line to blame when a finding has no better line (the [Service] header, else 1). */
  fallbackLine: number;
}

/** A rule: a pure function from context to findings. */
export type UnitRule = (ctx: RuleContext) => UnitFinding[];
