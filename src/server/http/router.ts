/**
 * The route table of the HTTP front door: `METHOD /path/:param` patterns, matched segment by
 * segment on the percent-decoded path (so `/%74ask` is `/task`, and `..%2f..` stays inside one
 * parameter). HEAD is answered by the GET route. A path that does not decode is a 400, and a
 * parameter longer than {@link MAX_PARAM_LENGTH} a 414, before any route runs.
 */

/** The longest path parameter accepted (a task id is 36 characters). */
export const MAX_PARAM_LENGTH = 100;

/** A route: its method, its pattern and what the app attached to it. */
export interface Route<T> {
  /** GET, POST, ... */
  method: string;
  /** The pattern it was added with, e.g. `/tasks/:id`. */
  pattern: string;
  /** What the app runs for it. */
  value: T;
}

/** What {@link Router.find} found for a request. */
export type RouteMatch<T> =
  | { kind: 'route'; route: Route<T>; params: Record<string, string> }
  | { kind: 'none'; path: string }
  | { kind: 'bad_url'; status: 400 | 414; message: string };

/** A route table. */
export interface Router<T> {
  /** Add a route; a second route with the same method and pattern is a programming error. */
  add(method: string, pattern: string, value: T): void;
  /** The route for `method` and the raw path (no query), its parameters, or why there is none. */
  find(method: string, rawPath: string): RouteMatch<T>;
  /** True when a route has this method and pattern. */
  has(method: string, pattern: string): boolean;
}

interface Compiled<T> {
  route: Route<T>;
  parts: readonly string[];
}

/** An empty route table. */
export function createRouter<T>(): Router<T> {
  const routes: Compiled<T>[] = [];
  return {
    add(method, pattern, value) {
      if (routes.some((r) => r.route.method === method && r.route.pattern === pattern))
        throw new Error(`route ${method} ${pattern} is already defined`);
      routes.push({ route: { method, pattern, value }, parts: pattern.split('/') });
    },
    has: (method, pattern) => routes.some((r) => r.route.method === method && r.route.pattern === pattern),
    find(method, rawPath) {
      const segments: string[] = [];
      for (const raw of rawPath.split('/')) {
        try {
          segments.push(decodeURIComponent(raw));
        } catch {
          return { kind: 'bad_url', status: 400, message: `'${rawPath.slice(0, 200)}' is not a valid url component` };
        }
      }
      const wanted = method === 'HEAD' ? 'GET' : method;
      for (const { route, parts } of routes) {
        if (route.method !== wanted) continue;
        const params = matchParts(parts, segments);
        if (params === null) continue;
        if (Object.values(params).some((p) => p.length > MAX_PARAM_LENGTH))
          return { kind: 'bad_url', status: 414, message: `A path parameter is longer than ${MAX_PARAM_LENGTH} characters` };
        return { kind: 'route', route, params };
      }
      return { kind: 'none', path: segments.join('/') };
    },
  };
}

// The parameters when `segments` fit the pattern's `parts`, else null. A parameter takes one non-empty segment.
function matchParts(parts: readonly string[], segments: readonly string[]): Record<string, string> | null {
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [i, part] of parts.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith(':')) {
      if (segment === '') return null;
      params[part.slice(1)] = segment;
    } else if (part !== segment) return null;
  }
  return params;
}
