// Names, canonical JSON and the config hash: wire formats, checked byte for byte.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configHash, containerName } from '../../src/containers/labels.js';
import { canonicalJson } from '../../src/config/fingerprint.js';

describe('containerName', () => {
  it('joins the service and the instance', () => {
    expect(containerName('claude-hooks', 'dev-2')).toBe('claude-hooks-dev-2');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('drops undefined members and keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });
});

describe('configHash', () => {
  const spec = { image: 'img:1', command: ['run', 'it'], env: { B: '2', A: '1' }, mounts: ['/h:/c:ro'], network: 'none' };
  it('is the sha256 of the canonical JSON of image, command, env, mounts, network', () => {
    const expected = createHash('sha256')
      .update('{"command":["run","it"],"env":{"A":"1","B":"2"},"image":"img:1","mounts":["/h:/c:ro"],"network":"none"}')
      .digest('hex');
    expect(configHash(spec)).toBe(expected);
  });
  it('ignores env key order and changes with any covered field', () => {
    const base = configHash(spec);
    expect(configHash({ ...spec, env: { A: '1', B: '2' } })).toBe(base);
    for (const changed of [{ image: 'img:2' }, { command: ['run'] }, { env: { A: '1' } }, { mounts: [] }, { network: null }]) {
      expect(configHash({ ...spec, ...changed })).not.toBe(base);
    }
  });
});
