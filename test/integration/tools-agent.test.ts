/**
 * Whole agent turns: the chat-session loop with the tools plugged in (`createChatTools`), a
 * scripted upstream that answers with tool calls, and the real tools over the fixture
 * workspace. Read and edit (the `diff` message, the file on disk), a stale edit refused inside a
 * turn, a confirmation pause answered both ways, unknown tools and bad arguments returned to the
 * model, and an abort during a long shell command killing it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createChatTools } from '../../server/services/tools/chat-tools';
import { capsWith, chatDelta, scriptedChatModel, startChatHarness } from '../helpers/scripted-chat-upstream';
import { eventually } from '../helpers/engine-process';
import { startScriptedUpstream, chatBody, type ScriptedReply } from '../helpers/scripted-upstream';
import { makeToolsKit } from './tools-kit';

const say = (text: string): ScriptedReply => ({ kind: 'sse', events: [chatDelta({ content: text }), chatDelta({}, 'stop')] });
const call = (...calls: Array<[string, string, unknown]>): ScriptedReply => ({
  kind: 'sse',
  events: [chatDelta({ tool_calls: calls.map(([id, name, args], index) => ({ index, id, type: 'function', function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) } })) }), chatDelta({}, 'tool_calls')],
});

async function agent(replies: Array<ScriptedReply | (() => ScriptedReply)>) {
  const kit = makeToolsKit();
  const upstream = await startScriptedUpstream((r) => {
    if (!r.body.stream) return { kind: 'json', body: chatBody('Title') };
    const next = replies.shift() ?? say('done');
    return typeof next === 'function' ? next() : next;
  });
  let n = 0;
  const tools = createChatTools({ registry: kit.registry, chats: kit.chats, folders: () => [kit.root], newId: () => `t${n++}` });
  const harness = await startChatHarness({ caps: capsWith([{ ...scriptedChatModel(upstream.url), supports_tools: true }]), projectRoot: null, sessions: { tools } });
  const events = await harness.subscribe('a');
  return {
    kit, upstream, harness, events,
    send: (content: string) => harness.command('a', { client_request_id: `u${n++}`, type: 'user_message', content }),
    close: async () => {
      await harness.close();
      await upstream.close();
    },
  };
}

describe('agent turns through the session loop', () => {
  it('reads a file, edits it, shows the diff, and the model sees the results', async () => {
    const t = await agent([]);
    const path = join(t.kit.root, 'src', 'greet.ts');
    const before = readFileSync(path, 'utf8');
    const [checkpoint] = await t.kit.checkpoints.create('before the turn');
    try {
      t.upstream.queue(call(['c1', 'cat', { paths: 'src/greet.ts' }]), call(['c2', 'update_textdoc', { path, old_str: 'Hello', replacement: 'Howdy' }]), say('Changed the greeting.'));
      await t.send('make the greeting friendlier');
      const diff = await t.events.nextOf('message_added', (e) => e.message.role === 'diff');
      const chunks = JSON.parse(diff.message.content as string);
      assert.equal(chunks[0].lines_add, '  return `Howdy, ${name}!`;\n');
      assert.match(readFileSync(path, 'utf8'), /Howdy/);
      const final = await t.events.nextOf('message_added', (e) => e.message.role === 'assistant' && e.message.content === 'Changed the greeting.');
      assert.ok(final);
      await t.events.nextOf('runtime_updated', (e) => e.state === 'idle');
      const streams = t.upstream.requests.filter((r) => r.body.stream);
      assert.equal(streams.length, 3);
      assert.ok(streams[0]!.body.tools.some((d: { function: { name: string } }) => d.function.name === 'update_textdoc'));
      const afterCat = streams[1]!.body.messages as Array<{ role: string; content: string; tool_call_id?: string }>;
      assert.ok(afterCat.some((m) => m.role === 'tool' && m.tool_call_id === 'c1' && /Paths found/.test(m.content)));
      assert.ok(JSON.stringify(afterCat).includes('Hello, ${name}!'), 'the file text reached the model');
      // Roll back through the checkpoint.
      await t.kit.checkpoints.restore(checkpoint!);
      assert.equal(readFileSync(path, 'utf8'), before);
    } finally {
      await t.close();
    }
  });

  it('refuses a stale edit inside a turn, and the model is told it failed', async () => {
    const path = (root: string) => join(root, 'src', 'greet.ts');
    let root = '';
    const t = await agent([
      call(['c1', 'cat', { paths: 'src/greet.ts' }]),
      () => {
        // Someone edits the file between the model's read and its edit.
        writeFileSync(path(root), 'export const greet = (n: string) => `Yo ${n}`;\n');
        return call(['c2', 'update_textdoc', { path: 'src/greet.ts', old_str: 'Hello', replacement: 'Howdy' }]);
      },
      say('I will read it again.'),
    ]);
    root = t.kit.root;
    try {
      await t.send('edit the greeting');
      const tool = await t.events.nextOf('message_added', (e) => e.message.role === 'tool' && (e.message as { tool_call_id?: string }).tool_call_id === 'c2');
      assert.equal((tool.message as { tool_failed?: boolean }).tool_failed, true);
      assert.match(tool.message.content as string, /changed on disk since you last read it/);
      await t.events.nextOf('runtime_updated', (e) => e.state === 'idle');
      assert.equal(readFileSync(path(root), 'utf8'), 'export const greet = (n: string) => `Yo ${n}`;\n');
      assert.ok(!t.events.events.some((e) => e.type === 'message_added' && e.message.role === 'diff'));
    } finally {
      await t.close();
    }
  });

  it('pauses for confirmation; an accepted call runs, a declined one is reported to the model', async () => {
    const t = await agent([call(['s1', 'shell', { command: 'echo made > made.txt' }]), say('Made it.'), call(['s2', 'shell', { command: 'echo again > again.txt' }]), say('Understood, not running it.')]);
    try {
      await t.send('make a file');
      const paused = await t.events.nextOf('pause_required');
      assert.deepEqual(paused.reasons, [{ type: 'confirmation', command: 'echo made > made.txt', rule: '*', tool_call_id: 's1', integr_config_path: join(t.kit.configDir, 'integrations.d', 'shell.yaml') }]);
      await t.events.nextOf('runtime_updated', (e) => e.state === 'paused' && e.paused);
      assert.ok(!existsSync(join(t.kit.root, 'made.txt')));
      assert.equal((await t.harness.command('a', { client_request_id: 'd1', type: 'tool_decision', tool_call_id: 's1', accepted: true })).status, 202);
      await t.events.nextOf('pause_cleared');
      await t.events.nextOf('message_added', (e) => e.message.role === 'assistant' && e.message.content === 'Made it.');
      assert.equal(readFileSync(join(t.kit.root, 'made.txt'), 'utf8'), 'made\n');
      await t.events.nextOf('runtime_updated', (e) => e.state === 'idle');
      await t.send('another one');
      await t.events.nextOf('pause_required');
      await t.harness.command('a', { client_request_id: 'd2', type: 'tool_decisions', decisions: [{ tool_call_id: 's2', accepted: false }] });
      const refused = await t.events.nextOf('message_added', (e) => e.message.role === 'tool' && (e.message as { tool_call_id?: string }).tool_call_id === 's2');
      assert.equal((refused.message as { tool_failed?: boolean }).tool_failed, true);
      assert.match(refused.message.content as string, /The user declined to run `echo again > again\.txt`/);
      await t.events.nextOf('message_added', (e) => e.message.role === 'assistant' && e.message.content === 'Understood, not running it.');
      assert.ok(!existsSync(join(t.kit.root, 'again.txt')));
    } finally {
      await t.close();
    }
  });

  it('returns unknown tools, bad arguments and path escapes to the model as errors; the turn goes on', async () => {
    const t = await agent([call(['x1', 'launch_rockets', {}], ['x2', 'cat', '{"paths": '], ['x3', 'cat', { paths: '../outside/secret.txt' }]), say('Sorry, let me try differently.')]);
    try {
      await t.send('do things');
      await t.events.nextOf('message_added', (e) => e.message.role === 'assistant' && e.message.content === 'Sorry, let me try differently.');
      const tools = t.events.events.filter((e) => e.type === 'message_added' && e.message.role === 'tool').map((e) => (e as { message: { content: string; tool_failed?: boolean } }).message);
      assert.equal(tools.length, 3);
      assert.ok(tools.every((m) => m.tool_failed === true));
      assert.match(tools[0]!.content, /There is no tool `launch_rockets`/);
      assert.match(tools[1]!.content, /not valid JSON/);
      assert.match(tools[2]!.content, /contains "\.\."/);
      const second = t.upstream.requests.filter((r) => r.body.stream)[1]!;
      assert.deepEqual(second.body.messages.filter((m: { role: string }) => m.role === 'tool').map((m: { tool_call_id: string }) => m.tool_call_id), ['x1', 'x2', 'x3']);
    } finally {
      await t.close();
    }
  });

  it('abort during a long shell command kills it', async () => {
    const t = await agent([]);
    const pidFile = join(t.kit.root, 'long.pid');
    t.upstream.queue(call(['l1', 'shell', { command: `sleep 600 & echo $! > ${pidFile}; wait`, timeout: '600' }]));
    try {
      await t.send('run the long thing');
      await t.events.nextOf('pause_required');
      await t.harness.command('a', { client_request_id: 'd1', type: 'tool_decision', tool_call_id: 'l1', accepted: true });
      const pid = await eventually('the long command to start', async () => (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() ? Number(readFileSync(pidFile, 'utf8')) : null));
      await t.events.nextOf('runtime_updated', (e) => e.state === 'executing_tools');
      assert.equal((await t.harness.command('a', { client_request_id: 'stop', type: 'abort' })).status, 200);
      const stopped = await t.events.nextOf('message_added', (e) => e.message.role === 'tool');
      assert.match(stopped.message.content as string, /stopped by the user/);
      await eventually('the child to be gone', async () => {
        try {
          process.kill(pid, 0);
        } catch {
          return true;
        }
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return / Z /.test(stat.slice(stat.lastIndexOf(')'))) ? true : null;
      });
    } finally {
      await t.close();
    }
  });
});
