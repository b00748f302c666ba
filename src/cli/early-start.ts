/**
 * The bundle's `early` entry (scripts/build-cli.mjs): bin/hooksctl loads it, for `validate-unit`,
 * before the rest of the CLI, so that `systemd-analyze verify` is running while the CLI loads.
 * It holds only the analyzer and the guess from argv (src/cli/early-analysis.ts); bin.ts takes
 * what it started with `earlyAnalysisFor`.
 */
import type { Env } from '../runtime.js';
import { startStagedAnalysis } from '../systemd/unit/analyze.js';
import { launchEarlyAnalysis } from './early-analysis.js';

/** Start validate-unit's analysis for `argv` (the user's arguments), if argv names one plainly. */
export function launch(argv: readonly string[], cwd: string, env: Env): void {
  launchEarlyAnalysis(argv, cwd, env, startStagedAnalysis);
}
