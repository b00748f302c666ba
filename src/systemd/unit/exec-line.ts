/**
 * Reading an Exec*= value the way systemd does (systemd.service(5) "Command lines"):
 * the special prefixes (`-@:+!`), then words with quotes and backslash escapes,
 * `%%`→`%` and `$$`→`$`. Pure; returns an error string instead of throwing.
 */

/** A parsed command line. */
export interface ExecLine {
  /** The special prefix characters, e.g. `-` or `+`. */
  prefixes: string;
  /** The words, unquoted and unescaped. */
  argv: string[];
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
  ' ': ' ',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/** Parse an Exec*= value into prefixes and argv, or a reason it cannot be read. */
export function parseExecLine(value: string): ExecLine | { error: string } {
  const pre = /^[-@:+!]*/.exec(value.trimStart())?.[0] ?? '';
  const rest = value.trimStart().slice(pre.length);
  const argv: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i] ?? '';
    if (quote === null && /\s/.test(ch)) {
      if (word !== null) argv.push(word);
      word = null;
      continue;
    }
    word ??= '';
    if (ch === '\\') {
      const next = rest[i + 1];
      if (next === undefined) return { error: 'trailing backslash' };
      word += ESCAPES[next] ?? next;
      i += 1;
    } else if (quote !== null && ch === quote) quote = null;
    else if (quote === null && (ch === '"' || ch === "'")) quote = ch;
    else if ((ch === '%' || ch === '$') && rest[i + 1] === ch) {
      word += ch;
      i += 1;
    } else word += ch;
  }
  if (quote !== null) return { error: `unbalanced ${quote} quote` };
  if (word !== null) argv.push(word);
  return { prefixes: pre, argv };
}
