/** Process entry of the CLI: wire the real runtime, run, and set the exit code. */
import { fileURLToPath } from 'node:url';
import { bufferEarlySignals } from './early-signals.js';
import { realRuntime } from './runtime.js';
import { packageFile } from '../package-root.js';
import { installSourceMappedStacks } from './source-mapped-stacks.js';
import { directServeArgs, serveDirect } from './serve-direct.js';
import { earlyAnalysisFor } from './early-analysis.js';

// Stack traces point into src/: this module's folder is the bundle (or tsc's dist/cli/), each file with its map.
installSourceMappedStacks(new URL('./', import.meta.url).href);

// `serve` must not die from a stop that arrives while it is still loading.
const early = process.argv[2] === 'serve' ? bufferEarlySignals(['SIGTERM', 'SIGINT']) : undefined;
const entryPath = fileURLToPath(packageFile('bin/hooksctl'));
const argv = process.argv.slice(2);
const runtime = realRuntime(early);
// validate-unit's analyzers: the ones bin/hooksctl started before loading this, else start now, to overlap building the CLI (it takes them if its parse agrees).
const earlyAnalysis = earlyAnalysisFor(argv, runtime.cwd, runtime.env);
const ctx = { runtime, execPath: process.execPath, entryPath, earlyAnalysis };
// The unit's own `serve` command line starts the service directly; everything else builds the CLI (commander), loaded only then.
const direct = directServeArgs(argv);
const run = direct !== null ? serveDirect(direct.config, ctx) : import('./main.js').then(({ main }) => main(argv, ctx));
void run.then((code) => {
  earlyAnalysis?.abandon();
  early?.release();
  process.exitCode = code;
});
