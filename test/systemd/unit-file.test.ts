// The lossless unit-file model: byte-identical round trips over this machine's units and tricky fixtures, and what it reads.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  assignmentsOf,
  lastValue,
  listValues,
  parseUnit,
  physicalLines,
  serializeUnit,
  type AssignmentEntry,
} from '../../src/systemd/unit/file.js';

const UNIT_SUFFIX = /\.(service|socket|target|timer|path|mount|automount|swap|slice|scope|device)$/;

// Every unit file under a directory (recursively, symlinks resolved and de-duplicated).
function unitFiles(dir: string, seen = new Set<string>()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return [];
    }
    if (seen.has(real)) return [];
    seen.add(real);
    const st = statSync(real);
    if (st.isDirectory()) return unitFiles(real, seen);
    return UNIT_SUFFIX.test(name) && st.isFile() ? [real] : [];
  });
}

const FIXTURES = {
  continuation: '[Service]\nExecStart=/bin/echo one \\\n  two \\\n  three\n',
  commentInContinuation: '[Service]\nExecStart=/bin/echo a \\\n# not part of it\n  b\n',
  crlf: '[Unit]\r\nDescription=crlf\r\n\r\n[Service]\r\nExecStart=/bin/true\r\n',
  emptyResets: '[Service]\nEnvironment=A=1\nEnvironment=\nEnvironment=B=2\nExecStart=/bin/true\n',
  quoting: '[Service]\nExecStart=/bin/echo "a b" \'c d\' "e\\"f"\nEnvironment="X=y z" \'Q=1\'\n',
  specifiers: '[Unit]\nDescription=100%% done for %n on %H\n[Service]\nExecStart=/bin/echo %i $$HOME\n',
  noTrailingNewline: '[Service]\nExecStart=/bin/true',
  duplicateSections: '[Service]\nType=simple\n[Unit]\nDescription=x\n[Service]\nType=notify\n',
  comments: '# top\n; semicolon\n   # indented\n[Unit]\nDescription = spaced value  \t\n',
  continuationAtEof: '[Service]\nExecStart=/bin/echo a \\',
  whitespaceOnly: '   \n\t\n',
  empty: '',
  invalidLines: '[Service\nnot an assignment\n=novalue\n[Service]\nExecStart=/bin/true\n',
  escapedBackslashEnd: '[Service]\nEnvironment=A=x\\\\\nExecStart=/bin/true\n',
  unicode: '[Unit]\nDescription=héllo ✓ 日本\n',
};

describe('unit-file: lossless round trip', () => {
  const files = [...unitFiles('/lib/systemd/system'), ...unitFiles('/usr/lib/systemd/user')];

  it("finds this machine's units to test against", () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('gives back the same bytes for every unit under /lib/systemd/system and /usr/lib/systemd/user', () => {
    const broken = files.filter((f) => {
      const text = readFileSync(f, 'utf8');
      return serializeUnit(parseUnit(text)) !== text;
    });
    expect(broken).toEqual([]);
  });

  it.each(Object.entries(FIXTURES))('gives back the same bytes for the %s fixture', (_name, text) => {
    expect(serializeUnit(parseUnit(text))).toBe(text);
  });

  it('keeps line terminators in physical lines', () => {
    expect(physicalLines('a\r\nb\nc')).toEqual(['a\r\n', 'b\n', 'c']);
  });
});

describe('unit-file: what systemd reads', () => {
  const value = (text: string, section: string, key: string) => lastValue(parseUnit(text), section, key)?.value;

  it('joins continuation lines with a space and keeps the line range', () => {
    const e = lastValue(parseUnit(FIXTURES.continuation), 'Service', 'ExecStart') as AssignmentEntry;
    expect(e.value).toBe('/bin/echo one    two    three');
    expect([e.line, e.endLine]).toEqual([2, 4]);
  });

  it('drops comment lines inside a continuation', () => {
    expect(value(FIXTURES.commentInContinuation, 'Service', 'ExecStart')?.replace(/\s+/g, ' ')).toBe('/bin/echo a b');
  });

  it('reads CRLF files without the carriage return', () => {
    expect(value(FIXTURES.crlf, 'Unit', 'Description')).toBe('crlf');
  });

  it('resets a list at an empty assignment', () => {
    expect(listValues(parseUnit(FIXTURES.emptyResets), 'Service', 'Environment').map((e) => e.value)).toEqual(['B=2']);
  });

  it('keeps quotes and specifiers verbatim in the value', () => {
    expect(value(FIXTURES.quoting, 'Service', 'Environment')).toBe('"X=y z" \'Q=1\'');
    expect(value(FIXTURES.specifiers, 'Unit', 'Description')).toBe('100%% done for %n on %H');
  });

  it('merges repeated sections: the later assignment wins', () => {
    const unit = parseUnit(FIXTURES.duplicateSections);
    expect(assignmentsOf(unit, 'Service', 'Type').map((e) => e.value)).toEqual(['simple', 'notify']);
    expect(value(FIXTURES.duplicateSections, 'Service', 'Type')).toBe('notify');
  });

  it('trims keys and values', () => {
    expect(value(FIXTURES.comments, 'Unit', 'Description')).toBe('spaced value');
  });

  it('reports an even number of trailing backslashes as no continuation', () => {
    expect(value(FIXTURES.escapedBackslashEnd, 'Service', 'Environment')).toBe('A=x\\\\');
    expect(value(FIXTURES.escapedBackslashEnd, 'Service', 'ExecStart')).toBe('/bin/true');
  });

  it('marks unreadable lines invalid with their line numbers', () => {
    const invalid = parseUnit(FIXTURES.invalidLines)
      .entries.filter((e) => e.kind === 'invalid')
      .map((e) => e.line);
    expect(invalid).toEqual([1, 2, 3]);
  });
});
