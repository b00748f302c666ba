/**
 * `node:crypto`, loaded on first use: importing it costs 4-5 ms, which `serve` would otherwise
 * pay on its way to READY=1 although nothing before READY needs it (the config fingerprints use
 * src/sha256.ts). The first task id, webhook signature or token check loads it.
 */
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

let loaded: typeof Crypto | undefined;

/** The `node:crypto` module, required the first time this is called. */
export function nodeCrypto(): typeof Crypto {
  loaded ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto;
  return loaded;
}
