// Runs test folders with node's own test runner and a TypeScript loader:
//   node test/run.mjs test/unit test/integration [--only name-substring]
// Prints the spec report, then one closing line with the passed/failed/skipped counts.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : null;
const dirs = args.filter((a, i) => !a.startsWith('--') && (onlyAt < 0 || i !== onlyAt + 1));

function collect(dir) {
  let files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files = files.concat(collect(path));
    else if (/\.test\.tsx?$/.test(name)) files.push(path);
  }
  return files;
}

const files = dirs.flatMap((dir) => collect(dir)).filter((f) => !only || f.includes(only)).sort();
if (files.length === 0) {
  console.error(`no test files in: ${dirs.join(', ')}`);
  process.exit(1);
}
// The spec report goes to our stdout as it comes, and its closing summary ("ℹ pass N") gives
// the counts: a second reporter writing to a file would be cut short by --test-force-exit.
const child = spawn(
  process.execPath,
  // A test that hangs fails after five minutes, and a file whose tests are done but that keeps a
  // handle open cannot hold the run: CI must end with a verdict, never wait forever.
  ['--import', 'tsx', '--test', '--test-timeout=300000', '--test-force-exit', '--test-reporter=spec', ...files],
  { stdio: ['inherit', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'test' } },
);
let report = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  report += chunk.toString();
  // Only the tail matters for the summary; keep memory flat on long runs.
  if (report.length > 1_000_000) report = report.slice(-100_000);
});
const status = await new Promise((resolve) => child.on('close', (code) => resolve(code)));
const count = (name) => Number(report.match(new RegExp(`^ℹ ${name} (\\d+)$`, 'gm'))?.pop()?.split(' ').pop() ?? 0);
const failed = count('fail') + count('cancelled');
console.log(`\ntests: ${count('pass')} passed, ${failed} failed, ${count('skipped')} skipped, ${count('todo')} todo (${files.length} files)`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
