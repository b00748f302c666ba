// Reads vitest's JSON report and fails the run when any test failed or was skipped
// (an integration test may never be skipped silently). Ends with the summary line.
import { readFileSync } from 'node:fs';

const [file, vitestRc] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`check-results: no vitest report at ${file}: ${error.message}`);
  process.exit(1);
}
let passed = 0,
  failed = 0,
  skipped = 0;
const skippedNames = [];
for (const suite of report.testResults ?? []) {
  if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
  for (const t of suite.assertionResults ?? []) {
    if (t.status === 'passed') passed += 1;
    else if (t.status === 'failed') failed += 1;
    else {
      skipped += 1;
      skippedNames.push(`${suite.name}: ${t.fullName ?? t.title} (${t.status})`);
    }
  }
}
for (const name of skippedNames) console.error(`check-results: skipped: ${name}`);
if (passed === 0) console.error('check-results: no test ran');
const ok = failed === 0 && skipped === 0 && passed > 0 && vitestRc === '0';
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
