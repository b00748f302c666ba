/** Process entry of the CLI: wire the real runtime, run, and set the exit code. */
import { fileURLToPath } from 'node:url';
import { main } from './main.js';
import { realRuntime } from './runtime.js';

const entryPath = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
const code = await main(process.argv.slice(2), { runtime: realRuntime(), execPath: process.execPath, entryPath });
process.exitCode = code;
