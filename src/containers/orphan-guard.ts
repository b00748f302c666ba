/**
 * The orphan guard. A process started by `docker exec` keeps running inside the container when
 * its client dies, so on a force-abort the guard signals the task's processes inside the
 * container: SIGTERM, then SIGKILL after the grace, then removes the PID file.
 *
 * The task's processes are the PID in `/tmp/hooks-<taskId>.pid`, every process carrying
 * `HOOKS_TASK_ID=<taskId>` in its environment, and every process in the task's session (the
 * exec'd process leads one). The image needs a POSIX `sh` with kill, sleep, cat, tr, grep, sed, cut.
 * While it waits out the grace it checks the signalled PIDs with the shell's own `read` (no fork
 * per check), so the grace it gives is close to `graceMs` even with many processes to scan.
 */
import type { ContainerEngine } from './engine.js';
import { taskPidFile } from './task-exec.js';

/** What the guard found and did. */
export interface KillTaskResult {
  /** True when the PID file or a task process was found. */
  found: boolean;
  /** The last signal that was needed, or null when nothing was running. */
  signalled: 'TERM' | 'KILL' | null;
  /** Why the guard could not do its job (engine down, container gone, ...). */
  error?: string;
}

/** Inputs to {@link killTaskInContainer}. */
export interface KillTaskOptions {
  /** The engine. */
  engine: ContainerEngine;
  /** The container the task runs in. */
  container: string;
  /** The task ID. */
  taskId: string;
  /** How long the task gets after SIGTERM before SIGKILL, in ms. */
  graceMs: number;
  /** Cancels the guard's exec. */
  signal?: AbortSignal;
}

// Runs inside the container: $1 task id, $2 PID file, $3 grace in tenths of a second. Prints JSON.
const GUARD_SCRIPT = `id=$1; f=$2; n=$3; main=$(cat "$f" 2>/dev/null)
mine() { tr '\\0' '\\n' < "/proc/$1/environ" 2>/dev/null | grep -qx "HOOKS_TASK_ID=$id"; }
stat4() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1,4; }
case "$main" in ''|*[!0-9]*) main=;; esac
if [ -n "$main" ] && ! mine "$main"; then main=; fi
pids() { for d in /proc/[0-9]*; do p=\${d#/proc/}; [ "$p" = "$$" ] && continue; s=$(stat4 "$p"); case "$s" in ''|Z*) continue;; esac
  if mine "$p" || { [ -n "$main" ] && [ "\${s#* }" = "$main" ]; }; then echo "$p"; fi; done; }
live() { for p in $t; do read -r s 2>/dev/null < "/proc/$p/stat" || continue; case "\${s##*) }" in Z*|X*) ;; *) return 0;; esac; done; return 1; }
found=false; [ -f "$f" ] && found=true
t=$(pids); if [ -z "$t" ]; then rm -f "$f"; echo "{\\"found\\":$found,\\"signalled\\":null}"; exit 0; fi
kill -TERM $t 2>/dev/null; i=0
while [ $i -lt $n ] && live; do sleep 0.1; i=$((i+1)); done
sig=TERM; t=$(pids)
if [ -n "$t" ]; then sig=KILL; kill -KILL $t 2>/dev/null; i=0; while [ $i -lt 20 ] && live; do sleep 0.1; i=$((i+1)); done; fi
rm -f "$f"; echo "{\\"found\\":true,\\"signalled\\":\\"$sig\\"}"`;

/** Signal a task's processes inside its container (TERM, then KILL after `graceMs`). Never throws. */
export async function killTaskInContainer(opts: KillTaskOptions): Promise<KillTaskResult> {
  try {
    const tenths = Math.max(1, Math.ceil(opts.graceMs / 100));
    const r = await opts.engine.exec(
      opts.container,
      ['sh', '-c', GUARD_SCRIPT, 'sh', opts.taskId, taskPidFile(opts.taskId), String(tenths)],
      { signal: opts.signal, timeoutMs: opts.graceMs + 30_000 },
    );
    if (r.exitCode !== 0)
      return { found: false, signalled: null, error: `the guard's exec exited ${r.exitCode}: ${r.stderr || r.stdout}`.trim() };
    return parseGuardOutput(r.stdout);
  } catch (error) {
    return { found: false, signalled: null, error: (error as Error)?.message ?? String(error) };
  }
}

/** Read the guard script's one JSON line. */
export function parseGuardOutput(stdout: string): KillTaskResult {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    const o = JSON.parse(line) as { found?: unknown; signalled?: unknown };
    const signalled = o.signalled === 'TERM' || o.signalled === 'KILL' ? o.signalled : null;
    return { found: o.found === true, signalled };
  } catch {
    return { found: false, signalled: null, error: `unexpected guard output: ${line.slice(0, 120)}` };
  }
}
