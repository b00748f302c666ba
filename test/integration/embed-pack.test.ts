// The packed package, from outside: a scratch project installs the `npm pack` tarball, its
// subpath exports resolve (and internals do not), and examples/embed/server.mjs, run from the
// installed package under the real systemd --user, drains an in-flight job on restart.
import { execa } from 'execa';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packInto, REPO, type PackedProject } from '../harness/pack.js';
import { freePort, uniqueName, waitFor } from '../harness/serve.js';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';

const SUBPATHS = [
  'hooksctl',
  'hooksctl/systemd',
  'hooksctl/shutdown',
  'hooksctl/supervisor',
  'hooksctl/tasks',
  'hooksctl/containers',
  'hooksctl/worker',
] as const;
const INTERNALS = [
  'parseProcStat',
  'readProcStat',
  'migrate',
  'toView',
  'startAnalysis',
  'TERMINAL_STATUSES',
  'findDeadTasks',
  'reapOnce',
  'startReaper',
  'openDatabase',
  'buildServer',
  'createTaskStore',
];

let sb: SystemdSandbox;
let pkg: PackedProject;
beforeAll(async () => {
  sb = await startSystemd();
  // Under the sandbox's work dir (not /tmp): the unit below runs the example from here.
  pkg = await packInto(join(sb.workDir, 'embed'));
});
afterAll(async () => {
  await sb?.stop();
});

// Run an ES module snippet with the scratch project as cwd (so `hooksctl` is the installed one).
async function node(code: string): Promise<string> {
  const r = await execa(process.execPath, ['--input-type=module', '-e', code], { cwd: pkg.dir, reject: false });
  if (r.exitCode !== 0) throw new Error(`node failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

describe('the packed package', () => {
  it('ships dist/ and the example, not src/ or tests', () => {
    expect(pkg.files).toContain('dist/index.js');
    expect(pkg.files).toContain('examples/embed/server.mjs');
    expect(pkg.files.filter((f) => /^(src|test|bench)\//.test(f))).toEqual([]);
  });

  it('every subpath resolves from the tarball with its types; the root keeps internals out; deep imports are closed', async () => {
    const out = await node(`
      const specs = ${JSON.stringify(SUBPATHS)};
      const keys = {};
      for (const s of specs) keys[s] = Object.keys(await import(s)).sort();
      let deep = 'resolved';
      try { await import('hooksctl/dist/supervisor/proc.js'); } catch (e) { deep = e.code; }
      console.log(JSON.stringify({ keys, deep, resolved: specs.map((s) => import.meta.resolve(s)) }));`);
    const { keys, deep, resolved } = JSON.parse(out) as { keys: Record<string, string[]>; deep: string; resolved: string[] };
    expect(resolved.every((u) => u.startsWith(`file://${pkg.packageDir}/dist/`))).toBe(true);
    expect(deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    const root = keys['hooksctl'] ?? [];
    expect(root).toEqual(
      expect.arrayContaining([
        'ExitCode',
        'HooksError',
        'systemClock',
        'createNotifier',
        'createJournalLogger',
        'startWatchdog',
        'startExtender',
        'createDrain',
        'planDrain',
        'runSupervised',
        'spawnSupervised',
        'loadConfig',
        'runService',
      ]),
    );
    expect(root.filter((k) => INTERNALS.includes(k))).toEqual([]);
    expect(keys['hooksctl/systemd']).toEqual(
      expect.arrayContaining(['createNotifier', 'createJournalLogger', 'parseUnit', 'generateUnit', 'validateUnitText', 'parseTimespan']),
    );
    expect(keys['hooksctl/shutdown']).toEqual(expect.arrayContaining(['createDrain', 'planDrain', 'checkBudget', 'buildTimelines']));
    expect(keys['hooksctl/supervisor']).toEqual(
      expect.arrayContaining(['runSupervised', 'spawnSupervised', 'isAlive', 'processStartTime', 'startReaper']),
    );
    expect(keys['hooksctl/supervisor']).not.toContain('parseProcStat');
    expect(keys['hooksctl/tasks']).toEqual(
      expect.arrayContaining(['openTaskStore', 'openSqliteStore', 'createDispatcher', 'recoverAtBoot', 'TASK_STATUSES']),
    );
    expect(keys['hooksctl/tasks']).not.toContain('migrate');
    expect(keys['hooksctl/containers']).toEqual(expect.arrayContaining(['createEngine', 'reconcile', 'planReconcile', 'containersDown']));
    expect(keys['hooksctl/worker']).toEqual(expect.arrayContaining(['installExitGuard', 'startDeadmanThread']));

    // The `types` condition of every export points at a .d.ts that was packed.
    const manifest = JSON.parse(readFileSync(join(pkg.packageDir, 'package.json'), 'utf8')) as {
      exports: Record<string, { types?: string } | string>;
    };
    for (const [sub, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') continue;
      expect(existsSync(join(pkg.packageDir, target.types ?? '')), `${sub} types`).toBe(true);
    }
  });

  it('a TypeScript consumer type-checks against the packed declarations (NodeNext)', async () => {
    writeFileSync(
      join(pkg.dir, 'consumer.ts'),
      [
        "import { createDrain, createNotifier, type DrainDeps, type JournalLogger } from 'hooksctl';",
        "import { planDrain, type DrainPlan } from 'hooksctl/shutdown';",
        "import type { UnitFile } from 'hooksctl/systemd';",
        "import type { RunOptions } from 'hooksctl/supervisor';",
        "import type { TaskStore } from 'hooksctl/tasks';",
        "import type { ContainerEngine } from 'hooksctl/containers';",
        "import type { ExitGuardOptions } from 'hooksctl/worker';",
        'const plan: DrainPlan = planDrain({ drainMs: 1, abortGraceMs: 1, cleanupMs: 1, marginMs: 1, extend: false, maxDrainMs: 0 }, 9000);',
        'export type All = [DrainDeps, JournalLogger, UnitFile, RunOptions, TaskStore, ContainerEngine, ExitGuardOptions];',
        'export const used = [createDrain, createNotifier, plan];',
        '',
      ].join('\n'),
    );
    const r = await execa(
      process.execPath,
      [
        join(REPO, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        '--typeRoots',
        join(REPO, 'node_modules/@types'),
        'consumer.ts',
      ],
      { cwd: pkg.dir, reject: false },
    );
    expect(r.exitCode, `${r.stdout}${r.stderr}`).toBe(0);
  });

  it('examples/embed from the tarball under systemd --user: restart mid-job drains it, phases journalled, stop within budget', async () => {
    const name = uniqueName('hk-embed');
    const port = await freePort();
    const server = join(pkg.dir, 'server.mjs');
    copyFileSync(join(pkg.packageDir, 'examples/embed/server.mjs'), server);
    // Budget: drain 6 s + abort 1 s + cleanup 1 s + margin 1 s = TimeoutStopSec 9 s.
    await sb.installUnit(
      `${name}.service`,
      [
        '[Unit]',
        `Description=hooksctl embed example ${name}`,
        '',
        '[Service]',
        'Type=notify',
        `ExecStart=${process.execPath} ${server}`,
        `WorkingDirectory=${pkg.dir}`,
        `Environment=PORT=${port} TIMEOUT_STOP_SEC=9 DRAIN_MS=6000`,
        'KillMode=mixed',
        'TimeoutStopSec=9s',
        '',
      ].join('\n'),
    );
    const start = await sb.systemctl('start', `${name}.service`);
    expect(start.exitCode, String(start.stderr)).toBe(0);
    const base = `http://127.0.0.1:${port}`;
    const before = await sb.show(`${name}.service`, ['InvocationID', 'ActiveState', 'StatusText']);
    expect(before).toMatchObject({ ActiveState: 'active', StatusText: `listening on ${port}` });

    const job = (await (await fetch(`${base}/job?ms=3000`, { method: 'POST' })).json()) as { id: string };
    await sleep(300);
    const t0 = Date.now();
    const restart = await sb.systemctl('restart', `${name}.service`);
    const tookMs = Date.now() - t0;
    expect(restart.exitCode, String(restart.stderr)).toBe(0);
    expect(tookMs).toBeGreaterThan(2000);
    expect(tookMs).toBeLessThan(9000);
    await waitFor('the new instance answers', async () => (await fetch(`${base}/health`)).ok);

    const old = `INVOCATION_ID=${before.InvocationID}`;
    const done = await sb.journal(['SYSLOG_IDENTIFIER=hooks-embed', old, `JOB_ID=${job.id}`]);
    expect(done.map((e) => e['MESSAGE'])).toEqual([`job ${job.id} started (3000 ms)`, `job ${job.id} done`]);
    const drain = await sb.journal(['SHUTDOWN_PHASE=drain', 'SYSLOG_IDENTIFIER=hooks-embed', old]);
    expect(drain.map((e) => e['MESSAGE'])).toEqual([
      expect.stringMatching(new RegExp(`^task ${job.id} settled after \\d+ ms \\(done\\)$`)),
      expect.stringMatching(/^drain complete after \d+ ms, 1 settled$/),
    ]);
    expect(Number(drain[0]?.['DRAIN_MS'])).toBeGreaterThan(2000);
    const phases = await sb.journal(['SYSLOG_IDENTIFIER=hooks-embed', old, '_TRANSPORT=journal']);
    expect(phases.map((e) => e['SHUTDOWN_PHASE']).filter((p) => p !== undefined)).toEqual(['signal', 'drain', 'drain', 'cleanup', 'bye']);
    expect(await sb.journal(['SHUTDOWN_PHASE=abort', 'SYSLOG_IDENTIFIER=hooks-embed', old])).toEqual([]);
    const bye = phases.find((e) => e['SHUTDOWN_PHASE'] === 'bye');
    expect(Number(bye?.['TOTAL_MS'])).toBeLessThan(9000);
    expect(Number(bye?.['TOTAL_MS'])).toBeGreaterThan(2000);
    const manager = await sb.journal([`USER_UNIT=${name}.service`]);
    expect(manager.map((e) => String(e['MESSAGE']))).not.toContainEqual(
      expect.stringMatching(/timed out|Killing|SIGKILL|Failed with result/),
    );
    await sb.systemctl('stop', `${name}.service`);
  });
});
