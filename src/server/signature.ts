/**
 * Webhook signatures: HMAC-SHA256 of the raw body, from X-Forgejo-Signature or
 * X-Gitea-Signature (hex) or GitHub's X-Hub-Signature-256 (`sha256=<hex>`), compared in
 * constant time. Pure; no I/O.
 */
import { nodeCrypto } from '../lazy-crypto.js';

/** Why a signature was rejected, or that it was accepted. */
export type SignatureCheck = { ok: true; header: string } | { ok: false; reason: 'no-secret' | 'missing' | 'malformed' | 'mismatch' };

/** Header names we accept, in order of preference (lower case, as Node gives them). */
export const SIGNATURE_HEADERS = ['x-forgejo-signature', 'x-gitea-signature', 'x-hub-signature-256'] as const;

/** The hex HMAC-SHA256 of `body` under `secret`. */
export function signBody(secret: string, body: Buffer | string): string {
  return nodeCrypto().createHmac('sha256', secret).update(body).digest('hex');
}

/** Check a raw body against the signature headers. */
export function verifySignature(
  secret: string | undefined,
  body: Buffer,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): SignatureCheck {
  if (secret === undefined || secret === '') return { ok: false, reason: 'no-secret' };
  for (const name of SIGNATURE_HEADERS) {
    const raw = headers[name];
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? (raw[0] ?? '') : raw;
    const hex = name === 'x-hub-signature-256' ? (value.startsWith('sha256=') ? value.slice(7) : '') : value;
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(signBody(secret, body), 'hex');
    return nodeCrypto().timingSafeEqual(expected, Buffer.from(hex, 'hex')) ? { ok: true, header: name } : { ok: false, reason: 'mismatch' };
  }
  return { ok: false, reason: 'missing' };
}
