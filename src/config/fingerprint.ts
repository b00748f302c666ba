/**
 * Fingerprints of config values: sha256 over canonical JSON (object keys sorted at every
 * level), so equal values give equal fingerprints whatever their key order. The container
 * reconciler labels containers with one; the agents table records one per instance.
 */
import { sha256Hex } from '../sha256.js';

/** JSON with object keys sorted at every level, so equal values give equal bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The sha256 (hex) of the canonical JSON of `value`. */
export function fingerprint(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
