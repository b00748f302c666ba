/**
 * The drain budget: the ONE place its math lives. Both the validator (is this unit's
 * TimeoutStopSec big enough?) and the runtime drain (how long may I wait?) call it.
 * See docs/architecture.md "The drain budget" and systemd.service(5) TimeoutStopSec=, EXTEND_TIMEOUT_USEC in sd_notify(3).
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
 * Extend mode: the smallest TimeoutStopSec that works. The first EXTEND_TIMEOUT_USEC is sent
 * as soon as the stop begins; T must outlast the signal's delivery, the first extension's
 * arrival and the extender's first renewal tick (a third of T).
 */
export const EXTEND_MIN_TIMEOUT_STOP_MS = 3000;

/**
 * Extend mode: a drain counts as progressing while some task settled or wrote output within
 * this window. The first window starts with the stop, so the first extension is unconditional.
 */
export const EXTEND_STALL_MS = 10_000;

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

/** A + C + M: what every stop needs after the drain itself (abort grace, cleanup, margin). */
export function tailMs(b: Pick<BudgetInput, 'abortGraceMs' | 'cleanupMs' | 'marginMs'>): number {
  return b.abortGraceMs + b.cleanupMs + b.marginMs;
}

/** The smallest TimeoutStopSec that fits: plain D+A+C+M; extend: {@link EXTEND_MIN_TIMEOUT_STOP_MS}. */
export function requiredTimeoutStopMs(b: BudgetInput): number {
  return b.extend ? EXTEND_MIN_TIMEOUT_STOP_MS : b.drainMs + tailMs(b);
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
  if (timeoutStopMs === Infinity)
    return [
      { rule: 'timeout.infinity', severity: 'error', message: 'TimeoutStopSec=infinity: a hung drain is never killed; set a finite value' },
    ];
  if (timeoutStopMs <= 0)
    return [
      {
        rule: 'timeout.zero',
        severity: 'error',
        message: 'TimeoutStopSec=0 disables the stop timeout (it means infinity); set a finite value',
      },
    ];
  const findings: BudgetFinding[] = [];
  const required = requiredTimeoutStopMs(b);
  if (!b.extend && required > timeoutStopMs) {
    findings.push({
      rule: 'budget.plain',
      severity: 'error',
      message: `drain_ms ${b.drainMs} + abort_grace_ms ${b.abortGraceMs} + cleanup_ms ${b.cleanupMs} + margin_ms ${b.marginMs} = ${required} ms does not fit TimeoutStopSec=${ms(timeoutStopMs)}; raise TimeoutStopSec to at least ${ms(Math.ceil(required / 1000) * 1000)} or lower drain_ms`,
    });
  }
  if (b.extend && required > timeoutStopMs) {
    findings.push({
      rule: 'budget.extend-first',
      severity: 'error',
      message: `extend mode: TimeoutStopSec=${ms(timeoutStopMs)} leaves no room for the first EXTEND_TIMEOUT_USEC to arrive; use at least ${ms(required)}`,
    });
  }
  if (b.extend && b.maxDrainMs < b.drainMs) {
    findings.push({
      rule: 'budget.extend-cap',
      severity: 'warning',
      message: `extend mode: max_drain_ms ${b.maxDrainMs} is below drain_ms ${b.drainMs}; the hard cap cuts the drain short`,
    });
  }
  const longest = b.extend ? Math.max(timeoutStopMs, hardCapMs(b)) : timeoutStopMs;
  if (scope === 'user' && longest > USER_MANAGER_STOP_CAP_MS) {
    findings.push({
      rule: 'timeout.user-cap',
      severity: 'warning',
      message: `a --user unit may stop for ${ms(longest)}, but user@.service kills it after 120s at logout or shutdown`,
    });
  }
  return findings;
}

/** What the runtime drain uses: every derived figure, computed once by {@link planDrain}. */
export interface DrainPlan {
  /** Plain: bounded by TimeoutStopSec. Extend: bounded by the hard cap, held off by extensions. */
  mode: 'plain' | 'extend';
  /** T: TimeoutStopSec in ms. */
  timeoutStopMs: number;
  /** How long to wait for in-flight tasks (plain: min(D, T - tail); extend: up to max_drain_ms). */
  drainMs: number;
  /** A: abort grace. */
  abortGraceMs: number;
  /** C: cleanup time. */
  cleanupMs: number;
  /** M: safety margin. */
  marginMs: number;
  /** A + C + M: what the stop needs after the drain ends. */
  tailMs: number;
  /** The total the stop must never pass (plain: T; extend: the hard cap). */
  capMs: number;
  /** Extend mode: a drain with no settle and no output for this long has stalled and gets no more extensions. */
  stallMs: number;
  /**
   * Extend mode: the length of each EXTEND_TIMEOUT_USEC, tail + stall window: a drain that
   * stalls right after an extension is still noticed and aborted with its whole tail left.
   */
  sliceMs: number;
}

/** Plan the drain: plain drains min(D, T-A-C-M); extend drains up to maxDrain under the hard cap. */
export function planDrain(b: BudgetInput, timeoutStopMs: number): DrainPlan {
  const tail = tailMs(b);
  const base = {
    timeoutStopMs,
    abortGraceMs: b.abortGraceMs,
    cleanupMs: b.cleanupMs,
    marginMs: b.marginMs,
    tailMs: tail,
    stallMs: EXTEND_STALL_MS,
    sliceMs: tail + EXTEND_STALL_MS,
  };
  // A TimeoutStopSec longer than the hard cap already gives that much time without extensions.
  if (b.extend)
    return {
      ...base,
      mode: 'extend',
      drainMs: Math.max(b.maxDrainMs, timeoutStopMs === Infinity ? 0 : timeoutStopMs - tail),
      capMs: Math.max(hardCapMs(b), timeoutStopMs),
    };
  const room = timeoutStopMs === Infinity ? b.drainMs : timeoutStopMs - tail;
  return { ...base, mode: 'plain', drainMs: Math.max(0, Math.min(b.drainMs, room)), capMs: timeoutStopMs };
}

/** Plan the drain straight from a config: its `shutdown` inputs and its resolved TimeoutStopSec. */
export function planDrainFromConfig(config: Pick<Config, 'shutdown' | 'unit'>): DrainPlan {
  const input = budgetFromConfig(config.shutdown);
  return planDrain(input, resolveTimeoutStopMs(input, config.unit.timeout_stop_sec));
}
