/** The `validate-unit` action: read the unit (and config), check it, print findings and set the exit code. */
import { escapeControl } from '../../escape.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode, HooksError } from '../../errors.js';
import { describeReadError, readRegularFile } from '../../read-file.js';
import { defaultConfig } from '../../config/defaults.js';
import { budgetFromConfig } from '../../shutdown/budget.js';
import type { UnitAnalysis } from '../../systemd/unit/analyze.js';
import { checkUnitFile, type UnitCheckReport } from '../../systemd/unit/check-file.js';
import { parseUnit } from '../../systemd/unit/file.js';
import { sandboxFindings } from '../../systemd/unit/rules/sandbox.js';
import { sortFindings } from '../../systemd/unit/validate-text.js';
import type { CliContext } from '../context.js';
import { loadCliConfig } from '../config-option.js';
import { printJson, printLines } from '../output.js';
import type { ValidateUnitFlags } from './validate-unit.js';

/** Read a unit file or throw `hooks.unit.unreadable` (exit 78). */
export function readUnit(path: string): string {
  try {
    return readRegularFile(path);
  } catch (error) {
    throw new HooksError('hooks.unit.unreadable', `Cannot read unit ${path}: ${describeReadError(error)}`, {
      exitCode: ExitCode.config,
      cause: error,
      details: { file: path },
    });
  }
}

/** Run `validate-unit FILE`; `analysis` was started by the command as early as possible (null: --no-analyze). */
export async function runValidateUnit(
  ctx: CliContext,
  file: string,
  flags: ValidateUnitFlags,
  analysis: Promise<UnitAnalysis> | null,
): Promise<void> {
  const path = resolve(ctx.runtime.cwd, file);
  const text = readUnit(path);
  const scope = flags.system ? 'system' : 'user';
  // Without a config file the budget is the built-in defaults' (what `hooksctl serve` would run with),
  // taken as they are: loading the config machinery (zod) for them would cost ~90 ms of start-up.
  const loaded = hasConfig(ctx, flags.config) ? await loadCliConfig(ctx, flags.config) : null;
  const shutdown = loaded === null ? defaultConfig(ctx.execPath).shutdown : loaded.config.shutdown;
  const source = loaded?.path ?? null;
  const checked = await checkUnitFile({ file: path, text, scope, budget: budgetFromConfig(shutdown), analysis });
  const sandbox = loaded === null ? [] : sandboxFindings(parseUnit(text), loaded.config);
  const report = { ...checked, findings: sortFindings([...checked.findings, ...sandbox]), notes: [budgetNote(source), ...checked.notes] };
  const config = { source: source ?? 'defaults' };
  const ok = passes(report, flags.strict === true);
  if (flags.json)
    printJson(ctx.runtime.stdout, {
      file: path,
      ok,
      config,
      findings: report.findings.map(({ rule, severity, line, message }) => ({ rule, severity, line, message })),
      exposure: report.exposure,
      notes: report.notes,
    });
  else printReport(ctx, file, report, ok);
  ctx.setExitCode(ok ? ExitCode.ok : ExitCode.checkFailed);
}

/** True when a config file is named (--config, $HOOKS_CONFIG) or ./config/agents.json exists (the lookup of config/load.ts). */
export function hasConfig(ctx: CliContext, flag: string | undefined): boolean {
  const env = ctx.runtime.env['HOOKS_CONFIG'];
  return flag !== undefined || (env !== undefined && env !== '') || existsSync(resolve(ctx.runtime.cwd, 'config/agents.json'));
}

/** The note that says which config the drain budget came from. */
export function budgetNote(configPath: string | null): string {
  return configPath === null
    ? 'budget: checked against the built-in defaults (no --config, $HOOKS_CONFIG or ./config/agents.json)'
    : `budget: checked against ${configPath}`;
}

/** True when the report passes: no errors, and with strict no warnings either. */
export function passes(report: UnitCheckReport, strict: boolean): boolean {
  return !report.findings.some((f) => f.severity === 'error' || strict);
}

// One line per finding, then the summary and the notes.
function printReport(ctx: CliContext, file: string, report: UnitCheckReport, ok: boolean): void {
  printLines(
    ctx.runtime.stdout,
    report.findings.map((f) => `${file}:${f.line}: ${f.severity} [${f.rule}] ${escapeControl(f.message)}`),
  );
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.length - errors;
  const exposure = report.exposure === null ? '' : `, exposure ${report.exposure}`;
  printLines(ctx.runtime.stdout, [
    `${file}: ${ok ? 'ok' : 'FAILED'}: ${errors} error(s), ${warnings} warning(s)${exposure}`,
    ...report.notes.map((n) => `  note: ${escapeControl(n)}`),
  ]);
}
