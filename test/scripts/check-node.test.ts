// scripts/check-node (and the start of scripts/setup) with fake node, apt-cache, apt-get and id on an isolated
// PATH: the version check, Debian's nodejs candidate, and setup stopping with one line before installing
// anything when no new enough Node can come from Debian. Nothing real is installed: PATH holds only fakes.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useScratchDir } from '../harness/scratch.js';

const CHECK = fileURLToPath(new URL('../../scripts/check-node', import.meta.url));
const SETUP = fileURLToPath(new URL('../../scripts/setup', import.meta.url));
const BASH = '/bin/bash';

describe('scripts/check-node and the Node step of scripts/setup', () => {
  const scratch = useScratchDir('hooks-check-node-');
  let n = 0;
  // A fresh bin dir with the given fake programs (name -> shell body).
  const bin = (fakes: Record<string, string>) => {
    const dir = join(scratch.path, `bin-${n++}`);
    mkdirSync(dir);
    for (const [name, body] of Object.entries(fakes)) {
      writeFileSync(join(dir, name), `#!${BASH}\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    }
    return dir;
  };
  const node = (version: string) => `echo ${version}`;
  const aptCache = (candidate: string) =>
    `[ "$1 $2" = "policy nodejs" ] || exit 1; printf 'nodejs:\\n  Installed: (none)\\n  Candidate: ${candidate}\\n  Version table:\\n'`;
  const check = (dir: string, ...args: string[]) => execa(BASH, [CHECK, ...args], { reject: false, env: { PATH: dir }, extendEnv: false });

  it.each([
    ['v18.19.0', 1],
    ['v20.18.3', 1],
    ['v20.19.0', 0],
    ['v22.1.0', 0],
    ['v100.0.0', 0],
  ])('node %s: exit %i', async (version, code) => {
    const r = await check(bin({ node: node(version) }));
    expect(r.exitCode).toBe(code);
    expect(r.stdout).toContain(version);
  });

  it('node missing: exit 1, "not found"', async () => {
    const r = await check(bin({}));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('node: not found');
  });

  it.each([
    ['18.19.0+dfsg-6~deb12u2', 1],
    ['(none)', 1],
    ['20.19.2+dfsg-1', 0],
    ['1:22.1.0-1nodesource1', 0],
  ])('Debian candidate %s: --apt exits %i', async (candidate, code) => {
    const r = await check(bin({ node: node('v18.19.0'), 'apt-cache': aptCache(candidate) }), '--apt');
    expect(r.exitCode).toBe(code);
    if (code === 0) expect(r.stdout).toBe(candidate);
    else {
      expect(r.stderr.split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/Node >= 20\.19 .*NodeSource/);
    }
  });

  it('no apt-cache at all: --apt exits 1 with the one line', async () => {
    const r = await check(bin({ node: node('v18.19.0') }), '--apt');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^setup: Node >= 20\.19 is required \(node: v18\.19\.0; Debian's nodejs: none\)/);
  });

  // scripts/setup as root (a fake id) with a fake apt-get that logs its calls.
  const setup = async (candidate: string) => {
    const log = join(scratch.path, `apt-${n}.log`);
    const dir = bin({
      id: 'echo 0',
      node: `cat "$(dirname "$0")/node-version" 2>/dev/null || echo v18.19.0`,
      'apt-cache': aptCache(candidate),
      // Installing nodejs makes the fake node new enough.
      'apt-get': `echo "$*" >>${log}; case " $* " in *" nodejs "*) echo v20.19.2 >"$(dirname "$0")/node-version";; esac`,
    });
    symlinkSync('/usr/bin/dirname', join(dir, 'dirname'));
    symlinkSync('/usr/bin/cat', join(dir, 'cat'));
    const r = await execa(BASH, [SETUP], { reject: false, env: { PATH: dir }, extendEnv: false });
    return { r, calls: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [] };
  };

  it('setup with too old a Node and too old a Debian nodejs: exit 1, one line, only apt-get update ran', async () => {
    const { r, calls } = await setup('18.19.0+dfsg-6~deb12u2');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('Node >= 20.19');
    expect(calls).toEqual(['update -qq']);
  });

  it('setup with a new enough Debian nodejs installs it before any other package', async () => {
    const { r, calls } = await setup('20.19.2+dfsg-1');
    expect(r.stdout).toContain('setup: node v20.19.2');
    expect(calls[0]).toBe('update -qq');
    expect(calls[1]).toMatch(/^install .* nodejs$/);
    const others = calls.findIndex((c) => c.includes('libsystemd-dev'));
    expect(others).toBeGreaterThan(1);
    expect(calls[others]).toContain('chromium');
    expect(calls[others]).toContain('postgresql');
  });
});
