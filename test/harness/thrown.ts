// The error a call throws, for tests that look at it (code, exit code, details); a call that does not throw fails the test.
import type { HooksError } from '../../src/errors.js';

/** Run `fn` and return what it threw (typed as a HooksError); throws when it returns instead. */
export function thrown(fn: () => unknown, what = 'the call to throw'): HooksError {
  try {
    fn();
  } catch (error) {
    return error as HooksError;
  }
  throw new Error(`expected ${what}`);
}
