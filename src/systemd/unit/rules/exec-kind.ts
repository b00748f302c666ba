/** Classify Exec*= command lines: does this run hooksctl, and does it start or stop containers some other way? */
import { basename } from 'node:path';
import { parseExecLine } from '../exec-line.js';

/** The argv of an Exec*= value, or null when it cannot be read. */
export function execArgv(value: string): string[] | null {
  const parsed = parseExecLine(value);
  return 'error' in parsed ? null : parsed.argv;
}

/** The hooksctl verb this command runs (`serve`, `agents-sync`, ...), or null when it is not hooksctl. */
export function hooksctlVerb(argv: readonly string[]): string | null {
  const i = argv.findIndex((a, n) => n < 2 && (basename(a) === 'hooksctl' || a.endsWith('/dist/cli/bin.js')));
  if (i < 0) return null;
  return argv.slice(i + 1).find((a) => !a.startsWith('-')) ?? '';
}

const CONTAINER_TOOLS = new Set(['docker', 'podman', 'docker-compose', 'nerdctl', 'just', 'make']);
const CONTAINER_WORDS = /\b(docker|podman|nerdctl)\b|\bjust\b|\bmake\b/;

/** True when the command manages containers with something other than hooksctl (docker/podman, a just or make recipe, a shell loop). */
export function foreignContainerCommand(argv: readonly string[]): boolean {
  if (hooksctlVerb(argv) !== null) return false;
  if (argv.some((a, n) => n < 2 && CONTAINER_TOOLS.has(basename(a)))) return true;
  const shell = argv[0] !== undefined && /^(ba|da|z)?sh$/.test(basename(argv[0]));
  return shell && argv.slice(1).some((a) => CONTAINER_WORDS.test(a));
}
