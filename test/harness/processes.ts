/**
 * Helpers for integration tests with real processes: fixture paths, polling for a condition,
 * PIDs printed by fixtures, and the check that no process of a tree survived.
 */
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../src/supervisor/proc.js';

/** The absolute path of a file in test/fixtures/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** Poll `check` every 20 ms until it returns a non-undefined, non-false value; throws after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The PID printed after `label ` in a fixture's output, if it has appeared. */
export function pidAfter(output: string, label: string): number | undefined {
  const match = new RegExp(`\\b${label} (\\d+)`).exec(output);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The PIDs among `pids` that are still alive (zombies count as dead), after waiting up to `timeoutMs` for them to go. */
export async function survivors(pids: readonly number[], timeoutMs = 5000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter((pid) => isAlive(pid));
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** SIGKILL each PID that is still alive (test cleanup; errors ignored). */
export function killAll(pids: readonly (number | undefined)[]): void {
  for (const pid of pids) {
    if (pid === undefined || !isAlive(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
