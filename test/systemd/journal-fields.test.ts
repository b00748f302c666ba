// journald field-name rules and the exact KEY=value list handed to sd_journal_sendv.
import { describe, expect, it } from 'vitest';
import { encodeJournalFields, isValidFieldName } from '../../src/systemd/journal/fields.js';
import { formatFallbackLine } from '../../src/systemd/journal/fallback.js';

describe('field names', () => {
  it.each(['MESSAGE', 'SHUTDOWN_PHASE', 'A', 'X9_', 'A'.repeat(64)])('accepts %s', (name) => expect(isValidFieldName(name)).toBe(true));
  it.each(['', '_PRIVATE', '9LIVES', 'lower', 'HAS-DASH', 'HAS SPACE', 'A'.repeat(65), 'ÜBER', 'A=B'])('rejects %j', (name) => {
    expect(isValidFieldName(name)).toBe(false);
    expect(() => encodeJournalFields({ [name]: 'x' })).toThrow(
      expect.objectContaining({ code: 'hooks.journal.field_name', exitCode: 2, details: { field: name } }),
    );
  });
  it('reserves PRIORITY (the binding sets it)', () => {
    expect(() => encodeJournalFields({ PRIORITY: '0' })).toThrow(expect.objectContaining({ code: 'hooks.journal.field_name' }));
  });
});

describe('encodeJournalFields', () => {
  it('keeps order, skips undefined, and keeps newlines inside one value', () => {
    expect(
      encodeJournalFields({ MESSAGE: 'a\nPRIORITY=0\nSHUTDOWN_PHASE=bye', TASK_ID: undefined, DRAIN_MS: 1500, AGENT: 'é=ok' }),
    ).toEqual(['MESSAGE=a\nPRIORITY=0\nSHUTDOWN_PHASE=bye', 'DRAIN_MS=1500', 'AGENT=é=ok']);
  });
  it('writes NUL as the text \\x00 (the native binding cannot carry NUL)', () => {
    expect(encodeJournalFields({ MESSAGE: 'a\0b' })).toEqual(['MESSAGE=a\\x00b']);
  });
});

describe('formatFallbackLine', () => {
  it('adds the <N> prefix only when stderr is the journal', () => {
    expect(formatFallbackLine({ priority: 5, tag: 'shutdown', message: 'draining 3 tasks', journalStream: false })).toBe(
      '[shutdown] draining 3 tasks\n',
    );
    expect(formatFallbackLine({ priority: 5, tag: 'shutdown', message: 'draining 3 tasks', journalStream: true })).toBe(
      '<5>[shutdown] draining 3 tasks\n',
    );
  });
  it('escapes newlines so a message cannot forge a second line or priority', () => {
    expect(formatFallbackLine({ priority: 6, tag: 'hooksctl', message: 'a\n<0>b\r\\c\0', journalStream: true })).toBe(
      '<6>[hooksctl] a\\n<0>b\\r\\\\c\\x00\n',
    );
  });
});
