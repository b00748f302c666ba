/**
 * The socket-activation protocol of sd_listen_fds(3): the manager passes listening sockets as
 * fds 3, 4, … and describes them in LISTEN_FDS (how many), LISTEN_PID (for whom) and
 * LISTEN_FDNAMES (a colon-separated name per fd). Pure: it reads an injected {@link Env}.
 * See https://www.freedesktop.org/software/systemd/man/sd_listen_fds.html
 */
import { ExitCode, HooksError } from '../../errors.js';
import type { Env } from '../../runtime.js';

/** The first passed fd (SD_LISTEN_FDS_START). */
export const LISTEN_FDS_START = 3;

/** The variables of the protocol; a service clears them so its children do not see them. */
export const LISTEN_ENV_KEYS = ['LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES'] as const;

/** One passed fd and its name (`unknown` when LISTEN_FDNAMES is unset, as sd_listen_fds_with_names(3) says). */
export interface ListenFd {
  /** The fd number (3, 4, …). */
  fd: number;
  /** Its FileDescriptorName= (systemd.socket(5)); by default the socket unit's name. */
  name: string;
}

/** What the environment says: fds for this process, or why there are none. */
export type ListenFds = { passed: true; fds: ListenFd[] } | { passed: false; reason: 'not-set' | 'other-pid' };

const DIGITS = /^[0-9]+$/;

/**
 * Read LISTEN_FDS / LISTEN_PID / LISTEN_FDNAMES for the process `pid`. Unset, or set for another
 * process (inherited from a parent), is a result; a malformed value is `hooks.serve.listen_fds` (exit 78).
 */
export function parseListenFds(env: Env, pid: number): ListenFds {
  const count = env['LISTEN_FDS'];
  const owner = env['LISTEN_PID'];
  if (count === undefined || count === '' || owner === undefined || owner === '') return { passed: false, reason: 'not-set' };
  if (!DIGITS.test(owner)) throw malformed(`Expected \`LISTEN_PID\` to be a process id, got ${JSON.stringify(owner)}`);
  if (Number(owner) !== pid) return { passed: false, reason: 'other-pid' };
  if (!DIGITS.test(count)) throw malformed(`Expected \`LISTEN_FDS\` to be a number of fds, got ${JSON.stringify(count)}`);
  const n = Number(count);
  const names = env['LISTEN_FDNAMES'];
  const split = names === undefined ? null : names.split(':');
  if (split !== null && split.length !== n)
    throw malformed(`Expected \`LISTEN_FDNAMES\` to name ${n} fd(s), got ${split.length} name(s) in ${JSON.stringify(names)}`);
  const fds = Array.from({ length: n }, (_, i) => ({ fd: LISTEN_FDS_START + i, name: split?.[i] ?? 'unknown' }));
  return { passed: true, fds };
}

// A malformed variable is a broken unit or launcher: a config error.
function malformed(message: string): HooksError {
  return new HooksError('hooks.serve.listen_fds', message, { exitCode: ExitCode.config });
}

/** `env` without the LISTEN_* variables: the base environment of every task child. */
export function withoutListenEnv(env: Env): Env {
  const out: Record<string, string | undefined> = { ...env };
  for (const key of LISTEN_ENV_KEYS) delete out[key];
  return out;
}
