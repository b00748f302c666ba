/** The drain state machine's states, as a literal union, and the allowed transitions. */

/** `running → refusing → draining → aborting → cleaning → done` (aborting is skipped when the drain finishes in time). */
export type DrainState = 'running' | 'refusing' | 'draining' | 'aborting' | 'cleaning' | 'done';

const NEXT: Readonly<Record<DrainState, readonly DrainState[]>> = {
  running: ['refusing'],
  refusing: ['draining', 'aborting'],
  draining: ['aborting', 'cleaning'],
  aborting: ['cleaning'],
  cleaning: ['done'],
  done: [],
};

/** True when `from → to` is a legal step. */
export function canMove(from: DrainState, to: DrainState): boolean {
  return NEXT[from].includes(to);
}
