/** Syntax rules: unreadable lines, assignments outside a section, broken Exec quoting, bad time spans. */
import { parseExecLine } from '../exec-line.js';
import { parseTimespan } from '../../timespan.js';
import type { UnitFinding, UnitRule } from './types.js';

/** systemd's longest unit-file line (LONG_LINE_MAX, 1 MiB). */
const LINE_MAX = 1024 * 1024;

const TIMESPAN_KEYS = new Set([
  'TimeoutStopSec',
  'TimeoutStartSec',
  'TimeoutSec',
  'WatchdogSec',
  'RestartSec',
  'TimeoutAbortSec',
  'RuntimeMaxSec',
]);

/** Report every line systemd could not read, or would read wrongly. */
export const syntaxRule: UnitRule = ({ unit }) => {
  const out: UnitFinding[] = [];
  for (const e of unit.entries) {
    if (e.kind === 'invalid') out.push({ rule: 'syntax.invalid-line', severity: 'error', line: e.line, message: e.reason });
    if (e.kind !== 'assignment') continue;
    if (e.key.includes('\0') || e.value.includes('\0')) {
      out.push({
        rule: 'syntax.nul',
        severity: 'error',
        line: e.line,
        message: `\`${e.key.split('\0')[0]}=\` holds a NUL byte: systemd ends the line there and reads the rest as another line, which this validator would not see`,
      });
      continue;
    }
    if (e.value.length > LINE_MAX) {
      out.push({
        rule: 'syntax.too-long',
        severity: 'error',
        line: e.line,
        message: `\`${e.key}=\` is ${e.value.length} characters long; systemd refuses lines over ${LINE_MAX}`,
      });
      continue;
    }
    if (e.section === null) {
      out.push({
        rule: 'syntax.no-section',
        severity: 'error',
        line: e.line,
        message: `\`${e.key}=\` appears before any [Section] header`,
      });
      continue;
    }
    if (e.key.startsWith('Exec') && e.value !== '') {
      const parsed = parseExecLine(e.value);
      if ('error' in parsed)
        out.push({
          rule: 'syntax.exec',
          severity: 'error',
          line: e.line,
          message: `\`${e.key}=\` cannot be split into words: ${parsed.error}`,
        });
      else if (parsed.argv.length === 0)
        out.push({ rule: 'syntax.exec', severity: 'error', line: e.line, message: `\`${e.key}=\` has no program` });
      else if (!(parsed.argv[0] ?? '').startsWith('/') && (parsed.argv[0] ?? '').includes('/'))
        out.push({
          rule: 'syntax.exec',
          severity: 'error',
          line: e.line,
          message: `\`${e.key}=\` program must be an absolute path or a bare name`,
        });
    }
    if (TIMESPAN_KEYS.has(e.key) && e.value !== '') {
      try {
        parseTimespan(e.value);
      } catch {
        out.push({
          rule: 'syntax.timespan',
          severity: 'error',
          line: e.line,
          message: `\`${e.key}=${e.value}\` is not a systemd time span (systemd.time(7))`,
        });
      }
    }
  }
  return out;
};
