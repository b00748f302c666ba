// Quoting config values into a unit and reading Exec lines back: hostile strings survive or are rejected with exit 78.
import { describe, expect, it } from 'vitest';
import { parseExecLine } from '../../src/systemd/unit/exec-line.js';
import { formatExecLine, quoteEnvironment, quoteExecArg, quotePath, quotePathListItem } from '../../src/systemd/unit/quote.js';
import { parseUnit, serializeUnit } from '../../src/systemd/unit/file.js';

const HOSTILE = [
  'plain',
  'with space',
  '100%',
  '%n%i',
  '$HOME',
  '${HOME}',
  '$$',
  'a"b',
  "a'b",
  'back\\slash',
  'trailing\\',
  ';',
  '-dash',
  '',
  '[Install]',
  'x=y',
  '\ttab',
  '#hash',
  'üñí',
];

describe('quoteExecArg / parseExecLine', () => {
  it.each(HOSTILE)('round-trips %j through an Exec line', (arg) => {
    const line = formatExecLine('ExecStart', ['/usr/bin/node', arg, 'end']);
    const parsed = parseExecLine(line);
    expect(parsed).toEqual({ prefixes: '', argv: ['/usr/bin/node', arg, 'end'] });
    expect(parseUnit(`[Service]\nExecStart=${line}\n`).entries).toHaveLength(2);
  });

  it('doubles % and $ so systemd expands neither', () => {
    expect(quoteExecArg('x', '50%$x')).toBe('50%%$$x');
  });

  it.each(['a\nb', 'a\rb', 'a\0b', '\x1b[31m'])('rejects %j with hooks.unit.unsafe_value and exit 78', (arg) => {
    expect(() => quoteExecArg('service.db', arg)).toThrow(expect.objectContaining({ code: 'hooks.unit.unsafe_value', exitCode: 78 }));
  });

  it('rejects a relative program', () => {
    expect(() => formatExecLine('ExecStart', ['node', 'x'])).toThrow(
      expect.objectContaining({ code: 'hooks.unit.unsafe_value', exitCode: 78 }),
    );
  });

  it('reads prefixes and reports unbalanced quotes', () => {
    expect(parseExecLine('-+/bin/true a')).toEqual({ prefixes: '-+', argv: ['/bin/true', 'a'] });
    expect(parseExecLine('/bin/echo "open')).toEqual({ error: 'unbalanced " quote' });
    expect(parseExecLine('/bin/echo a\\')).toEqual({ error: 'trailing backslash' });
  });
});

describe('quoteEnvironment / quotePath', () => {
  it('quotes an Environment= value with escapes and doubled %', () => {
    expect(quoteEnvironment('K', 'a "b" 100% \\ $x')).toBe('"K=a \\"b\\" 100%% \\\\ $x"');
  });

  it('rejects newlines in values and bad names', () => {
    expect(() => quoteEnvironment('K', 'a\nExecStart=/bin/sh')).toThrow(
      expect.objectContaining({ code: 'hooks.unit.unsafe_value', exitCode: 78 }),
    );
    expect(() => quoteEnvironment('K=V', 'x')).toThrow(expect.objectContaining({ code: 'hooks.unit.unsafe_value' }));
  });

  it('keeps a hostile value inside one line of the unit', () => {
    const text = `[Service]\nEnvironment=${quoteEnvironment('K', '[Install] ; # x=y')}\n`;
    expect(serializeUnit(parseUnit(text))).toBe(text);
    expect(parseUnit(text).entries.map((e) => e.kind)).toEqual(['section', 'assignment']);
  });

  it('escapes % in paths, quotes list items with spaces and rejects the rest', () => {
    expect(quotePath('p', '/srv/100%/db')).toBe('/srv/100%%/db');
    expect(quotePathListItem('p', '/srv/my data')).toBe('"/srv/my data"');
    for (const bad of ['relative', '/a"b', '/a\\b', '/x ', '/a\nb'])
      expect(() => quotePath('p', bad)).toThrow(expect.objectContaining({ exitCode: 78 }));
  });
});
