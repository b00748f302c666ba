/**
 * `validate-unit`'s two systemd-analyze runs, started before the CLI is built, so that they
 * overlap loading commander and the rules rather than follow them (the analyzers are most of the
 * verb's time). It is a guess from argv (the one argument naming a .service or .socket file,
 * `--system` for the scope, no `--no-analyze`), and the command takes it only when its own parse
 * agrees on the file and the scope; otherwise it is aborted, and so is one nobody took.
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

/** Start the analysis {@link guessAnalysis} sees for `argv`, if any. */
export function startEarlyAnalysis(argv: readonly string[], cwd: string, env: Env): EarlyAnalysis | undefined {
  const guess = guessAnalysis(argv, cwd);
  if (guess === null) return undefined;
  const abort = new AbortController();
  let taken = false;
  let released = false;
  const staged = import('../systemd/unit/analyze.js').then(({ startStagedAnalysis }) => {
    const s = startStagedAnalysis(guess.file, { scope: guess.scope, env, signal: abort.signal });
    if (released) s.release();
    return s;
  });
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
