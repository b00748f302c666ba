/**
 * Check one unit file: the pure rules of ./validate-text.ts, then `systemd-analyze verify`
 * (its messages become findings) and `security --offline=yes` (the exposure score), each
 * reported as unavailable when it cannot run.
 */
import type { BudgetInput } from '../../shutdown/budget.js';
import { parseUnit, sectionLine } from './file.js';
import { sortFindings, validateUnitText, type UnitFinding } from './validate-text.js';
import type { UnitAnalysis } from './analyze.js';

export { startAnalysis, type UnitAnalysis } from './analyze.js';

/** Inputs to {@link checkUnitFile}. */
export interface CheckUnitOptions {
  /** The path the findings are reported against (and that systemd-analyze reads). */
  file: string;
  /** The unit text. */
  text: string;
  /** user or system manager. */
  scope: 'user' | 'system';
  /** The config's drain budget, or null. */
  budget: BudgetInput | null;
  /** The systemd-analyze results from `startAnalysis`, or null to skip them (rules only). */
  analysis: Promise<UnitAnalysis> | null;
}

/** The whole verdict on one unit file. */
export interface UnitCheckReport {
  /** The file checked. */
  file: string;
  /** Findings, sorted by line. */
  findings: UnitFinding[];
  /** `systemd-analyze security --offline=yes` exposure, or null when unavailable. */
  exposure: number | null;
  /** What ran and what could not (e.g. "systemd-analyze verify: unavailable: ..."). */
  notes: string[];
}

/** Validate a unit file with the rules and, when given, the systemd-analyze results. */
export async function checkUnitFile(o: CheckUnitOptions): Promise<UnitCheckReport> {
  const findings = validateUnitText(o.text, { scope: o.scope, budget: o.budget });
  const notes: string[] = o.budget === null ? ['budget: not checked (no config file: pass --config)'] : [];
  if (o.analysis === null) return { file: o.file, findings, exposure: null, notes: [...notes, 'systemd-analyze: skipped (--no-analyze)'] };
  const { verify, security } = await o.analysis;
  if (verify.available) {
    findings.push(...verifyFindings(o.text, findings, verify.messages, verify.exitCode));
    notes.push(
      `systemd-analyze verify: ${verify.exitCode === 0 ? 'ran' : `exit ${verify.exitCode}`}, ${verify.messages.length} message(s)`,
    );
  } else notes.push(`systemd-analyze verify: ${verify.reason}`);
  notes.push(
    security.available
      ? `systemd-analyze security --offline=yes: exposure ${security.exposure}`
      : `systemd-analyze security: ${security.reason}`,
  );
  return { file: o.file, findings: sortFindings(findings), exposure: security.available ? security.exposure : null, notes };
}

// verify's messages as findings; a line already reported by a rule is not reported twice.
function verifyFindings(
  text: string,
  own: readonly UnitFinding[],
  messages: readonly { line: number | null; message: string }[],
  exitCode: number,
): UnitFinding[] {
  const fallback = sectionLine(parseUnit(text), 'Service') ?? 1;
  const taken = new Set(own.map((f) => f.line));
  return messages
    .filter((m) => m.line === null || !taken.has(m.line))
    .map(
      (m) =>
        ({
          rule: 'analyze.verify',
          severity: exitCode === 0 ? 'warning' : 'error',
          line: m.line ?? fallback,
          message: `systemd-analyze verify: ${m.message}`,
        }) as const,
    );
}
