// main()'s error mapping with an injected runtime: an unexpected error (not a HooksError) is exit 70,
// one line of text, or with --json one JSON error on stderr like every other error.
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { reportError } from '../../src/cli/error-report.js';
import { HooksError } from '../../src/errors.js';
import { systemClock, type Runtime } from '../../src/runtime.js';

// A runtime whose stdout breaks with a plain Error: `config` prints through it, so the error is unexpected.
function brokenStdout(): { runtime: Runtime; stderr: string[] } {
  const stderr: string[] = [];
  const runtime: Runtime = {
    env: { HOOKS_CONFIG: '' },
    cwd: '/nonexistent-hooks-cwd',
    clock: systemClock,
    signals: { on: () => () => undefined },
    exit: () => undefined,
    stdout: {
      write: () => {
        throw new TypeError('stdout broke');
      },
    },
    stderr: { write: (s) => void stderr.push(s) },
  };
  return { runtime, stderr };
}

describe('main: unexpected errors', () => {
  const ctx = (runtime: Runtime) => ({ runtime, execPath: process.execPath, entryPath: '/x/bin/hooksctl' });

  it('prints one internal-error line and exits 70', async () => {
    const { runtime, stderr } = brokenStdout();
    expect(await main(['config'], ctx(runtime))).toBe(70);
    expect(stderr.join('')).toMatch(/^hooksctl: internal error: TypeError: stdout broke/);
  });

  it('with --json, one JSON error (hooks.internal) with the stack in its details', async () => {
    const { runtime, stderr } = brokenStdout();
    expect(await main(['config', '--json'], ctx(runtime))).toBe(70);
    const lines = stderr.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0] ?? '') as { error: { code: string; message: string; details: { stack: string } } };
    expect(parsed.error).toMatchObject({ code: 'hooks.internal', message: 'internal error' });
    expect(parsed.error.details.stack).toContain('stdout broke');
  });
});

describe('reportError: input quoted in a message', () => {
  it('escapes control characters in the text line, keeping the newlines between issues', () => {
    const stderr: string[] = [];
    const error = new HooksError(
      'hooks.config.invalid',
      'c.json: pool.0.type: Unknown type "d\u001b[2Jev\r"\nc.json: types.x.cwd: got /a\u0007b',
      {
        exitCode: 78,
      },
    );
    expect(reportError(error, { stderr: { write: (s) => void stderr.push(s) } }, false)).toBe(78);
    expect(stderr.join('')).toBe(
      'hooksctl: c.json: pool.0.type: Unknown type "d\\x1b[2Jev\\x0d"\nc.json: types.x.cwd: got /a\\x07b [hooks.config.invalid]\n',
    );
  });
});
