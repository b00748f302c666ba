/** [Service] rules: a missing ExecStart, Type=notify with NotifyAccess=none, and the kill mode. */
import { lastValue, listValues } from '../file.js';
import { execArgv, hooksctlVerb } from './exec-kind.js';
import type { RuleContext, UnitFinding, UnitRule } from './types.js';

/** True when the unit runs `hooksctl serve` (or a config was given): a draining service. */
export function isDraining(ctx: RuleContext): boolean {
  if (ctx.budget !== null) return true;
  return listValues(ctx.unit, 'Service', 'ExecStart').some((e) => hooksctlVerb(execArgv(e.value) ?? []) === 'serve');
}

/** Error when no ExecStart= is left (none, or reset by an empty assignment). */
export const execStartRule: UnitRule = ({ unit, fallbackLine }) => {
  if (listValues(unit, 'Service', 'ExecStart').length > 0) return [];
  const reset = lastValue(unit, 'Service', 'ExecStart');
  return [
    {
      rule: 'exec.missing',
      severity: 'error',
      line: reset?.line ?? fallbackLine,
      message: reset
        ? 'ExecStart= is reset by an empty assignment and never set again'
        : 'No ExecStart= in [Service]: the service has nothing to run',
    },
  ];
};

/** Error when Type=notify (or notify-reload) meets NotifyAccess=none: READY=1 can never arrive. */
export const notifyRule: UnitRule = ({ unit }) => {
  const type = lastValue(unit, 'Service', 'Type');
  const access = lastValue(unit, 'Service', 'NotifyAccess');
  if ((type?.value !== 'notify' && type?.value !== 'notify-reload') || access?.value !== 'none') return [];
  return [
    {
      rule: 'notify.access-none',
      severity: 'error',
      line: access.line,
      message: `Type=${type.value} with NotifyAccess=none: systemd drops READY=1, so the start always times out; use NotifyAccess=main (or omit it)`,
    },
  ];
};

/** Warn on KillMode=control-group (nothing left to drain) and process/none (orphans survive). */
export const killModeRule: UnitRule = (ctx) => {
  const set = lastValue(ctx.unit, 'Service', 'KillMode');
  const mode = set?.value || 'control-group';
  const line = set?.line ?? ctx.fallbackLine;
  const out: UnitFinding[] = [];
  if (mode === 'control-group' && isDraining(ctx)) {
    out.push({
      rule: 'killmode.control-group',
      severity: 'warning',
      line,
      message: `KillMode=control-group${set ? '' : ' (the default)'} SIGTERMs every task child together with the main process, so the drain has nothing left to wait for; use KillMode=mixed`,
    });
  }
  if (mode === 'process' || mode === 'none') {
    out.push({
      rule: 'killmode.orphans',
      severity: 'warning',
      line,
      message: `KillMode=${mode} leaves child processes running after the stop (orphans survive); use KillMode=mixed`,
    });
  }
  return out;
};

/** Warn when WatchdogSec= is set but ExecStart is not hooksctl, which is known to ping WATCHDOG=1. */
export const watchdogRule: UnitRule = ({ unit }) => {
  const wd = lastValue(unit, 'Service', 'WatchdogSec');
  if (wd === undefined || wd.value === '' || wd.value === '0' || wd.value === 'infinity') return [];
  const starts = listValues(unit, 'Service', 'ExecStart');
  if (starts.some((e) => hooksctlVerb(execArgv(e.value) ?? []) === 'serve')) return [];
  return [
    {
      rule: 'watchdog.not-hooksctl',
      severity: 'warning',
      line: wd.line,
      message: `WatchdogSec=${wd.value} on a unit whose ExecStart is not \`hooksctl serve\`: nothing here is known to send WATCHDOG=1, so systemd may kill a healthy service`,
    },
  ];
};
