/** The promise form of the supervisor: run one child to its outcome. */
import type { RunOptions } from './options.js';
import type { Outcome } from './outcome.js';
import { spawnSupervised } from './spawn.js';

/**
 * Run `options.command` in its own process group and resolve with its {@link Outcome}.
 * Never rejects (invalid options give a `spawn-failed` outcome naming the option) and never
 * hangs: after SIGKILL or the child's exit, the wait delay bounds the wait for the pipes.
 */
export function runSupervised(options: RunOptions): Promise<Outcome> {
  return spawnSupervised(options).outcome;
}
