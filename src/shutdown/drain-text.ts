/** The drain's human text: STATUS= lines and journal messages share these. */

/** `1 task`, `2 tasks`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The STATUS= countdown while draining: `draining 1 task, 12 s left`. */
export function describeDrain(busy: number, remainingMs: number): string {
  return `draining ${plural(busy, 'task')}, ${Math.ceil(Math.max(0, remainingMs) / 1000)} s left`;
}
