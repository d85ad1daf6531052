// Runs every Jest project and ends with a plain `N passed, N failed` line read
// from Jest's JSON result, so a run that executed nothing cannot look green.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const resultFile = join(mkdtempSync(join(tmpdir(), 'courier-jest-')), 'result.json');
const jest = spawnSync(
  process.execPath,
  // --forceExit: a handle leaked by one suite must not hang CI; leaks are still fixed where found.
  ['node_modules/jest/bin/jest.js', '--runInBand', '--forceExit', '--json', `--outputFile=${resultFile}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

if (!existsSync(resultFile)) {
  console.log('0 passed, 0 failed');
  console.error('Jest wrote no result file: the run did not complete.');
  process.exit(jest.status || 1);
}
const result = JSON.parse(readFileSync(resultFile, 'utf8'));
const failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
console.log(`${result.numPassedTests} passed, ${failed} failed`);
if (result.numTotalTests === 0) {
  console.error('No test was executed.');
  process.exit(1);
}
process.exit(jest.status ?? 1);
