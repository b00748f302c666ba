// bench/supervisor: (1) spawn-to-exit time of runSupervised against bare child_process.spawn of
// the same command, interleaved in the same run (target <= 1.2x); (2) SIGKILL lateness against the
// grace deadline for a child that ignores SIGTERM (target p99 <= 50 ms over 50 runs).
import { spawn } from 'node:child_process';
import { median, percentile, report } from './lib.mjs';
import { runSupervised, spawnSupervised } from '../dist/supervisor/index.js';

/** Bare spawn: resolve once the child has exited and its pipes closed (what runSupervised waits for). */
function bare(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', resolve);
  });
}

/** Time an async function, in ms. */
async function time(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Interleave the anchor and the supervised run `runs` times after `warmup` runs. */
async function overhead(argv, runs, warmup) {
  const samples = { anchor: [], supervised: [] };
  for (let i = 0; i < warmup + runs; i++) {
    const a = await time(() => bare(argv));
    const s = await time(async () => {
      const outcome = await runSupervised({ command: argv, graceMs: 1000 });
      if (outcome.type !== 'exited' || outcome.code !== 0) throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
    });
    if (i >= warmup) {
      samples.anchor.push(a);
      samples.supervised.push(s);
    }
  }
  return samples;
}

for (const argv of [['/bin/true'], [process.execPath, '-e', '0']]) {
  const samples = await overhead(argv, 50, 5);
  report(
    `supervisor spawn-to-exit (${argv.join(' ')}, median of 50) vs bare child_process.spawn`,
    median(samples.supervised),
    median(samples.anchor),
    1.2,
  );
}

/** One escalation: wait for the child to be ready, cancel, and return how late SIGKILL came after the grace deadline. */
async function lateness(graceMs) {
  let output = '';
  const handle = spawnSupervised({
    command: ['sh', '-c', "trap '' TERM; echo ready; exec sleep 1000"],
    graceMs,
    onStdout: (c) => {
      output += c;
    },
  });
  while (!output.includes('ready')) await new Promise((resolve) => setTimeout(resolve, 2));
  const cancelledAt = performance.now();
  handle.cancel('bench');
  const outcome = await handle.outcome;
  const observed = performance.now() - cancelledAt;
  if (!outcome.forced || outcome.phases.graceMs === null) throw new Error(`expected a forced kill, got ${JSON.stringify(outcome)}`);
  return { late: outcome.phases.graceMs - graceMs, observed: observed - graceMs };
}

const graceMs = 100;
const late = [];
const observed = [];
for (let i = 0; i < 50; i++) {
  const r = await lateness(graceMs);
  late.push(r.late);
  observed.push(r.observed);
}
const p99 = percentile(late, 99);
console.log(
  `supervisor SIGKILL lateness after a ${graceMs} ms grace (50 runs): p50 ${median(late).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${Math.max(...late).toFixed(2)} ms (target p99 <= 50 ms) ${p99 <= 50 ? 'ok' : 'OVER TARGET'}`,
);
report('supervisor SIGKILL time at p99 vs the grace deadline', graceMs + p99, graceMs, 1.5);
console.log(
  `  cancel → outcome (incl. reap and pipe close) minus the grace: p50 ${median(observed).toFixed(2)} ms, p99 ${percentile(observed, 99).toFixed(2)} ms`,
);
