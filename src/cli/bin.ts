/** Process entry of the CLI: wire the real runtime, run, and set the exit code. */
import { fileURLToPath } from 'node:url';
import { main } from './main.js';
import { bufferEarlySignals } from './early-signals.js';
import { realRuntime } from './runtime.js';
import { packageFile } from '../package-root.js';
import { installSourceMappedStacks } from './source-mapped-stacks.js';

// Stack traces point into src/: this module's folder is the bundle (or tsc's dist/cli/), each file with its map.
installSourceMappedStacks(new URL('./', import.meta.url).href);

// `serve` must not die from a stop that arrives while it is still loading.
const early = process.argv[2] === 'serve' ? bufferEarlySignals(['SIGTERM', 'SIGINT']) : undefined;
const entryPath = fileURLToPath(packageFile('bin/hooksctl'));
void main(process.argv.slice(2), { runtime: realRuntime(early), execPath: process.execPath, entryPath }).then((code) => {
  early?.release();
  process.exitCode = code;
});
