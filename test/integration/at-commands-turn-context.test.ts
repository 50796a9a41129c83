/**
 * The chat turn context in process, with its real parts: privacy files, workspace listing,
 * customization merging, project instruction files, and token counts from a real
 * `tokenizer.json` counted in piscina threads. What the session loop would send to a model is
 * checked directly: the mode's prompt, the instructions, context files as text, privacy for a
 * local and a remote model, and the history fitted to a small window.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { emptyCapsInfo, emptyDefaults, newChatModel, type Caps, type ChatModelRecord } from '../../server/core/caps/model';
import { resolveChatModel } from '../../server/core/caps/resolve-model';
import { createHttpGet } from '../../server/services/http-get';
import type { CapsService } from '../../server/services/caps-service';
import { startTurnContext } from '../../server/services/chat/turn-context';
import { CustomizationService } from '../../server/services/customization-service';
import { DocumentsService } from '../../server/services/documents';
import { PrivacyService } from '../../server/services/privacy';
import { TokenizerService } from '../../server/services/tokenizer-service';
import { WorkerPool } from '../../server/services/worker-pool';
import { WorkspaceFiles } from '../../server/services/workspace-files';
import type { ChatMessage, ChatThread } from '../../src/protocol/chat';
import { quietLogger } from '../helpers/scripted-chat-upstream';
import { tempDir } from '../helpers/engine-process';
import { writeTinyTokenizer } from '../helpers/tiny-tokenizer';

const COUNT = join(__dirname, '..', '..', 'server', 'workers', 'count.ts');
const FIXTURE = join(__dirname, '..', 'fixtures', 'chat-workspace');
const PEM = 'PEM-SECRET-MUST-NOT-LEAVE';
const PASSWORD = 'LOCAL-ONLY-PASSWORD';

function thread(patch: Partial<ChatThread> = {}): ChatThread {
  return {
    id: 't', title: 'New Chat', model: '', mode: 'AGENT', tool_use: 'agent', boost_reasoning: false, context_tokens_cap: null,
    include_project_info: true, checkpoints_enabled: false, use_compression: true, is_title_generated: false, ...patch,
  };
}

let ids = 0;
const user = (content: string): ChatMessage => ({ message_id: `m${ids++}`, role: 'user', content });
const assistant = (content: string): ChatMessage => ({ message_id: `m${ids++}`, role: 'assistant', content });
const files = (list: Array<{ file_name: string; file_content: string }>): ChatMessage => ({
  message_id: `m${ids++}`, role: 'context_file', content: JSON.stringify(list.map((f) => ({ ...f, line1: 1, line2: 1 }))),
});

describe('chat turn context (real privacy, instructions, customization and tokenizer)', () => {
  let pool: WorkerPool;
  let ws: string;
  let tokenizerPath: string;
  let tokenizers: TokenizerService;
  let userCustomization: string;
  let context: ReturnType<typeof startTurnContext>['turnContext'];
  const signal = new AbortController().signal;
  const models: Record<string, ChatModelRecord> = {};

  before(() => {
    const root = tempDir('turn-context');
    ws = join(root, 'ws');
    cpSync(FIXTURE, ws, { recursive: true });
    const config = join(root, 'config');
    mkdirSync(config, { recursive: true });
    userCustomization = join(config, 'customization.yaml');
    tokenizerPath = writeTinyTokenizer(join(root, 'tokenizer'));
    const model = (id: string, endpoint: string, nCtx: number) =>
      (models[id] = { ...newChatModel(id.split('/')[1]!), id, endpoint, n_ctx: nCtx, tokenizer: tokenizerPath });
    model('local/chat', 'http://127.0.0.1:8008/v1/chat/completions', 8192);
    model('remote/chat', 'https://api.example.com/v1/chat/completions', 8192);
    model('local/small', 'http://127.0.0.1:8008/v1/chat/completions', 2000);
    const defaults = { ...emptyDefaults(), chat_default_model: 'local/chat' };
    const caps: Caps = { ...emptyCapsInfo(), chat_models: new Map(Object.entries(models)), completion_models: new Map(), embedding_model: null, defaults };
    const capsSource = { getCaps: async () => ({ ok: true as const, caps }), serverCaps: () => null } as unknown as CapsService;
    pool = new WorkerPool({ workersDir: '', moduleFile: () => COUNT, threads: 1 });
    tokenizers = new TokenizerService({ pool, cacheDir: join(root, 'cache'), caps: capsSource, fetch: createHttpGet({ insecure: false }) });
    const listing = new WorkspaceFiles({ configDir: config, home: root, logger: quietLogger, maxFiles: 1000 });
    context = startTurnContext({
      folders: () => [ws], documents: new DocumentsService(), listFiles: (folders) => listing.list(folders), ast: null, retrieval: null,
      privacy: new PrivacyService({ configDir: config, folders: () => [ws] }),
      customization: new CustomizationService(userCustomization, capsSource, false),
      tokenizer: async () => tokenizers,
      resolveModel: async (name) => {
        const found = resolveChatModel(caps, name);
        return found.ok ? found.value : null;
      },
      addressUrl: '', logger: quietLogger,
    }).turnContext;
  });
  after(async () => pool.dispose());

  it('expands @-commands and the editor selection into one context_file message; a blocked active file is refused with a reason', async () => {
    const point = join(ws, 'src/geometry/point.py');
    const expanded = await context.expandUserMessage(thread(), [{ type: 'text', text: 'compare with @file shapes.py' }], signal, {
      active_file: { file_name: `file://${point}`, line1: 12, line2: 14, selection: '    def norm(self) -> float:' },
    });
    assert.deepEqual(expanded.warnings, []);
    assert.equal(expanded.contextMessages.length, 1);
    const message = expanded.contextMessages[0]!;
    assert.equal(message.role, 'context_file');
    const attached = JSON.parse(message.content as string);
    assert.deepEqual(attached[0], { file_name: point, file_content: '    def norm(self) -> float:', line1: 12, line2: 14 });
    assert.equal(attached[1].file_name, join(ws, 'src/geometry/shapes.py'));
    assert.ok(typeof message.message_id === 'string' && message.message_id.length > 0);

    const refused = await context.expandUserMessage(thread(), 'what is this?', signal, { active_file: { file_name: join(ws, 'src/private/keys.py'), cursor_line: 3 } });
    assert.deepEqual(refused.contextMessages, []);
    assert.equal(refused.warnings.length, 1);
    assert.match(refused.warnings[0]!, /the active file is not attached: .*keys\.py is blocked by privacy rule '\*\/private\/\*'/);
  });

  it('attaches local-only files for a thread on a local model only', async () => {
    const local = await context.expandUserMessage(thread({ model: 'local/chat' }), '@file secret_passwords.txt', signal);
    assert.ok(JSON.stringify(local.contextMessages).includes(PASSWORD));
    assert.deepEqual(local.warnings, []);
    const remote = await context.expandUserMessage(thread({ model: 'remote/chat' }), '@file secret_passwords.txt', signal);
    assert.deepEqual(remote.contextMessages, []);
    assert.match(remote.warnings[0]!, /secret_passwords\.txt may only be sent to servers you control/);
  });

  it('sends the mode\'s system prompt with every project instruction file, then the context as text', async () => {
    const expanded = await context.expandUserMessage(thread(), '@file utils.ts explain', signal);
    const question = user('@file utils.ts explain');
    const { messages, warnings } = await context.prepareRequest(thread({ mode: 'AGENT' }), [...expanded.contextMessages, question], models['local/chat']!, signal);
    assert.deepEqual(warnings, []);
    assert.equal(messages.length, 2);
    const system = messages[0]!;
    assert.equal(system.role, 'system');
    const prompt = system.content as string;
    assert.match(prompt, /^You are a careful programming assistant/);
    assert.match(prompt, /You can read and change the project with tools/);
    for (const line of [
      'From .refact/instructions.md:\nRefact instructions: answer in British English and cite file paths.',
      'From AGENTS.md:\nAgents: run `pytest` before proposing a change to src/geometry.',
      'From CLAUDE.md:\nClaude: keep functions under forty lines.',
      'From .github/copilot-instructions.md:\nCopilot: TypeScript code uses two-space indentation.',
      'From .cursor/rules/style.mdc:\nCursor rule: Python code follows PEP 8 with type hints.',
    ]) assert.ok(prompt.includes(line), line);
    assert.ok(!prompt.includes('alwaysApply'), 'front matter of .mdc rules is left out');
    // The context file and the question go as one user message (templates refuse two in a row).
    const asked = messages[1]!;
    assert.equal(asked.role, 'user');
    assert.ok((asked.content as string).startsWith(`${join(ws, 'src/web/utils.ts')}:1-11\n\`\`\`\n/** Parses the query string`));
    assert.ok((asked.content as string).endsWith('\n```\n\n@file utils.ts explain'));
  });

  it('picks the prompt by mode, honours the user\'s customization.yaml, and leaves out instructions when asked', async () => {
    const ask = async (patch: Partial<ChatThread>) => (await context.prepareRequest(thread(patch), [user('hi')], models['local/chat']!, signal)).messages[0]!.content as string;
    const noTools = await ask({ mode: 'NO_TOOLS', include_project_info: false });
    assert.ok(noTools.startsWith('You are a careful programming assistant'));
    assert.ok(!noTools.includes('with tools') && !noTools.includes('Project instructions'));
    assert.match(await ask({ mode: 'EXPLORE' }), /You can look around the project with tools/);
    assert.match(await ask({ mode: 'CONFIGURE' }), /You help the user write a configuration file/);
    writeFileSync(userCustomization, 'PROMPT_DEFAULT: |\n  You are Gorp, a terse assistant.\n');
    try {
      const custom = await ask({ mode: 'EXPLORE', include_project_info: false });
      assert.match(custom, /^You are Gorp, a terse assistant\.\s+You can look around the project/);
    } finally {
      writeFileSync(userCustomization, '');
    }
  });

  it('privacy is enforced again for the model of each request: blocked never, local-only to local models only', async () => {
    const history = [
      files([{ file_name: join(ws, 'secrets/server.pem'), file_content: PEM }, { file_name: join(ws, 'README.md'), file_content: 'readme text' }]),
      files([{ file_name: join(ws, 'config/secret_passwords.txt'), file_content: PASSWORD }]),
      user('summarize'),
    ];
    const local = await context.prepareRequest(thread({ include_project_info: false }), history, models['local/chat']!, signal);
    const localText = JSON.stringify(local.messages);
    assert.ok(!localText.includes(PEM));
    assert.ok(localText.includes(PASSWORD));
    assert.ok(localText.includes('readme text'));
    assert.equal(local.warnings.length, 1);
    assert.match(local.warnings[0]!, /^not sent to local\/chat: .*server\.pem is blocked by privacy rule '\*\.pem'/);

    const remote = await context.prepareRequest(thread({ include_project_info: false }), history, models['remote/chat']!, signal);
    const remoteText = JSON.stringify(remote.messages);
    assert.ok(!remoteText.includes(PEM) && !remoteText.includes(PASSWORD));
    assert.ok(remoteText.includes('readme text'));
    assert.equal(remote.warnings.length, 2);
    assert.match(remote.warnings[1]!, /secret_passwords\.txt may only be sent to servers you control/);
  });

  it('fits a long history to the window, counted with the model\'s tokenizer.json', async () => {
    const history: ChatMessage[] = [];
    for (let turn = 0; turn < 20; turn++) {
      history.push(user(`turn ${turn}: ${'hello world '.repeat(10)}`), assistant('hello '.repeat(20)));
    }
    history.push(user('last question: hello'));
    const small = models['local/small']!;
    const { messages, warnings } = await context.prepareRequest(thread({ mode: 'NO_TOOLS', include_project_info: false }), history, small, signal);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(`^to fit local/small's window of 2000 tokens, \\d+ earlier message\\(s\\) were left out and 0 attachment\\(s\\) shortened \\(counted with ${tokenizerPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)$`));
    assert.equal(messages[0]!.role, 'system');
    assert.equal(messages[messages.length - 1]!.content, 'last question: hello');
    // What is kept is the most recent history, in order, whole turns only.
    const kept = messages.slice(1, -1).map((m) => m.content as string);
    assert.ok(kept.length > 0 && kept.length < 40);
    assert.equal(kept.length % 2, 0);
    assert.match(kept[kept.length - 2]!, /^turn 19: /);
    const firstTurn = Number(/^turn (\d+):/.exec(kept[0]!)![1]);
    assert.equal(firstTurn, 20 - kept.length / 2);
    // Counted again with the same tokenizer, the request fits the window less the reply's reserve.
    const counts = (await tokenizers.countMany(small.id, messages.map((m) => m.content as string))).counts;
    const total = counts.reduce((a, b) => a + b + 4, 0);
    assert.ok(total <= 2000 - 500, `total ${total}`);
    assert.ok(total > 1500 - 100, `the window is used, not emptied: ${total}`);
    const capped = await context.prepareRequest(thread({ mode: 'NO_TOOLS', include_project_info: false, context_tokens_cap: 1000 }), history, small, signal);
    assert.ok(capped.messages.length < messages.length);
  });

  it('shortens an agent\'s long tool results in the current turn, keeping every call\'s answer', async () => {
    const call = (id: string): ChatMessage => ({ message_id: `m${ids++}`, role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'cat', arguments: '{}' } }] });
    const result = (id: string): ChatMessage => ({ message_id: `m${ids++}`, role: 'tool', tool_call_id: id, content: 'hello '.repeat(600) });
    const history = [user('read three files'), call('a'), result('a'), call('b'), result('b'), call('c'), result('c')];
    const { messages, warnings } = await context.prepareRequest(thread({ mode: 'NO_TOOLS', include_project_info: false }), history, models['local/small']!, signal);
    const tools = messages.filter((m) => m.role === 'tool');
    assert.deepEqual(tools.map((m) => m.tool_call_id), ['a', 'b', 'c']);
    const shortened = tools.map((m) => (m.content as string).endsWith('[the rest is left out to fit the context window]'));
    assert.deepEqual(shortened, [true, true, false]);
    assert.ok(tools[2]!.content === 'hello '.repeat(600), 'the latest result is whole');
    assert.match(warnings[0]!, /0 earlier message\(s\) were left out and 2 attachment\(s\) shortened/);
  });

  it('previews @-commands with the named model\'s privacy and window', async () => {
    const local = await context.preview([{ role: 'user', content: '@file secret_passwords.txt' }], 'local/chat', signal);
    assert.equal(local.model, 'local/chat');
    assert.equal(local.number_context, 8192);
    assert.ok(JSON.stringify(local.messages).includes(PASSWORD));
    const remote = await context.preview([{ role: 'user', content: '@file secret_passwords.txt' }], 'remote/chat', signal);
    assert.deepEqual(remote.messages, []);
    assert.equal(remote.highlight[1]!.ok, false);
  });
});
