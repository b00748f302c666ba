/** What every CLI command receives: the injected outside world and a way to set the exit code. */
import { ExitCode } from '../errors.js';
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

/** A full context for `ctx`, and the exit code its verb set (0 unless it called `setExitCode`). */
export function withExitCode(ctx: Omit<CliContext, 'setExitCode'>): { ctx: CliContext; code(): number } {
  let code: number = ExitCode.ok;
  return {
    ctx: {
      ...ctx,
      setExitCode: (c) => {
        code = c;
      },
    },
    code: () => code,
  };
}
