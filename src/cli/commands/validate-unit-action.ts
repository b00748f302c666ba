/** The `validate-unit` action: read the unit (and config), check it, print findings and set the exit code. */
import { escapeControl } from '../../escape.js';
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ExitCode, HooksError } from '../../errors.js';
import { describeReadError, readRegularFile, type ReadOptions } from '../../read-file.js';
import { defaultConfig } from '../../config/defaults.js';
import { budgetFromConfig } from '../../shutdown/budget.js';
import { analyzeVerify, type UnitAnalysis } from '../../systemd/unit/analyze.js';
import { checkSocketFile, validateServiceForSocket } from '../../systemd/unit/validate-socket.js';
import { checkUnitFile, type UnitCheckReport } from '../../systemd/unit/check-file.js';
import { parseUnit } from '../../systemd/unit/file.js';
import { sandboxFindings } from '../../systemd/unit/rules/sandbox.js';
import { sortFindings, type UnitFinding } from '../../systemd/unit/validate-text.js';
import type { CliContext } from '../context.js';
import { loadCliConfig } from '../config-option.js';
import { printJson, printLines } from '../output.js';
import type { ValidateUnitFlags } from './validate-unit.js';

/** Read a unit file or throw `hooks.unit.unreadable` (exit 78). */
export function readUnit(path: string, options: ReadOptions = {}): string {
  try {
    return readRegularFile(path, options);
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
  const scope: 'user' | 'system' = flags.system ? 'system' : 'user';
  // Without a config file the budget is the built-in defaults' (what `hooksctl serve` would run with),
  // taken as they are: loading the config machinery (zod) for them would cost ~90 ms of start-up.
  const loaded = hasConfig(ctx, flags.config) ? await loadCliConfig(ctx, flags.config) : null;
  const { shutdown, service } = loaded === null ? defaultConfig(ctx.execPath) : loaded.config;
  const source = loaded?.path ?? null;
  const sandbox = loaded === null ? [] : sandboxFindings(parseUnit(text), loaded.config);
  const config = { source: source ?? 'defaults' };
  const pair = { scope, listen: { host: service.host, port: service.port }, analyze: analysis !== null };
  const reports = path.endsWith('.socket')
    ? [await checkSocketAt(path, file, text, pair, analysis)]
    : withSocketSide(
        await checkServiceAt(path, file, text, scope, budgetFromConfig(shutdown), analysis, source, sandbox),
        await checkSiblingSocket(ctx, path, file, pair),
        text,
      );
  const strict = flags.strict === true;
  const ok = reports.every((r) => passes(r.report, strict));
  if (flags.json) {
    const [first, ...rest] = reports.map((r) => ({
      file: r.path,
      ok: passes(r.report, strict),
      findings: r.report.findings.map(({ rule, severity, line, message }) => ({ rule, severity, line, message })),
      exposure: r.report.exposure,
      notes: r.report.notes,
    }));
    printJson(ctx.runtime.stdout, { ...first, ok, config, socket: rest[0] ?? null });
  } else for (const r of reports) printReport(ctx, r.shown, r.report, passes(r.report, strict));
  ctx.setExitCode(ok ? ExitCode.ok : ExitCode.checkFailed);
}

/** One checked file: its path, the name it is shown under, and its report. */
interface CheckedFile {
  path: string;
  shown: string;
  report: UnitCheckReport;
}

/** What the socket checks need: the scope, the config's host:port, whether systemd-analyze runs. */
interface PairOptions {
  scope: 'user' | 'system';
  listen: { host: string; port: number };
  analyze: boolean;
}

// The .service file with the unit rules and the budget.
async function checkServiceAt(
  path: string,
  shown: string,
  text: string,
  scope: 'user' | 'system',
  budget: ReturnType<typeof budgetFromConfig>,
  analysis: Promise<UnitAnalysis> | null,
  source: string | null,
  sandbox: readonly UnitFinding[],
): Promise<CheckedFile> {
  const checked = await checkUnitFile({ file: path, text, scope, budget, analysis });
  return {
    path,
    shown,
    report: { ...checked, findings: sortFindings([...checked.findings, ...sandbox]), notes: [budgetNote(source), ...checked.notes] },
  };
}

// A .socket given directly: the socket rules against the service of the same name.
async function checkSocketAt(
  path: string,
  shown: string,
  text: string,
  o: PairOptions,
  analysis: Promise<UnitAnalysis> | null,
): Promise<CheckedFile> {
  const socketFile = basename(path);
  const report = await checkSocketFile({
    file: path,
    text,
    socketFile,
    serviceFile: socketFile.replace(/\.socket$/, '.service'),
    listen: o.listen,
    verify: analysis === null ? null : analysis.then((a) => a.verify),
  });
  return { path, shown, report };
}

// The sibling `<name>.socket` of a .service, when there is one: both sides of the pair are checked.
// It is shown as the service was named (`shownService`, as given), with .socket for .service.
async function checkSiblingSocket(ctx: CliContext, servicePath: string, shownService: string, o: PairOptions): Promise<CheckedFile | null> {
  const socketPath = servicePath.replace(/\.service$/, '.socket');
  if (socketPath === servicePath || !existsSync(socketPath)) return null;
  const socketFile = basename(socketPath);
  const report = await checkSocketFile({
    file: socketPath,
    // Found, not named: a fifo there is refused rather than waited on.
    text: readUnit(socketPath, { pipes: false }),
    socketFile,
    serviceFile: basename(servicePath),
    listen: o.listen,
    verify: o.analyze ? analyzeVerify(socketPath, { scope: o.scope, env: ctx.runtime.env }) : null,
  });
  return {
    path: socketPath,
    shown: shownService.replace(/\.service$/, '.socket'),
    report: { ...report, notes: ['checked as the socket of the service beside it', ...report.notes] },
  };
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

// The service's report with what pairing it with `socket` asks of the service itself (Requires=,
// at the service's own line), and the socket's report after it; the service alone when there is no socket.
function withSocketSide(service: CheckedFile, socket: CheckedFile | null, serviceText: string): CheckedFile[] {
  if (socket === null) return [service];
  const side = validateServiceForSocket(serviceText, basename(socket.path));
  return [{ ...service, report: { ...service.report, findings: sortFindings([...service.report.findings, ...side]) } }, socket];
}
