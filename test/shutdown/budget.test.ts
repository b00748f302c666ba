// The drain budget: plain and extend rules, derived TimeoutStopSec, the user cap and the runtime plan.
import { describe, expect, it } from 'vitest';
import {
  budgetFromConfig,
  checkBudget,
  EXTEND_MIN_TIMEOUT_STOP_MS,
  EXTEND_STALL_MS,
  hardCapMs,
  planDrain,
  requiredTimeoutStopMs,
  resolveTimeoutStopMs,
  type BudgetInput,
} from '../../src/shutdown/budget.js';
import { defaultConfig } from '../../src/config/defaults.js';

const plain: BudgetInput = { drainMs: 60_000, abortGraceMs: 5_000, cleanupMs: 5_000, marginMs: 5_000, extend: false, maxDrainMs: 600_000 };
const extend: BudgetInput = { ...plain, extend: true };
const rules = (b: BudgetInput, t: number, scope: 'user' | 'system' = 'system') =>
  checkBudget(b, t, scope).map((f) => `${f.severity}:${f.rule}`);

describe('budget', () => {
  it('reads the config shutdown section', () => {
    expect(budgetFromConfig(defaultConfig('/usr/bin/node').shutdown)).toEqual(plain);
  });

  it('plain: D+A+C+M must fit T', () => {
    expect(requiredTimeoutStopMs(plain)).toBe(75_000);
    expect(rules(plain, 75_000)).toEqual([]);
    expect(rules(plain, 74_999)).toEqual(['error:budget.plain']);
  });

  it('rejects infinity and 0 in both modes', () => {
    for (const b of [plain, extend]) {
      expect(rules(b, Infinity)).toEqual(['error:timeout.infinity']);
      expect(rules(b, 0)).toEqual(['error:timeout.zero']);
    }
  });

  it('extend: T=3s is valid, T must leave room for the first extension', () => {
    expect(rules(extend, 3_000)).toEqual([]);
    expect(rules(extend, 2_000)).toEqual(['error:budget.extend-first']);
    expect(requiredTimeoutStopMs(extend)).toBe(EXTEND_MIN_TIMEOUT_STOP_MS);
    expect(requiredTimeoutStopMs(extend)).toBeGreaterThanOrEqual(2_000);
  });

  it('extend: the hard cap is max_drain + A + C + M; plain: D + A + C + M', () => {
    expect(hardCapMs(extend)).toBe(615_000);
    expect(hardCapMs(plain)).toBe(75_000);
    expect(rules({ ...extend, maxDrainMs: 1_000 }, 3_000)).toEqual(['warning:budget.extend-cap']);
  });

  it('warns a user unit over 120 s, and an extend cap over 120 s', () => {
    expect(rules(plain, 121_000, 'user')).toEqual(['warning:timeout.user-cap']);
    expect(rules(plain, 120_000, 'user')).toEqual([]);
    expect(rules(plain, 121_000, 'system')).toEqual([]);
    expect(rules(extend, 3_000, 'user')).toEqual(['warning:timeout.user-cap']);
    expect(rules({ ...extend, maxDrainMs: 60_000 }, 3_000, 'user')).toEqual([]);
  });

  it('resolves T from config or derives it, rounded up to whole seconds', () => {
    expect(resolveTimeoutStopMs(plain, null)).toBe(75_000);
    expect(resolveTimeoutStopMs({ ...plain, marginMs: 5_001 }, null)).toBe(76_000);
    expect(resolveTimeoutStopMs(plain, '2min')).toBe(120_000);
    expect(resolveTimeoutStopMs(plain, 30)).toBe(30_000);
    expect(resolveTimeoutStopMs(plain, 'infinity')).toBe(Infinity);
    expect(resolveTimeoutStopMs(extend, null)).toBe(3_000);
  });

  it('plans a plain drain as min(D, T-A-C-M)', () => {
    expect(planDrain(plain, 90_000)).toMatchObject({ mode: 'plain', drainMs: 60_000, capMs: 90_000 });
    expect(planDrain(plain, 40_000)).toMatchObject({ mode: 'plain', drainMs: 25_000 });
    expect(planDrain(plain, 10_000).drainMs).toBe(0);
  });

  it('plans an extend drain up to max_drain under the hard cap', () => {
    expect(planDrain(extend, 3_000)).toEqual({
      mode: 'extend',
      timeoutStopMs: 3_000,
      drainMs: 600_000,
      abortGraceMs: 5_000,
      cleanupMs: 5_000,
      marginMs: 5_000,
      capMs: 615_000,
      tailMs: 15_000,
      stallMs: EXTEND_STALL_MS,
      sliceMs: 15_000 + EXTEND_STALL_MS,
    });
  });

  it('extend with a TimeoutStopSec longer than the hard cap: the cap becomes T (the extender needs cap >= T)', () => {
    const small: BudgetInput = { ...extend, maxDrainMs: 3_000, abortGraceMs: 500, cleanupMs: 1_000, marginMs: 500 };
    expect(planDrain(small, 60_000)).toMatchObject({ mode: 'extend', capMs: 60_000, drainMs: 58_000 });
  });
});
