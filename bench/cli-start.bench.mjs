// bench/cli-start: `hooksctl --help` wall time against `node -e 0`, in the same run (target <= 1.5x).
import { fileURLToPath } from 'node:url';
import { interleave, median, report, timeCommand } from './lib.mjs';

const bin = fileURLToPath(new URL('../bin/hooksctl', import.meta.url));
const samples = interleave(
  {
    anchor: () => timeCommand([process.execPath, '-e', '0']),
    help: () => timeCommand([process.execPath, bin, '--help']),
  },
  30,
  5,
);
report('cli-start (hooksctl --help, median of 30)', median(samples.help), median(samples.anchor), 1.5);
