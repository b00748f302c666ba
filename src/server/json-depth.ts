/**
 * Nesting depth of parsed JSON. Deeply nested input parses fine but overflows the stack when it
 * is stored (`JSON.stringify` recurses), so the HTTP routes refuse it with 400 up front.
 */

/** The deepest nesting a task payload or webhook body may have. Real payloads stay well under 20. */
export const MAX_JSON_DEPTH = 64;

/** True when `value` nests arrays/objects more than `max` levels deep (checked without recursion). */
export function jsonTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.v !== 'object' || item.v === null) continue;
    if (item.depth >= max) return true;
    for (const child of Object.values(item.v)) stack.push({ v: child, depth: item.depth + 1 });
  }
  return false;
}
