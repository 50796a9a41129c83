/**
 * `npm run bench`: runs every benchmark module (or those named on the command line) and prints
 * one table. Each module exports `run(): Promise<BenchRow[]>`.
 */
import type { BenchRow } from './lib';

const MODULES: Record<string, () => Promise<{ run(): Promise<BenchRow[]> }>> = {
  'engine-core': () => import('./engine-core'),
  companion: () => import('./companion'),
  'ast-parse': () => import('./ast-parse'),
  'ast-engine': () => import('./ast-engine'),
  retrieval: () => import('./retrieval'),
  completion: () => import('./completion'),
  'chat-context': () => import('./chat-context'),
  chat: () => import('./chat'),
  tools: () => import('./tools'),
  extension: () => import('./extension'),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(MODULES);
  const rows: BenchRow[] = [];
  for (const name of names) {
    const load = MODULES[name];
    if (!load) throw new Error(`unknown benchmark '${name}'; known: ${Object.keys(MODULES).join(', ')}`);
    const started = Date.now();
    process.stderr.write(`running ${name}...\n`);
    rows.push(...(await (await load()).run()));
    process.stderr.write(`${name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  printTable(rows);
}

function printTable(rows: BenchRow[]): void {
  const header = ['bench', 'metric', 'value', 'unit', 'goal', 'comparison'];
  const cells = rows.map((r) => [r.bench, r.metric, String(r.value), r.unit, r.goal ?? '', r.comparison ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
