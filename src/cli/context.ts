/** What every CLI command receives: the injected outside world and a way to set the exit code. */
import type { Runtime } from '../runtime.js';
import type { EarlyAnalysis } from './early-analysis.js';

/** Shared context for `makeXCommand(ctx)` factories. */
export interface CliContext {
  /** The outside world (env, clock, signals, stdout, stderr, exit). */
  runtime: Runtime;
  /** Absolute path of the node binary running the CLI. */
  execPath: string;
  /** Absolute path of the CLI entry (bin/hooksctl), used when writing unit files. */
  entryPath: string;
  /** Record the exit code the process should end with. */
  setExitCode(code: number): void;
  /** `validate-unit`'s systemd-analyze runs, when bin.ts started them before building the CLI. */
  earlyAnalysis?: EarlyAnalysis | undefined;
}
