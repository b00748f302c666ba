// The plain-JavaScript SHA-256 behind the config fingerprints gives node:crypto's digests.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/sha256.js';

const reference = (text: string): string => createHash('sha256').update(text).digest('hex');

// A string of `length` code points, mostly ASCII, some from anywhere in Unicode (lone surrogates included).
function randomText(length: number, random: () => number): string {
  return Array.from({ length }, () => String.fromCodePoint(Math.floor(random() * (random() < 0.8 ? 0x80 : 0x110000)))).join('');
}

// A small seeded generator (mulberry32), so a failure can be run again.
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('sha256Hex', () => {
  it('gives the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto at every padding boundary (55, 56, 63, 64 bytes and around)', () => {
    for (let n = 0; n <= 130; n++) expect(sha256Hex('x'.repeat(n))).toBe(reference('x'.repeat(n)));
  });

  it('agrees with node:crypto on UTF-8 text, long text and lone surrogates', () => {
    for (const text of ['héllo ✓ 😀', '\u0000\n\r\t', '\ud800', 'a\udfffb', 'z'.repeat(100_000)])
      expect(sha256Hex(text)).toBe(reference(text));
    const random = seeded(15);
    for (let i = 0; i < 500; i++) {
      const text = randomText(Math.floor(random() * 300), random);
      expect(sha256Hex(text)).toBe(reference(text));
    }
  });
});
