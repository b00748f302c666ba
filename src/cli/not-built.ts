/** The placeholder action for verbs that are registered but not built yet: exit 70, never silent success. */
import { ExitCode, HooksError } from '../errors.js';

/** Throw the "not built yet" error for `verb`. */
export function notBuilt(verb: string): never {
  throw new HooksError('hooks.cli.not_implemented', `'hooksctl ${verb}' is not built yet in this version`, { exitCode: ExitCode.internal });
}
