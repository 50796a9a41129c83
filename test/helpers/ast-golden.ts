/**
 * Renders a fixture project's parse results, resolutions and query answers as one reviewable
 * JSON document, one line of text per definition, usage and resolution.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AstIndex } from '../../server/core/ast/ast-index';
import { findDefinitions, findUsages } from '../../server/core/ast/queries';
import { Resolver, type Resolution } from '../../server/core/ast/resolve';
import { skeleton } from '../../server/core/ast/skeleton';
import type { AstDefinition, AstUsage, ParseOutcome } from '../../server/core/ast/types';
import { parse } from '../../server/workers/parse';

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

export function renderDefinition(d: AstDefinition): string {
  const body = d.bodyLine1 ? ` body ${d.bodyLine1}-${d.bodyLine2}` : '';
  const bases = d.bases.length ? ` bases=[${d.bases.join(', ')}]` : '';
  const type = d.type ? ` type=${d.type}` : '';
  return `${d.kind} ${d.path} L${d.declLine1}-${d.declLine2}${body}${bases}${type} | ${d.signature}`;
}

export function renderUsage(u: AstUsage): string {
  const receiver = u.receiverType ? ` :${u.receiverType}` : '';
  const module = u.module !== undefined ? ` from '${u.module}'` : '';
  const alias = u.alias ? ` as ${u.alias}` : '';
  return `L${u.line} ${u.kind} ${u.target}${receiver}${module}${alias} in ${u.scope}`;
}

export function renderResolution(r: Resolution, root: string): string {
  const candidates = r.candidates.length ? ` [${r.candidates.join(', ')}]` : '';
  return `${relative(root, r.file)}:L${r.usage.line} ${r.usage.kind} ${r.usage.target} -> ${r.target ?? '-'} (${r.how})${candidates}`;
}

export interface FixtureQueries {
  definitions?: string[];
  usages?: string[];
}

export async function renderFixture(root: string): Promise<unknown> {
  const sources = listFiles(root).filter((f) => !/(^|\/)(expected|queries)\.json$/.test(relative(root, f)));
  const outcomes: ParseOutcome[] = [];
  for (const path of sources) outcomes.push(await parse({ path, relPath: relative(root, path), text: readFileSync(path, 'utf8') }));
  const index = new AstIndex();
  const resolver = new Resolver(index);
  const files: Record<string, unknown> = {};
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      files[relative(root, outcome.path)] = { skipped: `${outcome.reason}: ${outcome.message}` };
      continue;
    }
    const f = outcome.file;
    index.setFile(f);
    files[relative(root, f.path)] = {
      language: f.language,
      errors: f.errors.count,
      definitions: f.definitions.map(renderDefinition),
      usages: f.usages.map(renderUsage),
      extensions: f.extensions.length ? f.extensions.map((e) => `L${e.line} ${e.type}: ${e.bases.join(', ')}`) : undefined,
      skeleton: f.definitions.length ? skeleton(f).split('\n') : [],
    };
  }
  const resolutions = outcomes.flatMap((o) => (o.ok ? resolver.resolveFile(o.file.path) : [])).map((r) => renderResolution(r, root));
  let queries: FixtureQueries = {};
  try {
    queries = JSON.parse(readFileSync(join(root, 'queries.json'), 'utf8')) as FixtureQueries;
  } catch {
    // No queries for this fixture.
  }
  const definitions: Record<string, string[]> = {};
  for (const q of queries.definitions ?? []) {
    definitions[q] = findDefinitions(index, q, 5).map((d) => `${d.match} ${d.definition.path} ${relative(root, d.file)}:L${d.definition.declLine1}`);
  }
  const usages: Record<string, string[]> = {};
  for (const q of queries.usages ?? []) usages[q] = findUsages(index, resolver, q).map((r) => `${relative(root, r.file)}:L${r.usage.line} ${r.usage.kind} ${r.usage.target} (${r.how})`);
  return { files, resolutions, queries: { definitions, usages } };
}
