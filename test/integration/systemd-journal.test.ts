// Journal acceptance against a real journald: structured phase entries, exact matches with
// journalctl FIELD=value, injection-proof values, the stderr fallback, and the catalog (-x).
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogPath, MESSAGE_IDS } from '../../src/systemd/journal/catalog.js';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';

const LOGGER = fileURLToPath(new URL('../fixtures/sd-journal.mjs', import.meta.url));
const INJECT = 'task-7\nPRIORITY=0\nSHUTDOWN_PHASE=bye';

let sb: SystemdSandbox;
beforeAll(async () => {
  sb = await startSystemd();
});
afterAll(async () => {
  await sb?.stop();
});

// journalctl -o json prints values with non-printable bytes as byte arrays: decode them.
const text = (v: unknown): string => (Array.isArray(v) ? Buffer.from(v as number[]).toString('utf8') : String(v));

// Run the logger fixture inside the sandbox with `entries`; returns its stdout (the sink).
async function logEntries(entries: unknown[], env: Record<string, string> = {}): Promise<string> {
  const r = await sb.run([process.execPath, LOGGER, JSON.stringify(entries)], { env });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return String(r.stdout).trim();
}

describe('journal logger against journald', () => {
  const run = randomBytes(4).toString('hex');
  const invocation = randomBytes(16).toString('hex');

  beforeAll(async () => {
    const sink = await logEntries(
      [
        { phase: 'signal', message: 'SIGTERM received', fields: { RUN_ID: run } },
        { phase: 'drain', message: 'draining 3 tasks', fields: { RUN_ID: run, DRAIN_MS: 3000, AGENT: 'a1' } },
        { phase: 'drain', message: 'task done\nsecond line', fields: { RUN_ID: run, TASK_ID: INJECT } },
        { phase: 'drain', message: 'nul a\u0000b', fields: { RUN_ID: run, TASK_ID: 'ünï ✓', CODE_FUNC: 'drain' } },
        { message: 'not a phase', fields: { RUN_ID: run } },
        { phase: 'bye', message: 'bye', fields: { RUN_ID: run } },
      ],
      { INVOCATION_ID: invocation },
    );
    expect(sink).toBe('journal');
  });

  it('journalctl SHUTDOWN_PHASE=drain returns exactly the drain entries, with their fields', async () => {
    const drain = await sb.journal(['SHUTDOWN_PHASE=drain']);
    expect(drain.map((e) => text(e['MESSAGE']))).toEqual(['draining 3 tasks', 'task done\nsecond line', 'nul a\\x00b']);
    for (const e of drain) {
      expect(e).toMatchObject({
        SHUTDOWN_PHASE: 'drain',
        MESSAGE_ID: MESSAGE_IDS.drain,
        SYSLOG_IDENTIFIER: 'hooksctl',
        PRIORITY: '5',
        INVOCATION_ID: invocation,
        RUN_ID: run,
      });
    }
    expect(drain[0]).toMatchObject({ DRAIN_MS: '3000', AGENT: 'a1' });
    expect(text(drain[2]?.['TASK_ID'])).toBe('ünï ✓');
    expect(drain[2]?.['CODE_FUNC']).toBe('drain');
  });

  it('a value with \\nPRIORITY=0\\nSHUTDOWN_PHASE=bye comes back byte-identical, as one field of one entry', async () => {
    const hits = (await sb.journal([`RUN_ID=${run}`])).filter((e) => text(e['TASK_ID']) === INJECT);
    expect(hits).toHaveLength(1);
    const entry = hits[0]!;
    expect(Buffer.from(entry['TASK_ID'] as number[])).toEqual(Buffer.from(INJECT, 'utf8'));
    expect(entry['PRIORITY']).toBe('5');
    expect(entry['SHUTDOWN_PHASE']).toBe('drain');
    expect((await sb.journal(['SHUTDOWN_PHASE=bye'])).map((e) => e['MESSAGE'])).toEqual(['bye']);
    expect(await sb.journal(['PRIORITY=0', `RUN_ID=${run}`])).toEqual([]);
  });

  it('journalctl -x explains a phase entry once the catalog is installed (inside the sandbox only)', async () => {
    // Bind a private catalog dir over /usr/lib/systemd/catalog and a tmpfs over the database
    // directory, in the sandbox's private mount namespace: the host's catalog is untouched.
    const before = await sb.journalctl('-x', '-o', 'short', 'SHUTDOWN_PHASE=signal', `RUN_ID=${run}`);
    expect(String(before.stdout)).toContain('SIGTERM received');
    expect(String(before.stdout)).not.toContain('Defined-By: hooksctl');
    const dir = join(sb.workDir, 'catalog');
    mkdirSync(dir, { recursive: true });
    copyFileSync(catalogPath(), join(dir, 'hooksctl.catalog'));
    for (const argv of [
      ['mount', '--bind', dir, '/usr/lib/systemd/catalog'],
      ['mount', '-t', 'tmpfs', 'tmpfs', '/var/lib/systemd/catalog'],
      ['journalctl', '--update-catalog'],
    ]) {
      const r = await sb.run(argv);
      expect(r.exitCode, `${argv.join(' ')}: ${String(r.stderr)}`).toBe(0);
    }
    const listed = await sb.journalctl('--list-catalog', MESSAGE_IDS.drain);
    expect(String(listed.stdout)).toContain('hooksctl is draining tasks in flight');
    const shown = await sb.journalctl('-x', '-o', 'short', 'SHUTDOWN_PHASE=signal', `RUN_ID=${run}`);
    expect(String(shown.stdout)).toContain('SIGTERM received');
    expect(String(shown.stdout)).toContain('Subject: hooksctl received a stop signal and refuses new tasks');
    expect(String(shown.stdout)).toContain('Defined-By: hooksctl');
  });
});

// Run the logger fixture with the journal socket hidden: a nested mount namespace with an
// empty tmpfs over /run/systemd/journal (already-open journal streams keep working).
const withoutSocket = (argv: string[]): string[] => [
  'unshare',
  '--mount',
  '--propagation',
  'private',
  'sh',
  '-c',
  'mount -t tmpfs tmpfs /run/systemd/journal && exec "$@"',
  'sh',
  ...argv,
];

describe('stderr fallback when the journal socket is absent', () => {
  it('with stderr as the journal stream, lines carry the <N> priority prefix', async () => {
    const unit = `hooks-fallback-${randomBytes(4).toString('hex')}.service`;
    const entries = join(sb.workDir, `${unit}.json`);
    writeFileSync(entries, JSON.stringify([{ phase: 'abort', message: 'aborting 1 task' }, { message: 'plain info\n<0>forged' }]));
    await sb.installUnit(
      unit,
      `[Service]\nType=oneshot\nStandardError=journal\nExecStart=${withoutSocket([process.execPath, LOGGER, `@${entries}`])
        .map((a) => `'${a}'`)
        .join(' ')}\n`,
    );
    const start = await sb.systemctl('start', unit);
    expect(start.exitCode, String(start.stderr)).toBe(0);
    const lines = (await sb.journal([`_SYSTEMD_UNIT=${unit}`])).map((e) => [text(e['MESSAGE']), e['PRIORITY']]);
    expect(lines).toEqual([
      ['[shutdown] aborting 1 task', '4'],
      ['[hooksctl] plain info\\n<0>forged', '6'],
      ['stderr', '6'],
    ]);
  });

  it('without JOURNAL_STREAM, a plain [shutdown] line on stderr', async () => {
    const r = await sb.run(withoutSocket([process.execPath, LOGGER, JSON.stringify([{ phase: 'drain', message: 'draining 3 tasks' }])]), {
      env: { JOURNAL_STREAM: '' },
    });
    expect(r.exitCode).toBe(0);
    expect(String(r.stderr)).toBe('[shutdown] draining 3 tasks');
    expect(String(r.stdout)).toBe('stderr');
  });
});
