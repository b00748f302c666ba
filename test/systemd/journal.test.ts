// The journal logger against a recording transport and a recording stderr.
import { describe, expect, it } from 'vitest';
import { MESSAGE_IDS } from '../../src/systemd/journal/catalog.js';
import { createJournalLogger, type JournalLoggerOptions } from '../../src/systemd/journal/journal.js';
import type { HooksError } from '../../src/errors.js';

// A logger with recorded sends, stderr lines and reported errors.
function setup(over: Partial<JournalLoggerOptions> = {}) {
  const sends: [number, string[]][] = [];
  const lines: string[] = [];
  const errors: HooksError[] = [];
  const logger = createJournalLogger({
    env: { INVOCATION_ID: 'abc123' },
    stderr: { write: (t) => lines.push(t) },
    journalAvailable: () => true,
    send: (p, f) => {
      sends.push([p, f]);
      return 0;
    },
    onError: (e) => errors.push(e),
    ...over,
  });
  return { logger, sends, lines, errors };
}

describe('createJournalLogger (journal sink)', () => {
  it('writes structured fields in a fixed order', () => {
    const { logger, sends, lines } = setup();
    expect(logger.sink).toBe('journal');
    logger.info('hello', { TASK_ID: 't1', DRAIN_MS: 1500, AGENT: undefined });
    logger.warn('careful');
    logger.error('bad', { CODE_FUNC: 'drain' });
    expect(sends).toEqual([
      [6, ['MESSAGE=hello', 'SYSLOG_IDENTIFIER=hooksctl', 'INVOCATION_ID=abc123', 'TASK_ID=t1', 'DRAIN_MS=1500']],
      [4, ['MESSAGE=careful', 'SYSLOG_IDENTIFIER=hooksctl', 'INVOCATION_ID=abc123']],
      [3, ['MESSAGE=bad', 'SYSLOG_IDENTIFIER=hooksctl', 'INVOCATION_ID=abc123', 'CODE_FUNC=drain']],
    ]);
    expect(lines).toEqual([]);
  });

  it('phase() sets SHUTDOWN_PHASE and the phase MESSAGE_ID; child() adds fields', () => {
    const { logger, sends } = setup({ identifier: 'svc', env: {} });
    logger.child({ AGENT: 'a1' }).phase('drain', 'draining 3 tasks', { DRAIN_MS: 3000 });
    logger.phase('abort', 'aborting');
    expect(sends).toEqual([
      [
        5,
        [
          'MESSAGE=draining 3 tasks',
          `MESSAGE_ID=${MESSAGE_IDS.drain}`,
          'SYSLOG_IDENTIFIER=svc',
          'SHUTDOWN_PHASE=drain',
          'AGENT=a1',
          'DRAIN_MS=3000',
        ],
      ],
      [4, ['MESSAGE=aborting', `MESSAGE_ID=${MESSAGE_IDS.abort}`, 'SYSLOG_IDENTIFIER=svc', 'SHUTDOWN_PHASE=abort']],
    ]);
  });

  it('drops bad field names without throwing, and reports a typed error', () => {
    const { logger, sends, errors } = setup({ env: {} });
    expect(() => logger.info('x', { lower: 'no', _TRUSTED: 'no', PRIORITY: '0', OK: 'yes' })).not.toThrow();
    expect(sends).toEqual([[6, ['MESSAGE=x', 'SYSLOG_IDENTIFIER=hooksctl', 'OK=yes']]]);
    expect(errors[0]).toMatchObject({ code: 'hooks.journal.field_name', details: { fields: ['lower', '_TRUSTED', 'PRIORITY'] } });
  });

  it('rejects bad base field names up front with a typed error', () => {
    expect(() => setup({ fields: { 'bad-name': 'x' } })).toThrow(expect.objectContaining({ code: 'hooks.journal.field_name' }));
    expect(() => setup().logger.child({ _X: 'y' })).toThrow(expect.objectContaining({ code: 'hooks.journal.field_name' }));
  });

  it('falls back to stderr when the transport fails or throws, and never throws', () => {
    const failing = setup({ send: () => -11 });
    failing.logger.phase('bye', 'bye');
    expect(failing.lines).toEqual(['[shutdown] bye\n']);
    expect(failing.errors[0]).toMatchObject({ code: 'hooks.journal.send', details: { errno: 11 } });
    const throwing = setup({
      send: () => {
        throw new Error('boom');
      },
      stderr: {
        write: () => {
          throw new Error('stderr closed');
        },
      },
    });
    expect(() => throwing.logger.info('x')).not.toThrow();
    expect(throwing.errors[0]).toMatchObject({ code: 'hooks.journal.send' });
  });
});

describe('createJournalLogger (stderr fallback)', () => {
  it('writes plain lines without JOURNAL_STREAM', () => {
    const { logger, sends, lines } = setup({ journalAvailable: () => false, env: {} });
    expect(logger.sink).toBe('stderr');
    logger.phase('drain', 'draining 3 tasks');
    logger.info('multi\nline');
    logger.child({ AGENT: 'a' }).info('child');
    expect(lines).toEqual(['[shutdown] draining 3 tasks\n', '[hooksctl] multi\\nline\n', '[hooksctl] child\n']);
    expect(sends).toEqual([]);
  });

  it('adds the <N> priority prefix when stderr is the journal', () => {
    const { logger, lines } = setup({ journalAvailable: () => false, env: { JOURNAL_STREAM: '8:1234' } });
    logger.phase('abort', 'aborting 1 task');
    logger.error('failed');
    expect(lines).toEqual(['<4>[shutdown] aborting 1 task\n', '<3>[hooksctl] failed\n']);
  });

  it('reports dropped fields on stderr by default', () => {
    const lines: string[] = [];
    const logger = createJournalLogger({ env: {}, stderr: { write: (t) => lines.push(t) }, journalAvailable: () => false });
    logger.info('x', { bad: '1' });
    expect(lines).toEqual(['[hooksctl] journal: Dropped invalid journal field names: ["bad"]\n', '[hooksctl] x\n']);
  });
});
