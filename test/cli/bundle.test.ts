// The bundled CLI (scripts/build-cli.mjs, dist/bundle/): what bin/hooksctl runs, what `--help`
// loads, and that stack traces from the bundle point into src/.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../dist/bundle/', import.meta.url));

// The files a chunk loads before it runs: its static imports, transitively (not its import()s).
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(BUNDLE + file, 'utf8');
  for (const m of text.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) staticClosure(m[1]!, seen);
  return seen;
}

describe('the bundled CLI', () => {
  it('is what bin/hooksctl runs', () => {
    expect(readFileSync(BIN, 'utf8')).toContain("import '../dist/bundle/bin.js';");
  });

  it('loads no zod, fastify, execa or SQLite for --help', () => {
    const files = [...staticClosure('bin.js')];
    const text = files.map((f) => readFileSync(BUNDLE + f, 'utf8')).join('\n');
    expect(text).toContain('hooksctl'); // the program itself
    expect(text).not.toContain('$ZodType'); // zod's core
    expect(text).not.toContain('FST_ERR_'); // fastify's error codes
    expect(text).not.toContain('execaCoreAsync'); // execa
    expect(text).not.toContain('better-sqlite3');
    expect(files.length).toBeLessThanOrEqual(12);
  });

  it('maps a stack trace from a lazy chunk back to src/', async () => {
    const service = readdirSync(BUNDLE).find((f) => /^service-[A-Z0-9]+\.js$/.test(f));
    expect(service).toBeDefined();
    // Run the CLI core (it installs the mapping), then make a lazy chunk throw.
    const script = [
      `process.argv = [process.execPath, 'hooksctl', '--version'];`,
      `await import(${JSON.stringify(BUNDLE + 'bin.js')});`,
      `const m = await import(${JSON.stringify(BUNDLE + service)});`,
      `try { await m.runService(); } catch (e) { console.log(e.stack); }`,
    ].join('\n');
    const r = await execa(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.stdout).toMatch(/at (?:Module\.)?runService \(.*src\/service\/index\.ts:\d+:\d+\)/);
  });
});
