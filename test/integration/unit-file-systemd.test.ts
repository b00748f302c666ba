// The lossless model reads a tricky unit the way the real systemd does: continuations (with a comment
// inside), an empty assignment resetting a list, a repeated section, CRLF line ends and no final newline.
import { describe, expect, it } from 'vitest';
import { withSystemd } from '../harness/systemd.js';
import { lastValue, listValues, parseUnit, serializeUnit } from '../../src/systemd/unit/file.js';

const TRICKY = [
  '[Unit]',
  'Description=multi \\',
  '# a comment inside the continuation',
  '  line desc',
  '[Service]\r',
  'Type=oneshot',
  'RemainAfterExit=yes',
  'Environment=A=1',
  'Environment=',
  'Environment=B=2 \\',
  '  C=3',
  'ExecStart=/bin/true',
  '[Unit]',
  'Documentation=man:tricky(1)',
].join('\n');

describe('unit-file model against systemd --user', () => {
  it('parses Description, Environment and a repeated section exactly as systemd does', async () => {
    await withSystemd(async (sb) => {
      const name = `hk-tricky-${Math.random().toString(36).slice(2, 8)}.service`;
      const unit = parseUnit(TRICKY);
      expect(serializeUnit(unit)).toBe(TRICKY);
      await sb.installUnit(name, TRICKY);
      const shown = await sb.show(name, ['Description', 'Environment', 'Documentation', 'LoadState']);
      expect(shown['LoadState']).toBe('loaded');
      expect(shown['Description']).toBe(lastValue(unit, 'Unit', 'Description')?.value);
      expect(shown['Environment']).toBe(
        listValues(unit, 'Service', 'Environment')
          .flatMap((e) => e.value.split(/\s+/))
          .join(' '),
      );
      expect(shown['Documentation']).toBe(`"${lastValue(unit, 'Unit', 'Documentation')?.value ?? ''}"`);
    });
  });
});
