/** Unknown sections and keys: systemd ignores them with a warning, which usually hides a typo. */
import { INSTALL_KEYS, SERVICE_KEYS, UNIT_KEYS } from './known-keys.js';
import type { UnitFinding, UnitRule } from './types.js';

// A Map, not an object literal: a section named `[constructor]` or `[__proto__]` must not find Object.prototype's members.
const SECTIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['Unit', UNIT_KEYS],
  ['Service', SERVICE_KEYS],
  ['Install', INSTALL_KEYS],
]);

/** Warn on sections and keys systemd does not know (`X-` extensions are allowed). */
export const unknownRule: UnitRule = ({ unit }) => {
  const out: UnitFinding[] = [];
  for (const e of unit.entries) {
    if (e.kind === 'section' && !SECTIONS.has(e.name) && !e.name.startsWith('X-')) {
      out.push({
        rule: 'unknown.section',
        severity: 'warning',
        line: e.line,
        message: `Unknown section [${e.name}] in a .service unit; systemd ignores it`,
      });
    }
    if (e.kind !== 'assignment' || e.section === null || e.key.startsWith('X-')) continue;
    const keys = SECTIONS.get(e.section);
    if (keys !== undefined && !keys.has(e.key))
      out.push({
        rule: 'unknown.key',
        severity: 'warning',
        line: e.line,
        message: `Unknown key \`${e.key}\` in [${e.section}]; systemd ignores it`,
      });
  }
  return out;
};
