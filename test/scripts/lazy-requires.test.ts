// scripts/lazy-requires.mjs: the stand-ins the CLI bundle puts in place of a package's eager
// require of a Node module. The transform is pure text, so it is tested on the text: the line is
// replaced, the stand-in requires the real module only when first called, a missing line fails
// the build, and the packages hooksctl bundles still have the lines the table names.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a build script in plain JavaScript, without declarations
import { LAZY_REQUIRES, applyLazyRequires } from '../../scripts/lazy-requires.mjs';

interface LazyRequire {
  file: RegExp;
  line: string;
  name: string;
  module: string;
  methods: string[];
}
const table = LAZY_REQUIRES as LazyRequire[];
const COMMAND = '/x/node_modules/commander/lib/command.js';
const commander = table.filter((r) => r.file.test(COMMAND));

// Evaluate CommonJS text with a require that records what it was asked for.
function evaluate(text: string): { exports: Record<string, unknown>; required: string[] } {
  const required: string[] = [];
  const fakeRequire = (id: string) => {
    required.push(id);
    return { spawn: (...args: unknown[]) => `${id} spawn(${args.join(',')})` };
  };
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', `${text}\nmodule.exports = { childProcess };`)(fakeRequire, module);
  return { exports: module.exports, required };
}

describe('lazy requires in the CLI bundle', () => {
  it("replaces commander's require of child_process with a stand-in that requires on first use", () => {
    const text = commander.map((r) => r.line).join('\n');
    const out = applyLazyRequires(COMMAND, text) as string;
    for (const r of commander) expect(out).not.toContain(r.line);
    const { exports, required } = evaluate(out);
    expect(required).toEqual([]); // loading the module requires nothing
    const childProcess = exports['childProcess'] as { spawn: (...a: unknown[]) => string };
    expect(childProcess.spawn('cmd', 'args')).toBe('node:child_process spawn(cmd,args)');
    expect(required).toEqual(['node:child_process']);
  });

  it('fails when the package uses a member the stand-in does not forward (comments aside)', () => {
    const text = `${commander.map((r) => r.line).join('\n')}\n/** @param {childProcess.ChildProcess} c */\nchildProcess.spawn()\nchildProcess.execFile`;
    expect(() => applyLazyRequires(COMMAND, text)).toThrow(/uses childProcess\.execFile, which the stand-in does not forward/);
    expect(() => applyLazyRequires(COMMAND, text.replace('childProcess.execFile', ''))).not.toThrow();
  });

  it('leaves other files alone', () => {
    const text = commander.map((r) => r.line).join('\n');
    expect(applyLazyRequires('/x/node_modules/other/command.js', text)).toBe(text);
  });

  it('fails, naming the file and the line, when a package no longer has the line', () => {
    expect(() => applyLazyRequires(COMMAND, "const fs = require('node:fs');")).toThrow(
      /commander\/lib\/command\.js: expected const childProcess = require\('node:child_process'\);/,
    );
  });

  it('matches the packages this checkout bundles', () => {
    const files = ['commander/lib/command.js'].map((f) => fileURLToPath(new URL(`../../node_modules/${f}`, import.meta.url)));
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(() => applyLazyRequires(file, text)).not.toThrow();
      expect(table.some((r) => r.file.test(file))).toBe(true);
    }
  });
});
