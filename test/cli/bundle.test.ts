// The bundled CLI (scripts/build-cli.mjs, dist/bundle/): what bin/hooksctl runs, what `--help`
// and `config` load, that V8 takes the code caches the build recorded (and that a bad one costs only time), and
// that stack traces from the bundle point into src/.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '../harness/serve.js';

const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
const BUNDLE = new URL('../../dist/bundle/', import.meta.url);
const DEBUG = { HOOKSCTL_DEBUG_CODE_CACHE: '1' };
const chunk = (pattern: RegExp): string => {
  const name = readdirSync(BUNDLE).find((f) => pattern.test(f));
  expect(name).toBeDefined();
  return name as string;
};
// `code cache: NAME STATE` lines, as bin/hooksctl prints them at exit with HOOKSCTL_DEBUG_CODE_CACHE=1.
const cacheStates = (stderr: string): Map<string, string> =>
  new Map([...stderr.matchAll(/^code cache: (\S+) (\w+)$/gm)].map((m) => [m[1] as string, m[2] as string]));

describe('the bundled CLI', () => {
  it('is what bin/hooksctl runs, with the code cache of each chunk it loads', async () => {
    const r = await execa(process.execPath, [BIN, '--help'], { env: DEBUG });
    expect(r.stdout).toContain('Usage: hooksctl');
    const states = cacheStates(r.stderr);
    expect(states.get('bin.cjs')).toBe('accepted');
    expect([...states.values()].every((s) => s === 'accepted')).toBe(true);
  });

  it('loads no zod, HTTP app, execa or SQLite for --help (the chunks the core training run loaded)', () => {
    const files = readdirSync(new URL('cache/core/', BUNDLE)).map((f) => f.replace(/\.cache$/, ''));
    const text = files.map((f) => readFileSync(new URL(f, BUNDLE), 'utf8')).join('\n');
    expect(files).toContain('bin.cjs');
    expect(text).toContain('hooksctl'); // the program itself
    expect(text).not.toContain('$ZodType'); // zod's core
    expect(text).not.toContain('createHttpApp'); // serve's HTTP app
    expect(text).not.toContain('execaCoreAsync'); // execa
    expect(text).not.toContain('better-sqlite3');
    // 14: escape.ts is a chunk of its own since error reporting (in the core) escapes messages too, and
    // early-analysis.ts since the launcher's early entry shares it (all are in the core's pack); a 15th is worth a look.
    expect(files.length).toBeLessThanOrEqual(14);
  });

  // The zod modules the chunks a run loaded (its code-cache report on stderr) were built from, by their maps' sources.
  const expectZodMiniOnly = (stderr: string): void => {
    const sources = [...cacheStates(stderr).keys()].flatMap(
      (name) => (JSON.parse(readFileSync(new URL(`${name}.map`, BUNDLE), 'utf8')) as { sources: string[] }).sources,
    );
    const zod = sources.filter((s) => s.includes('node_modules/zod/')).map((s) => s.replace(/.*node_modules\/zod\//, ''));
    expect(zod).toContain('v4/mini/schemas.js');
    expect(zod).toContain('v4/locales/en.js');
    expect(zod.filter((s) => s.startsWith('v4/classic/'))).toEqual([]);
    expect(zod.filter((s) => s.startsWith('v4/locales/') && s !== 'v4/locales/en.js')).toEqual([]);
  };

  it('checks a config with zod/mini and its English messages only, no zod classic or other locale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooks-bundle-config-'));
    try {
      const config = join(dir, 'agents.json');
      writeFileSync(config, JSON.stringify({ service: { port: 'x' } }));
      const r = await execa(process.execPath, [BIN, 'config', '--config', config], { env: DEBUG, reject: false });
      expect(r.exitCode).toBe(78);
      expect(r.stderr).toContain('service.port: Invalid input: expected number, received string');
      expectZodMiniOnly(r.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts serve without https, http2, tls, crypto or zod classic, which nothing on its way to READY needs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooks-bundle-serve-'));
    try {
      // A preload that, on SIGUSR2, prints the Node modules loaded so far and exits; sent once serve is ready.
      const probe = join(dir, 'probe.cjs');
      writeFileSync(
        probe,
        "process.on('SIGUSR2', () => { process.stderr.write('LOADED ' + process.moduleLoadList.join(',') + '\\n'); process.exit(0); });\n",
      );
      const config = join(dir, 'agents.json');
      const port = await freePort();
      writeFileSync(config, JSON.stringify({ service: { name: 'bundle-probe', port, db: join(dir, 'hooks.db') } }));
      const child = execa(process.execPath, ['-r', probe, BIN, 'serve', '--config', config], {
        env: DEBUG,
        reject: false,
        timeout: 30_000,
      });
      let output = '';
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      // Ready once it answers (its ready line goes to the journal where there is one, to stderr elsewhere).
      await waitFor(
        'serve to answer',
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok === true,
        15_000,
      );
      child.kill('SIGUSR2');
      await child;
      const loaded = /LOADED (.*)/.exec(output)?.[1]?.split(',') ?? [];
      expect(loaded).toContain('NativeModule http'); // the probe ran, after the HTTP app loaded
      // crypto loads with the first task id, signature or token check (src/lazy-crypto.ts), after READY.
      for (const m of ['https', 'http2', 'tls', 'crypto']) expect(loaded).not.toContain(`NativeModule ${m}`);
      expectZodMiniOnly(output);
      // The chunks on the way to READY came from serve's pack, compiled with its cache.
      const pack = /^code pack: serve (\d+) chunks, cache (\w+)$/m.exec(output);
      expect(pack?.[2]).toBe('accepted');
      expect(Number(pack?.[1])).toBeGreaterThanOrEqual(10);
      const packed = readFileSync(new URL('packs/serve.cjs', BUNDLE), 'latin1');
      expect(packed).toContain(`${JSON.stringify(chunk(/^service-[A-Z0-9]+\.cjs$/))}: function`);
      // execa loads after READY (src/service/index.ts), so it is not packed.
      expect(packed).not.toContain(`${JSON.stringify(chunk(/^supervisor-[A-Z0-9]+\.cjs$/))}: function`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has caches recorded for serve and validate-unit, which load their own chunks', () => {
    const serve = readdirSync(new URL('cache/serve/', BUNDLE));
    expect(serve).toContain(`${chunk(/^service-[A-Z0-9]+\.cjs$/)}.cache`);
    // serve's own command line starts directly (src/cli/serve-direct.ts): commander and the verbs' definitions stay unloaded.
    expect(serve.filter((f) => /^main-[A-Z0-9]+\.cjs\.cache$/.test(f))).toEqual([]);
    expect(readdirSync(new URL('cache/core/', BUNDLE))).toContain(`${chunk(/^main-[A-Z0-9]+\.cjs$/)}.cache`);
    expect(readdirSync(new URL('cache/validate-unit/', BUNDLE))).toContain(`${chunk(/^validate-unit-action-[A-Z0-9]+\.cjs$/)}.cache`);
  });

  // A copy of the package's launcher and bundle, to break.
  const copyPackage = (): string => {
    const root = mkdtempSync(join(tmpdir(), 'hooks-bundle-'));
    for (const part of ['bin', 'dist/bundle', 'package.json'])
      cpSync(fileURLToPath(new URL(`../../${part}`, import.meta.url)), join(root, part), { recursive: true });
    return root;
  };

  it('runs from source when a cache is garbage or missing, and chunk by chunk without a pack', async () => {
    const root = copyPackage();
    try {
      // No pack: each chunk loads on its own, the core's cache of bin.cjs overwritten and another deleted.
      rmSync(join(root, 'dist/bundle/packs/core.cjs'));
      const core = join(root, 'dist/bundle/cache/core');
      writeFileSync(join(core, 'bin.cjs.cache'), 'not a code cache');
      const other = readdirSync(core).find((f) => f !== 'bin.cjs.cache') as string;
      rmSync(join(core, other));
      const r = await execa(process.execPath, [join(root, 'bin/hooksctl'), '--help'], { env: DEBUG });
      expect(r.stdout).toContain('Usage: hooksctl');
      const states = cacheStates(r.stderr);
      expect(states.get('bin.cjs')).toBe('rejected');
      expect(states.get(other.replace(/\.cache$/, ''))).toBe('none');
      expect(r.stderr).not.toContain('code pack:');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("runs from its pack's source when the pack's cache is garbage", async () => {
    const root = copyPackage();
    try {
      writeFileSync(join(root, 'dist/bundle/packs/core.cache'), 'not a code cache');
      const r = await execa(process.execPath, [join(root, 'bin/hooksctl'), '--help'], { env: DEBUG });
      expect(r.stdout).toContain('Usage: hooksctl');
      expect(r.stderr).toMatch(/^code pack: core \d+ chunks, cache rejected$/m);
      expect(cacheStates(r.stderr).get('bin.cjs')).toBe('rejected');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('maps a stack trace from a packed chunk back to src/', async () => {
    const service = chunk(/^service-[A-Z0-9]+\.cjs$/);
    const pack = (file: string): string => JSON.stringify(new URL(`packs/${file}`, BUNDLE).href);
    // serve's pack holds bin.cjs (it installs the mapping) and the service chunk, which then throws.
    const script = [
      `import { createRequire } from 'node:module';`,
      `const { createBundleLoader } = createRequire(import.meta.url)(${JSON.stringify(fileURLToPath(new URL('../../bin/load-bundle.cjs', import.meta.url)))});`,
      `process.argv = [process.execPath, 'hooksctl', '--version'];`,
      `const loader = createBundleLoader({ bundle: new URL(${JSON.stringify(BUNDLE.href)}), cacheDir: new URL('cache/serve/', ${JSON.stringify(BUNDLE.href)}), pack: { file: new URL(${pack('serve.cjs')}), cache: new URL(${pack('serve.cache')}) } });`,
      `loader.load('bin.cjs');`,
      `const m = loader.load(${JSON.stringify(service)});`,
      `console.log('pack', JSON.stringify(loader.packReport()));`,
      `try { await m.runService(); } catch (e) { console.log(e.stack); }`,
    ].join('\n');
    const r = await execa(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.stdout).toMatch(/pack \{"chunks":\d+,"cache":"accepted"\}/);
    expect(r.stdout).toMatch(/at (?:Module\.|Object\.)?runService \(.*src\/service\/index\.ts:\d+:\d+\)/);
  });

  it('maps a stack trace from a lazy chunk back to src/', async () => {
    const service = chunk(/^service-[A-Z0-9]+\.cjs$/);
    // Run the CLI core (it installs the mapping), then make a lazy chunk throw.
    const script = [
      `import { createRequire } from 'node:module';`,
      `const { createBundleLoader } = createRequire(import.meta.url)(${JSON.stringify(fileURLToPath(new URL('../../bin/load-bundle.cjs', import.meta.url)))});`,
      `process.argv = [process.execPath, 'hooksctl', '--version'];`,
      `const loader = createBundleLoader({ bundle: new URL(${JSON.stringify(BUNDLE.href)}), cacheDir: new URL('cache/core/', ${JSON.stringify(BUNDLE.href)}) });`,
      `loader.load('bin.cjs');`,
      `const m = loader.load(${JSON.stringify(service)});`,
      `try { await m.runService(); } catch (e) { console.log(e.stack); }`,
    ].join('\n');
    const r = await execa(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.stdout).toMatch(/at (?:Module\.|Object\.)?runService \(.*src\/service\/index\.ts:\d+:\d+\)/);
  });
});
