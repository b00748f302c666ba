/**
 * `validate-unit`'s two systemd-analyze runs, started before the CLI is built, so that they
 * overlap loading commander and the rules rather than follow them (the analyzers are most of the
 * verb's time). It is a guess from argv (the one argument naming a .service or .socket file,
 * `--system` for the scope, no `--no-analyze`), and the command takes it only when its own parse
 * agrees on the file and the scope; otherwise it is aborted, and so is one nobody took.
 *
 * The bundled CLI starts it earlier still: bin/hooksctl loads the `early` entry
 * (`src/cli/early-start.ts`) before the rest of the bundle, which calls {@link launchEarlyAnalysis},
 * and bin.ts then picks that one up with {@link earlyAnalysisFor}.
 */
import { resolve } from 'node:path';
import { CONFIG_FLAGS } from './config-option.js';
import type { Env } from '../runtime.js';
import type { StagedAnalysis } from '../systemd/unit/analyze.js';

/** An analysis started early, for the command to take. */
export interface EarlyAnalysis {
  /** The analysis, when it was started for this file (absolute) and scope; otherwise it is aborted and null returned. */
  take(file: string, scope: 'user' | 'system'): StagedAnalysis | null;
  /** Abort it unless taken (the run is over). */
  abandon(): void;
}

/** The file and scope `validate-unit` would analyze for `argv` (user args), or null when that is not plain to see. */
export function guessAnalysis(argv: readonly string[], cwd: string): { file: string; scope: 'user' | 'system' } | null {
  if (argv[0] !== 'validate-unit' || argv.some((a) => a === '--no-analyze' || a === '-h' || a === '--help')) return null;
  const positional = argv.slice(1).filter((a, i, rest) => !a.startsWith('-') && !isConfigFlag(rest[i - 1]));
  const [file] = positional;
  if (positional.length !== 1 || file === undefined || !/\.(service|socket)$/.test(file)) return null;
  return { file: resolve(cwd, file), scope: argv.includes('--system') ? 'system' : 'user' };
}

const isConfigFlag = (arg: string | undefined): boolean => arg === CONFIG_FLAGS.long || arg === CONFIG_FLAGS.short;

/** What starts the two runs: `startStagedAnalysis` of `systemd/unit/analyze.ts`. */
export type StartStagedAnalysis = typeof import('../systemd/unit/analyze.js').startStagedAnalysis;

// The analyzer module on demand: bin.ts's static graph stays free of node:child_process (--help does not need it).
const importStarter = async (): Promise<StartStagedAnalysis> => (await import('../systemd/unit/analyze.js')).startStagedAnalysis;

/**
 * Start the analysis {@link guessAnalysis} sees for `argv`, if any. With `start` it starts at once
 * (the caller has the analyzer loaded); without, once the analyzer module is imported.
 */
export function startEarlyAnalysis(argv: readonly string[], cwd: string, env: Env, start?: StartStagedAnalysis): EarlyAnalysis | undefined {
  const guess = guessAnalysis(argv, cwd);
  if (guess === null) return undefined;
  const abort = new AbortController();
  let taken = false;
  let released = false;
  const begin = (startStaged: StartStagedAnalysis): StagedAnalysis => {
    const s = startStaged(guess.file, { scope: guess.scope, env, signal: abort.signal });
    if (released) s.release();
    return s;
  };
  const staged = start !== undefined ? Promise.resolve(begin(start)) : importStarter().then(begin);
  const result = staged.then((s) => s.result);
  result.catch(() => undefined); // an aborted or failed guess is never awaited by anyone
  const analysis: StagedAnalysis = {
    result,
    release() {
      released = true;
      void staged.then((s) => s.release());
    },
  };
  return {
    take(file, scope) {
      if (taken || file !== guess.file || scope !== guess.scope) {
        if (!taken) abort.abort();
        return null;
      }
      taken = true;
      return analysis;
    },
    abandon() {
      if (!taken) abort.abort();
    },
  };
}

// The one the launcher started, for the argv and cwd it was started for, until bin.ts takes it.
let launched: { argv: readonly string[]; cwd: string; analysis: EarlyAnalysis | undefined } | undefined;

/**
 * Start the analysis for `argv` now, with the analyzer `start` already loaded, and keep it for
 * {@link earlyAnalysisFor}: what the launcher's `early` entry does before the CLI loads.
 */
export function launchEarlyAnalysis(argv: readonly string[], cwd: string, env: Env, start: StartStagedAnalysis): void {
  launched = { argv: [...argv], cwd, analysis: startEarlyAnalysis(argv, cwd, env, start) };
}

/**
 * The analysis for `argv`: the one {@link launchEarlyAnalysis} started for the same argv and cwd
 * (handed out once), else one started now by {@link startEarlyAnalysis} (tsc's dist/cli/bin.js has no launcher).
 */
export function earlyAnalysisFor(argv: readonly string[], cwd: string, env: Env): EarlyAnalysis | undefined {
  const prior = launched;
  launched = undefined;
  if (prior !== undefined && prior.cwd === cwd && sameArgs(prior.argv, argv)) return prior.analysis;
  prior?.analysis?.abandon();
  return startEarlyAnalysis(argv, cwd, env);
}

const sameArgs = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
