#!/usr/bin/env node
// Example agent used by the built-in default config: it reads the task payload (JSON) on
// stdin and echoes it back with the task id. A payload {"sleep_ms": N} makes it work N ms (printing a progress line every second)
// first (handy to try the graceful drain); {"exit": N} makes it exit with code N.
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
});
process.stdin.on('end', () => {
  let payload = {};
  try {
    payload = input.trim() === '' ? {} : JSON.parse(input);
  } catch {
    payload = { raw: input };
  }
  const sleepMs = Number(payload?.sleep_ms ?? 0);
  const finish = () => {
    process.stdout.write(
      `${JSON.stringify({ task: process.env.HOOKS_TASK_ID ?? null, agent: process.env.HOOKS_AGENT ?? null, echo: payload })}\n`,
    );
    process.exitCode = Number.isInteger(payload?.exit) ? payload.exit : 0;
  };
  process.on('SIGTERM', () => {
    process.stdout.write('echo-agent: SIGTERM, stopping\n');
    process.exit(143);
  });
  if (sleepMs > 0) {
    const started = Date.now();
    const beat = setInterval(
      () => process.stdout.write(`working ${Math.round((Date.now() - started) / 1000)}/${Math.round(sleepMs / 1000)} s\n`),
      1000,
    );
    setTimeout(() => {
      clearInterval(beat);
      finish();
    }, sleepMs);
  } else finish();
});
