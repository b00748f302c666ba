/**
 * Run a short command (systemctl, journalctl, systemd-analyze) and capture its output.
 * node:child_process rather than execa: `validate-unit` runs these on every call, and
 * importing execa alone costs ~90 ms of its start-up (see bench/validate).
 */
import { execFile } from 'node:child_process';
import type { Env } from './runtime.js';

/** The outcome of one command; a non-zero exit is a result, not an exception. */
export interface CommandResult {
  /** The exit code (127 when the program is missing). */
  exitCode: number;
  /** Captured stdout. */
  stdout: string;
  /** Captured stderr. */
  stderr: string;
}

/** The injected Env as a plain record for a command, with systemd's pager and colours off. */
export function commandEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = { SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Run a program, never throwing on a non-zero exit or a missing binary. */
export function runCommand(
  file: string,
  args: readonly string[],
  o: { env: Env; signal?: AbortSignal | undefined; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      [...args],
      {
        env: commandEnv(o.env),
        maxBuffer: 16 * 1024 * 1024,
        ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      },
      (error, stdout, stderr) => {
        const code = (error as NodeJS.ErrnoException | null)?.code;
        if (code === 'ENOENT') resolve({ exitCode: 127, stdout: '', stderr: `${file}: not found` });
        else if ((error as { killed?: boolean } | null)?.killed && o.timeoutMs)
          resolve({ exitCode: 124, stdout, stderr: `${file} timed out after ${o.timeoutMs} ms` });
        else resolve({ exitCode: error === null ? 0 : typeof code === 'number' ? code : (child.exitCode ?? 1), stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}
