/**
 * Escaping config-derived strings into unit-file values so that none can inject a line,
 * a section or a key (systemd.syntax(7), systemd.service(5) "Command lines", systemd.unit(5)
 * "Specifiers"). Anything that cannot be escaped (newlines, control characters) is rejected
 * with `hooks.unit.unsafe_value` (exit 78).
 */
import { ExitCode, HooksError } from '../../errors.js';

// True when the text holds a C0 control other than TAB, or DEL: never allowed in a unit value.
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** Throw `hooks.unit.unsafe_value` (exit 78) when `value` holds a newline or another control character. */
export function assertSafeValue(what: string, value: string): string {
  if (hasControl(value)) {
    throw new HooksError(
      'hooks.unit.unsafe_value',
      `Expected \`${what}\` to hold no newline or control character, got ${JSON.stringify(value)}`,
      { exitCode: ExitCode.config, details: { option: what } },
    );
  }
  return value;
}

/** Escape `%` as `%%` so systemd does not expand specifiers. */
export function escapeSpecifiers(value: string): string {
  return value.replace(/%/g, '%%');
}

// Characters that need no quoting in an Exec argument (after % and $ are doubled).
const PLAIN_ARG = /^[A-Za-z0-9_@+=:,./%$-]+$/;

/** Quote one Exec*= argument: `%`→`%%`, `$`→`$$`, `\` and `"` backslash-escaped, double quotes when needed. */
export function quoteExecArg(what: string, value: string): string {
  assertSafeValue(what, value);
  const escaped = value.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (value !== '' && PLAIN_ARG.test(escaped) && value !== ';') return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Build an Exec*= command line from argv; argv[0] must be an absolute path. */
export function formatExecLine(what: string, argv: readonly string[]): string {
  const program = argv[0];
  if (program === undefined || !program.startsWith('/')) {
    throw new HooksError(
      'hooks.unit.unsafe_value',
      `Expected \`${what}\` to start with an absolute program path, got ${JSON.stringify(program ?? '')}`,
      { exitCode: ExitCode.config, details: { option: what } },
    );
  }
  return argv.map((a, i) => quoteExecArg(i === 0 ? what : `${what} argument ${i}`, a)).join(' ');
}

/** One `Environment=` value: `"KEY=value"` with `\`, `"` escaped and `%` doubled (no `$` expansion happens there). */
export function quoteEnvironment(key: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    throw new HooksError('hooks.unit.unsafe_value', `Expected environment name ${JSON.stringify(key)} to match [A-Za-z_][A-Za-z0-9_]*`, {
      exitCode: ExitCode.config,
      details: { option: key },
    });
  }
  assertSafeValue(`env ${key}`, value);
  return `"${escapeSpecifiers(`${key}=${value}`).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A single absolute path value (WorkingDirectory=, ...): `%` doubled; quotes, backslashes and edge spaces rejected. */
export function quotePath(what: string, value: string): string {
  assertSafeValue(what, value);
  if (!value.startsWith('/') || /["'\\]/.test(value) || value.trim() !== value) {
    throw new HooksError(
      'hooks.unit.unsafe_value',
      `Expected \`${what}\` to be an absolute path without quotes, backslashes or edge spaces, got ${JSON.stringify(value)}`,
      { exitCode: ExitCode.config, details: { option: what } },
    );
  }
  return escapeSpecifiers(value);
}

/** One entry of a space-separated path list (ReadWritePaths=): like {@link quotePath}, double-quoted when it holds a space. */
export function quotePathListItem(what: string, value: string): string {
  const path = quotePath(what, value);
  return /\s/.test(path) ? `"${path}"` : path;
}
