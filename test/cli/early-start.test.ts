// bin/hooksctl starts validate-unit's systemd-analyze before the rest of the CLI loads: the `early`
// entry (src/cli/early-start.ts) and what it needs come from their own files, ahead of bin.cjs and
// without opening the pack, and bin.ts takes the analysis they started instead of starting another.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
const LOADER = fileURLToPath(new URL('../../bin/load-bundle.cjs', import.meta.url));
const BUNDLE = new URL('../../dist/bundle/', import.meta.url);

// A systemd-analyze on PATH that logs each call's first argument, then runs the real one.
function loggingAnalyze(dir: string): string {
  const real = '/usr/bin/systemd-analyze';
  writeFileSync(join(dir, 'systemd-analyze'), `#!/bin/sh\necho "$1" >> ${JSON.stringify(join(dir, 'calls'))}\nexec ${real} "$@"\n`);
  chmodSync(join(dir, 'systemd-analyze'), 0o755);
  return join(dir, 'calls');
}

describe('validate-unit started early by bin/hooksctl', () => {
  it('runs systemd-analyze once per check, started before bin.cjs loads, and reports it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooks-early-start-'));
    try {
      const calls = loggingAnalyze(dir);
      const unit = join(dir, 'early.service');
      writeFileSync(unit, '[Service]\nType=notify\nExecStart=/bin/true\n');
      const r = await execa(process.execPath, [BIN, 'validate-unit', unit, '--system', '--json'], {
        env: { PATH: `${dir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, HOOKSCTL_DEBUG_CODE_CACHE: '1' },
        reject: false,
      });
      const verdict = JSON.parse(r.stdout) as { notes: string[]; exposure: number | null };
      expect(verdict.notes).toContain('systemd-analyze verify: ran, 0 message(s)');
      expect(verdict.exposure).toEqual(expect.any(Number));
      // One verify and one security: had bin.ts not taken the early one, it would have aborted it and started another.
      expect(readFileSync(calls, 'utf8').trim().split('\n').sort()).toEqual(['security', 'verify']);
      const order = [...r.stderr.matchAll(/^code cache: (\S+) \w+$/gm)].map((m) => m[1]);
      expect(order[0]).toBe('early.cjs');
      expect(order.indexOf('bin.cjs')).toBeGreaterThan(order.findIndex((name) => name?.startsWith('chunk-')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads a chunk alone from its own file without opening the pack, and packs only what was not loaded alone', async () => {
    const pack = (file: string): string => JSON.stringify(new URL(`packs/${file}`, BUNDLE).href);
    const script = [
      `const { createBundleLoader } = require(${JSON.stringify(LOADER)});`,
      `const loader = createBundleLoader({ bundle: new URL(${JSON.stringify(BUNDLE.href)}), cacheDir: new URL('cache/validate-unit/', ${JSON.stringify(BUNDLE.href)}), pack: { file: new URL(${pack('validate-unit.cjs')}), cache: new URL(${pack('validate-unit.cache')}) } });`,
      `const early = loader.loadAlone('early.cjs');`,
      `console.log('launch', typeof early.launch, 'pack', JSON.stringify(loader.packReport()));`,
      `console.log('alone', JSON.stringify(loader.loaded().map((c) => c.alone)));`,
      `process.argv = [process.execPath, 'hooksctl', '--version'];`,
      `loader.load('bin.cjs');`,
      `console.log('after', JSON.stringify(loader.packReport()));`,
    ].join('\n');
    const r = await execa(process.execPath, ['-e', script]);
    expect(r.stdout).toContain('launch function pack null');
    const alone = JSON.parse(/^alone (.*)$/m.exec(r.stdout)?.[1] ?? '[]') as boolean[];
    expect(alone.length).toBeGreaterThan(1); // early.cjs and the analyzer it requires
    expect(alone.every((a) => a)).toBe(true);
    expect(r.stdout).toMatch(/^after \{"chunks":\d+,"cache":"accepted"\}$/m);
    // The build's pack for validate-unit leaves out what the launcher loads alone.
    expect(readFileSync(new URL('packs/validate-unit.cjs', BUNDLE), 'latin1')).not.toContain('"early.cjs": function');
  });
});
