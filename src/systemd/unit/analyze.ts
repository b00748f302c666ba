/**
 * Runners for `systemd-analyze verify` and `systemd-analyze security --offline=yes`
 * (systemd-analyze(1)). Not being able to run them is a result with a reason, never an error.
 */
import { basename } from 'node:path';
import type { Env } from '../../runtime.js';
import { runCommand } from '../../run-command.js';
import type { ManagerOptions } from '../systemctl.js';

/** How long one systemd-analyze run may take before its finding is reported as unavailable. */
export const ANALYZE_TIMEOUT_MS = 20_000;

/** What `verify` said: its messages (with the line when it names one), or why it could not run. */
export type VerifyResult =
  { available: true; exitCode: number; messages: { line: number | null; message: string }[] } | { available: false; reason: string };

/** What `security --offline=yes` said: the overall exposure (0 best .. 10 worst), or why it could not run. */
export type SecurityResult = { available: true; exposure: number } | { available: false; reason: string };

const UNIT_NAME = /^[A-Za-z0-9:_.\\@-]+\.service$/;
const SOCKET_NAME = /^[A-Za-z0-9:_.\\@-]+\.socket$/;
const MANAGER_FAILED =
  /Failed to (initialize manager|setup working directory|lookup RuntimeDirectory|connect to bus)|No such device or address/;

/**
 * Run `systemd-analyze [--user] verify --man=no FILE` and parse `FILE:LINE: message` lines.
 * `--man=no`: by default verify runs `man` for every `Documentation=man:` page and fails the unit
 * when the page is missing, which on a host without man pages (minimal and container images)
 * would refuse a unit that runs fine.
 */
export async function analyzeVerify(file: string, o: ManagerOptions): Promise<VerifyResult> {
  if (!UNIT_NAME.test(basename(file)) && !SOCKET_NAME.test(basename(file)))
    return { available: false, reason: `inapplicable: ${basename(file)} is not a .service or .socket unit name` };
  const r = await runCommand('systemd-analyze', [...(o.scope === 'user' ? ['--user'] : []), 'verify', '--man=no', file], {
    ...o,
    timeoutMs: ANALYZE_TIMEOUT_MS,
  });
  if (r.exitCode === 127) return { available: false, reason: 'systemd-analyze is not installed' };
  if (r.exitCode === 124) return { available: false, reason: r.stderr };
  const text = `${r.stderr}\n${r.stdout}`;
  if (r.exitCode !== 0 && MANAGER_FAILED.test(text))
    return { available: false, reason: `unavailable: no ${o.scope} manager to verify against (${firstLine(text)})` };
  const prefix = `${file}:`;
  const messages = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = l.startsWith(prefix) ? /^(\d+): (.*)$/.exec(l.slice(prefix.length)) : null;
      return m ? { line: Number(m[1]), message: m[2] ?? '' } : { line: null, message: l.trim() };
    });
  return { available: true, exitCode: r.exitCode, messages };
}

/** Run `systemd-analyze security --offline=yes FILE` (the offline score does not depend on the scope). */
export async function analyzeSecurity(file: string, o: ManagerOptions): Promise<SecurityResult> {
  if (!UNIT_NAME.test(basename(file))) return { available: false, reason: `inapplicable: ${basename(file)} is not a .service unit name` };
  const r = await runCommand('systemd-analyze', ['security', '--offline=yes', '--no-pager', file], { ...o, timeoutMs: ANALYZE_TIMEOUT_MS });
  if (r.exitCode === 127) return { available: false, reason: 'systemd-analyze is not installed' };
  if (r.exitCode === 124) return { available: false, reason: r.stderr };
  const m = /Overall exposure level for .*?: (\d+(?:\.\d+)?)/.exec(r.stdout);
  if (m === null) return { available: false, reason: `security --offline=yes gave no score (${firstLine(`${r.stderr}\n${r.stdout}`)})` };
  return { available: true, exposure: Number(m[1]) };
}

// The first non-empty line of a text.
function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'no output'
  );
}

/** The two systemd-analyze results, started early so they overlap the caller's own work. */
export interface UnitAnalysis {
  /** `systemd-analyze verify`. */
  verify: VerifyResult;
  /** `systemd-analyze security --offline=yes`. */
  security: SecurityResult;
}

/** Start `verify` and `security --offline=yes` on a unit file at once (they run as child processes). */
export function startAnalysis(file: string, o: { scope: 'user' | 'system'; env: Env; signal?: AbortSignal }): Promise<UnitAnalysis> {
  const staged = startStagedAnalysis(file, o);
  staged.release();
  return staged.result;
}

/** An analysis whose `security` run waits for {@link StagedAnalysis.release}. */
export interface StagedAnalysis {
  /** Both results, once both ran. */
  result: Promise<UnitAnalysis>;
  /** Start `security` (idempotent). */
  release(): void;
}

/**
 * Start `verify` now and `security` once released: verify is the long run (~60 ms against ~20),
 * so the caller releases security when its own loading is done, and the three processes do not
 * share two cores at once (measured: verify then ends ~10 ms sooner).
 */
export function startStagedAnalysis(file: string, o: { scope: 'user' | 'system'; env: Env; signal?: AbortSignal }): StagedAnalysis {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const verify = analyzeVerify(file, o);
  const security = released.then(() => analyzeSecurity(file, o));
  return { result: Promise.all([verify, security]).then(([v, s]) => ({ verify: v, security: s })), release: () => release() };
}
