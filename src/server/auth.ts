/** Bearer-token checks in constant time. */
import { nodeCrypto } from '../lazy-crypto.js';

/** True when `given` is the expected token; both are hashed first, so the comparison takes the same time whatever their lengths. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const { createHash, timingSafeEqual } = nodeCrypto();
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** True when `header` is `Bearer <token>` for the expected token. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  return tokenMatches(header.slice(7), token);
}
