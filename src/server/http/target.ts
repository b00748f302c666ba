/** The request target: its origin form (path and query) and the query as an object. */

/**
 * The request target in origin form: an absolute-form target (`http://host/x?y`, which RFC 9112
 * says a server must accept) loses its scheme and authority; any other target is kept as sent.
 */
export function originForm(target: string): string {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (absolute === null) return target;
  const rest = target.slice(absolute[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** The query string as an object: a string per key, an array when the key repeats (`+` is a space, as in forms). */
export function parseQuery(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(search)) {
    const had = query[key];
    query[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return query;
}
