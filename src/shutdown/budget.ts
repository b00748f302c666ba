/**
 * The drain budget: the ONE place its math lives. Both the validator (is this unit's
 * TimeoutStopSec big enough?) and the runtime drain (how long may I wait?) call it.
 * See ARCHITECTURE.md "The drain budget" and systemd.service(5) TimeoutStopSec=, EXTEND_TIMEOUT_USEC in sd_notify(3).
 */
import type { Config } from '../config/schema.js';
import { parseTimespanMs } from '../systemd/timespan.js';

/** The budget inputs, in ms (from the config's `shutdown` section). */
export interface BudgetInput {
  /** D: how long to wait for in-flight tasks (`drain_ms`). */
  drainMs: number;
  /** A: how long aborted tasks get to settle (`abort_grace_ms`). */
  abortGraceMs: number;
  /** C: cleanup time, e.g. stopping containers (`cleanup_ms`). */
  cleanupMs: number;
  /** M: the safety margin (`margin_ms`). */
  marginMs: number;
  /** Extend mode: the drain sends EXTEND_TIMEOUT_USEC while tasks progress (`extend`). */
  extend: boolean;
  /** Extend mode: the longest drain any extension may allow (`max_drain_ms`). */
  maxDrainMs: number;
}

/**
 * Extend mode: the interval between two EXTEND_TIMEOUT_USEC messages. The first one is sent
 * as soon as the stop begins; each asks for two slices, so one late tick never lets T expire.
 */
export const EXTEND_SLICE_MS = 2000;

/** Extend mode: how much time past one slice TimeoutStopSec must leave for the first extension to arrive. */
export const EXTEND_LEEWAY_MS = 1000;

/** systemd's DefaultTimeoutStopSec, used when a unit does not set TimeoutStopSec. */
export const DEFAULT_TIMEOUT_STOP_MS = 90_000;

/** `user@.service` stops with TimeoutStopSec=120s: every user unit is capped by it at logout. */
export const USER_MANAGER_STOP_CAP_MS = 120_000;

/** Read the budget inputs from the config's `shutdown` section. */
export function budgetFromConfig(shutdown: Config['shutdown']): BudgetInput {
  return {
    drainMs: shutdown.drain_ms,
    abortGraceMs: shutdown.abort_grace_ms,
    cleanupMs: shutdown.cleanup_ms,
    marginMs: shutdown.margin_ms,
    extend: shutdown.extend,
    maxDrainMs: shutdown.max_drain_ms,
  };
}

// A + C + M: what every stop needs after the drain itself.
function tailMs(b: BudgetInput): number {
  return b.abortGraceMs + b.cleanupMs + b.marginMs;
}

/** The smallest TimeoutStopSec that fits: plain D+A+C+M; extend: one slice plus leeway for the first extension. */
export function requiredTimeoutStopMs(b: BudgetInput): number {
  return b.extend ? EXTEND_SLICE_MS + EXTEND_LEEWAY_MS : b.drainMs + tailMs(b);
}

/** The longest a stop may ever take: extend maxDrain+A+C+M (no extension passes it); plain D+A+C+M. */
export function hardCapMs(b: BudgetInput): number {
  return (b.extend ? b.maxDrainMs : b.drainMs) + tailMs(b);
}

/** TimeoutStopSec in ms: the configured `unit.timeout_stop_sec` (bare numbers are seconds), else derived, rounded up to whole seconds. */
export function resolveTimeoutStopMs(b: BudgetInput, configured: string | number | null): number {
  if (configured !== null) return parseTimespanMs(configured);
  // At least 1 s: TimeoutStopSec=0 would mean "no timeout" to systemd.
  return Math.max(1000, Math.ceil(requiredTimeoutStopMs(b) / 1000) * 1000);
}

/** One budget problem; the validator attaches the line. */
export interface BudgetFinding {
  /** Stable rule id, e.g. `budget.plain`. */
  rule: string;
  /** Errors fail validation; warnings fail only with --strict. */
  severity: 'error' | 'warning';
  /** What is wrong and what to change. */
  message: string;
}

// Milliseconds as a short human string.
function ms(value: number): string {
  return value % 1000 === 0 ? `${value / 1000}s` : `${value}ms`;
}

/** Check a TimeoutStopSec (ms, Infinity allowed) against the budget: infinity/0, the plain or extend rules, the user cap. */
export function checkBudget(b: BudgetInput, timeoutStopMs: number, scope: 'user' | 'system'): BudgetFinding[] {
  if (timeoutStopMs === Infinity) return [{ rule: 'timeout.infinity', severity: 'error', message: 'TimeoutStopSec=infinity: a hung drain is never killed; set a finite value' }];
  if (timeoutStopMs <= 0) return [{ rule: 'timeout.zero', severity: 'error', message: 'TimeoutStopSec=0 disables the stop timeout (it means infinity); set a finite value' }];
  const findings: BudgetFinding[] = [];
  const required = requiredTimeoutStopMs(b);
  if (!b.extend && required > timeoutStopMs) {
    findings.push({ rule: 'budget.plain', severity: 'error', message: `drain_ms ${b.drainMs} + abort_grace_ms ${b.abortGraceMs} + cleanup_ms ${b.cleanupMs} + margin_ms ${b.marginMs} = ${required} ms does not fit TimeoutStopSec=${ms(timeoutStopMs)}; raise TimeoutStopSec to at least ${ms(Math.ceil(required / 1000) * 1000)} or lower drain_ms` });
  }
  if (b.extend && required > timeoutStopMs) {
    findings.push({ rule: 'budget.extend-first', severity: 'error', message: `extend mode: TimeoutStopSec=${ms(timeoutStopMs)} leaves no room for the first EXTEND_TIMEOUT_USEC (slice ${ms(EXTEND_SLICE_MS)}); use at least ${ms(required)}` });
  }
  if (b.extend && b.maxDrainMs < b.drainMs) {
    findings.push({ rule: 'budget.extend-cap', severity: 'warning', message: `extend mode: max_drain_ms ${b.maxDrainMs} is below drain_ms ${b.drainMs}; the hard cap cuts the drain short` });
  }
  const longest = b.extend ? Math.max(timeoutStopMs, hardCapMs(b)) : timeoutStopMs;
  if (scope === 'user' && longest > USER_MANAGER_STOP_CAP_MS) {
    findings.push({ rule: 'timeout.user-cap', severity: 'warning', message: `a --user unit may stop for ${ms(longest)}, but user@.service kills it after 120s at logout or shutdown` });
  }
  return findings;
}

/** What the runtime drain uses: its mode, deadlines and slice. */
export interface DrainPlan {
  /** Plain: bounded by TimeoutStopSec. Extend: bounded by the hard cap, held off by extensions. */
  mode: 'plain' | 'extend';
  /** TimeoutStopSec in ms. */
  timeoutStopMs: number;
  /** How long to wait for in-flight tasks. */
  drainMs: number;
  /** Abort grace. */
  abortGraceMs: number;
  /** Cleanup time. */
  cleanupMs: number;
  /** Safety margin. */
  marginMs: number;
  /** The total the stop must never pass (plain: T; extend: the hard cap). */
  capMs: number;
  /** Extend mode: the interval between extensions (also reported in plain mode). */
  sliceMs: number;
}

/** Plan the drain: plain drains min(D, T-A-C-M); extend drains up to maxDrain under the hard cap. */
export function planDrain(b: BudgetInput, timeoutStopMs: number): DrainPlan {
  const base = { timeoutStopMs, abortGraceMs: b.abortGraceMs, cleanupMs: b.cleanupMs, marginMs: b.marginMs, sliceMs: EXTEND_SLICE_MS };
  // A TimeoutStopSec longer than the hard cap already gives that much time without extensions.
  if (b.extend) return { ...base, mode: 'extend', drainMs: Math.max(b.maxDrainMs, timeoutStopMs === Infinity ? 0 : timeoutStopMs - tailMs(b)), capMs: Math.max(hardCapMs(b), timeoutStopMs) };
  const room = timeoutStopMs === Infinity ? b.drainMs : timeoutStopMs - tailMs(b);
  return { ...base, mode: 'plain', drainMs: Math.max(0, Math.min(b.drainMs, room)), capMs: timeoutStopMs };
}
