/** Bearer-token check in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when `header` is `Bearer <token>` for the expected token. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  const given = createHash('sha256').update(header.slice(7)).digest();
  const want = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, want);
}
