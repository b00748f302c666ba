/**
 * The validator for the socket/service pair of socket activation: the [Socket] rules over the
 * .socket file (./rules/socket.ts), and on the .service side whether it requires its socket.
 */
import { parseUnit, sectionLine, listValues } from './file.js';
import { syntaxRule } from './rules/syntax.js';
import { SOCKET_RULES } from './rules/socket.js';
import type { UnitFinding } from './rules/types.js';
import { sortFindings } from './validate-text.js';
import type { VerifyResult } from './analyze.js';
import type { UnitCheckReport } from './check-file.js';

/** Options for {@link validateSocketText}. */
export interface ValidateSocketOptions {
  /** The socket unit's file name (`x.socket`). */
  socketFile: string;
  /** The service unit it must activate, or null when unknown. */
  serviceFile: string | null;
  /** The config's `service.host:port`, or null when no config was given. */
  listen: { host: string; port: number } | null;
}

/** Validate the text of a .socket unit; findings are sorted by line, errors first on a line. */
export function validateSocketText(text: string, options: ValidateSocketOptions): UnitFinding[] {
  const unit = parseUnit(text);
  const fallbackLine = sectionLine(unit, 'Socket') ?? 1;
  const syntax = syntaxRule({ unit, scope: 'user', budget: null, fallbackLine });
  return sortFindings([...syntax, ...SOCKET_RULES.flatMap((rule) => rule({ ...options, unit, fallbackLine }))]);
}

/**
 * The .service side of the pair: without Requires= (or BindsTo=) on its socket, starting the
 * service alone binds the port itself, and the socket then cannot (a warning). After= is implied:
 * a socket unit is ordered Before= the service it activates (systemd.socket(5)).
 */
export function validateServiceForSocket(text: string, socketFile: string): UnitFinding[] {
  const unit = parseUnit(text);
  const line = sectionLine(unit, 'Unit') ?? 1;
  const names = (key: string) => listValues(unit, 'Unit', key).flatMap((e) => e.value.split(/\s+/));
  const out: UnitFinding[] = [];
  if (![...names('Requires'), ...names('BindsTo')].includes(socketFile))
    out.push({
      rule: 'socket.not-required',
      severity: 'warning',
      line,
      message: `${socketFile} sits beside this service, but [Unit] has no Requires=${socketFile}: starting the service alone does not start the socket`,
    });
  return out;
}

/** Inputs to {@link checkSocketFile}. */
export interface CheckSocketOptions extends ValidateSocketOptions {
  /** The path findings are reported against. */
  file: string;
  /** The socket unit text. */
  text: string;
  /** `systemd-analyze verify` of the file, or null to skip it. */
  verify: Promise<VerifyResult> | null;
}

/** Validate a .socket file with the socket rules and, when given, `systemd-analyze verify`. */
export async function checkSocketFile(o: CheckSocketOptions): Promise<UnitCheckReport> {
  const findings = validateSocketText(o.text, o);
  const notes = o.listen === null ? ['socket: ListenStream= not checked against service.host:port (no config)'] : [];
  if (o.verify === null) return { file: o.file, findings, exposure: null, notes: [...notes, 'systemd-analyze: skipped (--no-analyze)'] };
  const verify = await o.verify;
  if (!verify.available) return { file: o.file, findings, exposure: null, notes: [...notes, `systemd-analyze verify: ${verify.reason}`] };
  const line = sectionLine(parseUnit(o.text), 'Socket') ?? 1;
  const taken = new Set(findings.map((f) => f.line));
  const extra = verify.messages
    .filter((m) => m.line === null || !taken.has(m.line))
    .map((m): UnitFinding => ({
      rule: 'analyze.verify',
      severity: verify.exitCode === 0 ? 'warning' : 'error',
      line: m.line ?? line,
      message: `systemd-analyze verify: ${m.message}`,
    }));
  const ran = `systemd-analyze verify: ${verify.exitCode === 0 ? 'ran' : `exit ${verify.exitCode}`}, ${verify.messages.length} message(s)`;
  return { file: o.file, findings: sortFindings([...findings, ...extra]), exposure: null, notes: [...notes, ran] };
}
