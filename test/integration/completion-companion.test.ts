/**
 * Code completion end to end through our two real servers: the engine (with the AST index on)
 * reads its caps from the companion, which serves the generated tiny GGUF with Qwen-style FIM
 * tokens; the engine counts with the tokenizer the companion serves (`/tokenizer/tiny-llama`),
 * sends the FIM prompt with the definition found in another file, and gets the model's text.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnServer } from '../../companion/test/helpers/server-process';
import { tinyGguf } from '../../companion/test/helpers/tiny-model';
import type { CodeCompletionResponse } from '../../src/protocol/completion';
import { eventually, postJson, startEngineProcess, tempDir, writeFiles, type EngineProcess } from '../helpers/engine-process';

const COMPANION_MAIN = join(__dirname, '..', '..', 'companion', 'dist', 'main.js');

const GEOMETRY = 'export function distanceBetween(ax: number, ay: number, bx: number, by: number): number {\n  return Math.hypot(bx - ax, by - ay);\n}\n';
const mainFile = (fillerLines: number) => {
  const filler = Array.from({ length: fillerLines }, (_, i) => `export const limit${i} = ${i} * 7;\n`).join('');
  return `import { distanceBetween } from './geometry';\n${filler}export function route(): number {\n  const d = distanceBetween(0, 0, 3, 4);\n  return \n}\n${filler}`;
};
/** Small enough to fit the tiny model's 2,048-token context whole. */
const MAIN = mainFile(10);
/** Long enough that the cursor window must be cut to the budget. */
const BIG = mainFile(600);

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{model="tiny-llama"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('completion through the real companion server', () => {
  let companion: { url: string; child: ChildProcess };
  let engine: EngineProcess;
  let root: string;
  before(async () => {
    const gguf = await tinyGguf();
    companion = await spawnServer([COMPANION_MAIN], ['--port', '0', '--gpu', 'cpu', '--threads', '1', '--model', gguf, '--perm-dir', tempDir('companion-perm')]);
    root = tempDir('completion-project');
    writeFiles(root, { 'src/geometry.ts': GEOMETRY, 'src/main.ts': MAIN, 'src/big.ts': BIG });
    engine = await startEngineProcess({ args: ['--address-url', companion.url, '--ast', '--workspace-folder', root] });
    await eventually('caps from the companion', async () => ((await fetch(`${engine.baseUrl}/v1/caps`)).status === 200 ? true : null));
    await eventually('the AST index', async () => {
      const status = (await (await fetch(`${engine.baseUrl}/v1/rag-status`)).json()) as { ast: { state: string; ast_index_files_total: number } };
      return status.ast.state === 'done' && status.ast.ast_index_files_total === 3 ? true : null;
    });
  });
  after(async () => {
    await engine?.stop();
    companion?.child.kill('SIGTERM');
  });

  const request = (file: string, text: string, extra: Record<string, unknown> = {}) => {
    const line = text.split('\n').findIndex((l) => l === '  return ');
    return { model: '', inputs: { sources: { [file]: text }, cursor: { file, line, character: 9 }, multiline: false }, parameters: { max_new_tokens: 8, temperature: 0 }, no_cache: true, ...extra };
  };

  it('completes through the companion with the definition from another file, counted with the served tokenizer', async () => {
    const path = join(root, 'src/main.ts');
    const r = await postJson(engine, '/v1/code-completion', request(path, MAIN));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const answer = r.json as CodeCompletionResponse;
    assert.equal(answer.model, 'refact_self_hosted/tiny-llama');
    assert.equal(answer.cached, false);
    assert.equal(typeof answer.choices[0]!.code_completion, 'string');
    assert.ok(['stop', 'length'].includes(answer.choices[0]!.finish_reason!));
    const context = answer.context!;
    assert.equal(context.mode, 'fim');
    assert.match(context.tokenizer, /\/tokenizer\/tiny-llama$/);
    assert.equal(context.tokenizer_warning, undefined);
    assert.equal(context.budget_tokens, context.n_ctx - 8 - 1);
    assert.ok(context.prompt_tokens > 0 && context.prompt_tokens <= context.budget_tokens, `${context.prompt_tokens} of ${context.budget_tokens}`);
    assert.ok(context.attached_files.some((f) => f.file_name === join(root, 'src/geometry.ts') && f.source === 'ast' && f.line1 === 1), JSON.stringify(context.attached_files));
    assert.deepEqual(context.sources.map((s) => [s.name, s.status]), [['ast', 'used'], ['retrieval', 'off'], ['recent', 'used']]);
  });

  it("fills a long file's prompt to the budget, and the server counts it as the engine did", async () => {
    const path = join(root, 'src/big.ts');
    const promptBefore = await metric(companion.url, 'refact_prompt_tokens_total');
    const r = await postJson(engine, '/v1/code-completion', request(path, BIG));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const context = (r.json as CodeCompletionResponse).context!;
    assert.ok(context.prompt_tokens <= context.budget_tokens && context.fill_ratio >= 0.97, `${context.prompt_tokens} of ${context.budget_tokens}`);
    // The server tokenized the same prompt: its count is ours, plus the BOS it adds.
    const served = (await metric(companion.url, 'refact_prompt_tokens_total')) - promptBefore;
    assert.ok(served - context.prompt_tokens >= 0 && served - context.prompt_tokens <= 1, `server counted ${served}, engine ${context.prompt_tokens}`);
  });

  it('streams the same completion in Refact SSE frames ending in [DONE]', async () => {
    const body = request(join(root, 'src/main.ts'), MAIN, { stream: true });
    const response = await fetch(`${engine.baseUrl}/v1/code-completion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const frames = (await response.text()).split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => f.slice(6));
    assert.equal(frames.at(-1), '[DONE]');
    const parsed = frames.slice(0, -1).map((f) => JSON.parse(f) as { choices: { code_completion: string; finish_reason: string | null }[]; model: string });
    const last = parsed.at(-1)!;
    assert.ok(['stop', 'length'].includes(last.choices[0]!.finish_reason!));
    assert.equal(last.choices[0]!.code_completion, '');
    for (const frame of parsed.slice(0, -1)) assert.equal(frame.choices[0]!.finish_reason, null);
    assert.ok(parsed.every((f) => f.model === 'refact_self_hosted/tiny-llama'));
  });
});
