// No comment or doc names a file the repository lacks: every path-like token in the comments of
// src/, test/, bench/ and scripts/, and in README.md and docs/, must resolve to a file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', '.git', '.test-results', 'coverage']);

// Every file under `dir`, relative to the repository root.
function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir))) {
    if (SKIP.has(name)) continue;
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) walk(rel, out);
    else out.push(rel);
  }
  return out;
}

const files = walk('.');
const basenames = new Set(files.map((f) => basename(f)));
const PATH =
  /(?<![\w/.@-])((?:\.{1,2}\/|(?:src|test|bench|docs|units|scripts|examples)\/)?[\w.-]+(?:\/[\w.-]+)*\.(?:ts|mjs|md|sh|catalog))(?![\w/])/g;

// The comment text of a source file (// and /* */), or the whole file for Markdown.
function commentsOf(file: string, text: string): string {
  if (file.endsWith('.md')) return text.replace(/https?:\/\/\S+/g, '');
  if (file.endsWith('.sh') || basename(dirname(file)) === 'scripts')
    return text
      .split('\n')
      .filter((l) => l.trimStart().startsWith('#'))
      .join('\n');
  const parts = text.match(/\/\*[\s\S]*?\*\/|(?<![:'"`\w])\/\/[^\n]*/g) ?? [];
  return parts.join('\n').replace(/https?:\/\/\S+/g, '');
}

// True when `token`, named in `file`, is a file of this repository.
function resolves(file: string, token: string): boolean {
  if (token.startsWith('./') || token.startsWith('../'))
    return existsSync(join(ROOT, dirname(file), token)) || existsSync(join(ROOT, dirname(file), token.replace(/\.js$/, '.ts')));
  if (token.includes('/')) return existsSync(join(ROOT, token)) || files.some((f) => f.endsWith(`/${token}`));
  return basenames.has(token);
}

describe('comments and docs name only files that exist', () => {
  const sources = files.filter((f) => /^(src|test|bench|scripts|docs)\//.test(f) || f === 'README.md' || /^examples\/.*\.md$/.test(f));
  it.each(sources.map((f) => [relative('.', f)]))('%s', (file) => {
    const text = commentsOf(file, readFileSync(join(ROOT, file), 'utf8'));
    const missing = [...text.matchAll(PATH)].map((m) => m[1] ?? '').filter((t) => !/^(\d|\.[a-z])/.test(t) && !resolves(file, t));
    expect(missing).toEqual([]);
  });
});
