// bench/cli-start: `hooksctl --help` (bin/hooksctl, the bundled CLI) wall time against `node -e 0`,
// side by side in the same run (target <= 1.3x).
import { fileURLToPath } from 'node:url';
import { interleave, median, report, timeCommand } from './lib.mjs';

const bin = fileURLToPath(new URL('../bin/hooksctl', import.meta.url));
const samples = interleave(
  {
    anchor: () => timeCommand([process.execPath, '-e', '0']),
    help: () => timeCommand([process.execPath, bin, '--help']),
    version: () => timeCommand([process.execPath, bin, '--version']),
  },
  30,
  5,
);
const anchor = median(samples.anchor);
report('cli-start (hooksctl --help, median of 30)', median(samples.help), anchor, 1.3);
report('cli-start (hooksctl --version, median of 30)', median(samples.version), anchor, 1.3);
