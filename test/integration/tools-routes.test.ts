import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildApp } from '../../server/http/app';
import { checkpointRoutes } from '../../server/http/routes/checkpoints';
import { toolRoutes } from '../../server/http/routes/tools';
import { createLogger } from '../../server/services/logger';
import { ChatToolStates } from '../../server/services/tools/chat-tool-states';
import { ToolRegistry } from '../../server/services/tools/tool-registry';
import type { ToolGroupResponse } from '../../src/protocol/tools';
import { makeToolsKit } from './tools-kit';

function appFor(kit: ReturnType<typeof makeToolsKit>, restored: Array<[string, unknown]> = []) {
  const chats = new ChatToolStates();
  chats.allow('trusting', 'shell');
  return buildApp({
    anyHost: false,
    logger: createLogger({ kind: 'stderr' }, 'error'),
    routes: [
      toolRoutes({ registry: kit.registry, integrations: kit.integrations, folders: () => [kit.root], chats }),
      checkpointRoutes({ checkpoints: kit.checkpoints, onRestored: (chatId, list) => restored.push([chatId, list]) }),
    ],
  });
}

const post = (app: ReturnType<typeof appFor>, url: string, payload: unknown) =>
  app.inject({ method: 'POST', url, headers: { host: '127.0.0.1', 'content-type': 'application/json' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

describe('tool routes', () => {
  it('GET /v1/tools answers Refact\'s groups and specs; POST /v1/tools disables a tool', async () => {
    const kit = makeToolsKit();
    const app = appFor(kit);
    const got = await app.inject({ method: 'GET', url: '/v1/tools', headers: { host: '127.0.0.1' } });
    assert.equal(got.statusCode, 200);
    const groups = got.json() as ToolGroupResponse[];
    assert.deepEqual(groups.map((g) => [g.name, g.category]), [['Codebase Search', 'builtin'], ['Codebase Change', 'builtin'], ['Web', 'builtin'], ['Integrations', 'integration']]);
    const cat = groups[0]!.tools.find((t) => t.spec.name === 'cat')!;
    assert.deepEqual(cat.spec.source, { source_type: 'builtin', config_path: join(kit.configDir, 'builtin_tools.yaml') });
    assert.deepEqual(cat.spec.parameters, [{ name: 'paths', type: 'string', description: 'Comma separated file names or directories: dir1/file1.ext,dir3/dir4.' }]);
    assert.equal(cat.enabled, true);
    const off = await post(app, '/v1/tools', { tools: [{ name: 'web', source: { source_type: 'builtin', config_path: join(kit.configDir, 'builtin_tools.yaml') }, enabled: false }] });
    assert.equal(off.statusCode, 200);
    assert.deepEqual(off.json(), { success: true });
    assert.match(readFileSync(join(kit.configDir, 'builtin_tools.yaml'), 'utf8'), /tools:\n\s+web:\n\s+enabled: false/);
    const after = (await app.inject({ method: 'GET', url: '/v1/tools', headers: { host: '127.0.0.1' } })).json() as ToolGroupResponse[];
    assert.equal(after.find((g) => g.name === 'Web')!.tools[0]!.enabled, false);
    assert.ok(!(await kit.registry.list('AGENT')).some((t) => t.function.name === 'web'));
    const foreign = await post(app, '/v1/tools', { tools: [{ name: 'web', source: { source_type: 'builtin', config_path: '/etc/passwd' }, enabled: false }] });
    assert.equal(foreign.statusCode, 400);
    assert.match(foreign.json().detail, /not a tool configuration file/);
  });

  it('POST /v1/tools-check-if-confirmation-needed answers pause reasons, per chat', async () => {
    const kit = makeToolsKit();
    const app = appFor(kit);
    const calls = [
      { id: 'a', type: 'function', function: { name: 'shell', arguments: '{"command":"make"}' } },
      { id: 'b', type: 'function', function: { name: 'cat', arguments: '{"paths":"src/app.ts"}' } },
    ];
    const res = await post(app, '/v1/tools-check-if-confirmation-needed', { tool_calls: calls, messages: [] });
    assert.deepEqual(res.json(), { pause: true, pause_reasons: [{ type: 'confirmation', command: 'make', rule: '*', tool_call_id: 'a', integr_config_path: join(kit.configDir, 'integrations.d', 'shell.yaml') }] });
    const trusting = await post(app, '/v1/tools-check-if-confirmation-needed', { tool_calls: calls, meta: { chat_id: 'trusting' } });
    assert.deepEqual(trusting.json(), { pause: false, pause_reasons: [] });
  });

  it('POST /v1/file_edit_tool_dry_run answers before, after and chunks without writing', async () => {
    const kit = makeToolsKit();
    const app = appFor(kit);
    const path = join(kit.root, 'src', 'greet.ts');
    const before = readFileSync(path, 'utf8');
    const res = await post(app, '/v1/file_edit_tool_dry_run', { tool_name: 'update_textdoc', tool_args: { path, old_str: 'Hello', replacement: 'Bye' } });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.file_before, before);
    assert.equal(body.file_after, before.replace('Hello', 'Bye'));
    assert.equal(body.chunks[0].line1, 2);
    assert.equal(readFileSync(path, 'utf8'), before);
  });

  it('bad input gets a 4xx with a detail', async () => {
    const kit = makeToolsKit();
    const app = appFor(kit);
    const cases: Array<[string, unknown, number, RegExp]> = [
      ['/v1/tools', '{not json', 422, /JSON problem/],
      ['/v1/tools', { tools: 'all' }, 422, /`tools` must be a list/],
      ['/v1/tools-check-if-confirmation-needed', { tool_calls: [{ id: 1 }] }, 422, /`tool_calls` must be a list/],
      ['/v1/tools-check-if-confirmation-needed', '[]', 422, /expected an object/],
      ['/v1/file_edit_tool_dry_run', { tool_name: 'rm', tool_args: {} }, 400, /Unknown tool name: rm/],
      ['/v1/file_edit_tool_dry_run', { tool_name: 'update_textdoc' }, 422, /tool_args/],
      ['/v1/file_edit_tool_dry_run', { tool_name: 'update_textdoc', tool_args: { path: '../x', old_str: 'a', replacement: 'b' } }, 422, /contains "\.\."/],
      ['/v1/file_edit_tool_dry_run', { tool_name: 'update_textdoc', tool_args: { path: 'src/app.ts' } }, 422, /Missing required argument `old_str`/],
      ['/v1/checkpoints-preview', { checkpoints: [] }, 422, /No checkpoints to restore/],
      ['/v1/checkpoints-restore', { checkpoints: [{ workspace_folder: 1 }] }, 422, /`checkpoints` must be a list/],
      ['/v1/checkpoints-restore', 'x', 422, /JSON problem/],
    ];
    for (const [url, payload, status, detail] of cases) {
      const res = await post(app, url, payload);
      assert.equal(res.statusCode, status, `${url} ${JSON.stringify(payload)}: ${res.body}`);
      assert.match(res.json().detail, detail, url);
    }
  });
});

describe('tools from elsewhere (the MCP hook)', () => {
  it('lists extra tools in their own mcp group, checks, confirms and runs them like the others', async () => {
    const calls: unknown[] = [];
    const kit = makeToolsKit();
    const registry = new ToolRegistry({
      editor: kit.editor, integrations: kit.integrations, privacy: null, listFiles: async () => [], readText: async () => null, ast: null, retrieval: null,
      extraTools: () => [{
        desc: { name: 'mcp_notes_add', display_name: 'add', agentic: true, experimental: false, description: 'Adds a note', parameters: [{ name: 'text', type: 'string', description: 'the note' }], parameters_required: ['text'], source: { source_type: 'integration', config_path: '/cfg/integrations.d/mcp_notes.yaml' } },
        group: 'MCP notes', readOnly: false, enabled: true, confirmation: { ask_user: ['*secret*'], deny: [] }, integrConfigPath: '/cfg/integrations.d/mcp_notes.yaml',
        command: (args) => `mcp_notes_add ${String(args.text)}`,
        run: async (args) => {
          calls.push(args);
          return { ok: true, content: 'added' };
        },
      }],
    });
    const groups = await registry.groups();
    assert.deepEqual(groups.at(-1)!.name, 'MCP notes');
    assert.equal(groups.at(-1)!.category, 'mcp');
    assert.match((await registry.run('mcp_notes_add', {}, kit.ctx())).content, /Missing required argument `text`/);
    assert.equal((await registry.needsConfirmation('mcp_notes_add', { text: 'a secret' })).decision, 'ask');
    assert.deepEqual(await registry.run('mcp_notes_add', { text: 'hi' }, kit.ctx()), { ok: true, content: 'added' });
    assert.deepEqual(calls, [{ text: 'hi' }]);
  });
});
