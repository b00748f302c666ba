// Shared helpers for benchmarks: timing child commands and summarising samples.
import { spawnSync } from 'node:child_process';

/** Wall time of one command run, in ms. */
export function timeCommand(argv, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && !options.allowFail) throw new Error(`${argv.join(' ')} exited ${r.status}`);
  return ms;
}

/** Run each named command `runs` times, interleaved, after `warmup` runs; returns samples per name. */
export function interleave(commands, runs = 20, warmup = 3) {
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const [name, fn] of Object.entries(commands)) {
      const ms = fn();
      if (i >= warmup) samples[name].push(ms);
    }
  }
  return samples;
}

/** The p-th percentile (0..100) of a list of numbers. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** The median. */
export const median = (values) => percentile(values, 50);

/** Print one benchmark line: a figure against its anchor and the target (Infinity: none, the line is context). */
export function report(name, figure, anchor, target) {
  const ratio = figure / anchor;
  const verdict = !Number.isFinite(target) ? '(context)' : ratio <= target ? 'ok' : 'OVER TARGET';
  console.log(
    `${name}: ${figure.toFixed(1)} ms vs anchor ${anchor.toFixed(1)} ms = ${ratio.toFixed(2)}x ${Number.isFinite(target) ? `(target <= ${Math.round(target * 1000) / 1000}x) ` : ''}${verdict}`,
  );
  return ratio;
}

/** Print one throughput line (higher is better): a rate against its anchor and the least ratio allowed; `ratio` when measured otherwise (paired runs). */
export function reportRate(name, figure, anchor, target, ratio = figure / anchor, unit = '/s') {
  const verdict = ratio >= target ? 'ok' : 'UNDER TARGET';
  console.log(
    `${name}: ${figure.toFixed(0)}${unit} vs anchor ${anchor.toFixed(0)}${unit} = ${ratio.toFixed(2)}x (target >= ${target}x) ${verdict}`,
  );
  return ratio;
}

// The sandboxing directives install-unit writes into serve's [Service] section.
const SANDBOXING =
  /^(NoNewPrivileges|Protect\w+|ReadWritePaths|Private\w+|DevicePolicy|Restrict\w+|LockPersonality|RemoveIPC|KeyringMode|UMask|CapabilityBoundingSet|AmbientCapabilities|SystemCall\w+)=/;

/** The sandboxing lines of a unit file's text, to run an anchor under the same directives as serve. */
export function sandboxingLines(unitText) {
  return unitText.split('\n').filter((line) => SANDBOXING.test(line));
}
