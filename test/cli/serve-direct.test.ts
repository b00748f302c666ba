// serve's direct start: the unit's own command lines skip commander, everything else goes through
// the full CLI; either way a bad config or a bad option is reported the same, by the built bin.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { directServeArgs } from '../../src/cli/serve-direct.js';

const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));

describe('directServeArgs', () => {
  it('takes serve, serve --config F, serve -c F and serve --config=F', () => {
    expect(directServeArgs(['serve'])).toEqual({ config: undefined });
    expect(directServeArgs(['serve', '--config', '/etc/a.json'])).toEqual({ config: '/etc/a.json' });
    expect(directServeArgs(['serve', '-c', 'a.json'])).toEqual({ config: 'a.json' });
    expect(directServeArgs(['serve', '--config=/x y/a.json'])).toEqual({ config: '/x y/a.json' });
  });
  it('leaves everything else to the full CLI', () => {
    for (const argv of [
      [],
      ['--help'],
      ['status'],
      ['serve', '--help'],
      ['serve', '-h'],
      ['serve', '--config'],
      ['serve', '--config', ''],
      ['serve', '--config', '--help'],
      ['serve', '--config='],
      ['serve', '--config', 'a.json', '--json'],
      ['serve', 'extra'],
      ['serve', '--conf', 'a.json'],
    ])
      expect(directServeArgs(argv), argv.join(' ')).toBeNull();
  });
});

describe('serve started directly, by the built bin', () => {
  it('reports a bad config as the full CLI does (exit 78, the same line), whichever spelling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooks-serve-direct-'));
    try {
      const config = join(dir, 'agents.json');
      writeFileSync(config, JSON.stringify({ service: { port: 'x' } }));
      const spellings = [['--config', config], ['-c', config], [`--config=${config}`]];
      const results = await Promise.all(spellings.map((args) => execa(BIN, ['serve', ...args], { reject: false })));
      for (const r of results) {
        expect(r.exitCode).toBe(78);
        expect(r.stderr).toMatch(
          /^hooksctl: .*service\.port: Invalid input: expected number, received string.* \[hooks\.config\.invalid\]$/m,
        );
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      // The same config through commander (an argv the direct start leaves to it) says the same.
      const viaCli = await execa(BIN, ['serve', '--config', config, '--help'], { reject: false });
      expect(viaCli.exitCode).toBe(0); // --help wins, as commander does
      const unknown = await execa(BIN, ['serve', '--config', config, '--bogus'], { reject: false });
      expect(unknown.exitCode).toBe(2);
      expect(unknown.stderr).toContain("unknown option '--bogus'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
