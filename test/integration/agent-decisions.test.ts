/**
 * The user's say over the agent's tools, through the session API (`/v1/chats/...`) with the real
 * tools over the fixture workspace and a scripted upstream: "allow for this chat" runs the next
 * call of that tool without a pause; a shell command a `deny` rule matches is not run, the model
 * reads a refusal that names the rule, and the turn goes on.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createChatTools } from '../../server/services/tools/chat-tools';
import { capsWith, chatDelta, scriptedChatModel, startChatHarness } from '../helpers/scripted-chat-upstream';
import { chatBody, startScriptedUpstream, type ScriptedReply } from '../helpers/scripted-upstream';
import { makeToolsKit } from './tools-kit';

const say = (text: string): ScriptedReply => ({ kind: 'sse', events: [chatDelta({ content: text }), chatDelta({}, 'stop')] });
const shell = (id: string, command: string): ScriptedReply => ({
  kind: 'sse',
  events: [chatDelta({ tool_calls: [{ index: 0, id, type: 'function', function: { name: 'shell', arguments: JSON.stringify({ command }) } }] }), chatDelta({}, 'tool_calls')],
});

async function agent(replies: ScriptedReply[]) {
  const kit = makeToolsKit();
  // Model calls take the script in order; the title request (not streamed) never does.
  const upstream = await startScriptedUpstream((r) => (r.body.stream ? (replies.shift() ?? say('done')) : { kind: 'json', body: chatBody('Title') }));
  let n = 0;
  const tools = createChatTools({ registry: kit.registry, chats: kit.chats, folders: () => [kit.root], newId: () => `t${n++}` });
  const harness = await startChatHarness({ caps: capsWith([{ ...scriptedChatModel(upstream.url), supports_tools: true }]), projectRoot: null, sessions: { tools } });
  const events = await harness.subscribe('d');
  return {
    kit, upstream, harness, events,
    send: (content: string) => harness.command('d', { client_request_id: `u${n++}`, type: 'user_message', content }),
    close: async () => {
      await harness.close();
      await upstream.close();
    },
  };
}

const toolMessage = (id: string) => (e: { type: string; message?: { role: string } }) => e.message?.role === 'tool' && (e.message as { tool_call_id?: string }).tool_call_id === id;

describe('confirmation decisions in an agent chat', () => {
  it('allow_for_chat: the next call of the same tool in this chat runs without a pause', async () => {
    const t = await agent([shell('s1', 'echo one > one.txt'), say('First done.'), shell('s2', 'echo two > two.txt'), say('Second done.')]);
    try {
      await t.send('make one');
      await t.events.nextOf('pause_required');
      const decided = await t.harness.command('d', { client_request_id: 'd1', type: 'tool_decision', tool_call_id: 's1', accepted: true, allow_for_chat: true });
      assert.equal(decided.status, 202);
      await t.events.nextOf('message_added', (e) => e.message.role === 'assistant' && e.message.content === 'First done.');
      await t.events.nextOf('runtime_updated', (e) => e.state === 'idle');
      assert.equal(readFileSync(join(t.kit.root, 'one.txt'), 'utf8'), 'one\n');
      await t.send('make two');
      await t.events.nextOf('message_added', (e) => e.message.role === 'assistant' && e.message.content === 'Second done.');
      assert.equal(readFileSync(join(t.kit.root, 'two.txt'), 'utf8'), 'two\n');
      assert.equal(t.events.events.filter((e) => e.type === 'pause_required').length, 1, 'only the first call asked');
      assert.ok(t.kit.chats.get('d').allowedForChat.has('shell'));
    } finally {
      await t.close();
    }
  });

  it('a declined call without allow_for_chat asks again next time', async () => {
    const t = await agent([shell('s1', 'echo one > one.txt'), say('Not run.'), shell('s2', 'echo two > two.txt')]);
    try {
      await t.send('make one');
      await t.events.nextOf('pause_required');
      await t.harness.command('d', { client_request_id: 'd1', type: 'tool_decision', tool_call_id: 's1', accepted: false, allow_for_chat: true });
      await t.events.nextOf('message_added', (e) => e.message.role === 'assistant' && e.message.content === 'Not run.');
      await t.events.nextOf('runtime_updated', (e) => e.state === 'idle');
      await t.send('make two');
      const second = await t.events.nextOf('pause_required');
      assert.equal(second.reasons[0]!.tool_call_id, 's2');
      assert.ok(!existsSync(join(t.kit.root, 'one.txt')));
    } finally {
      await t.close();
    }
  });

  it('a denied shell command is not run; the model reads the refusal and the turn goes on', async () => {
    const t = await agent([shell('x1', 'echo no > denied.txt'), say('That is not allowed here; I will not write it.')]);
    mkdirSync(join(t.kit.configDir, 'integrations.d'), { recursive: true });
    writeFileSync(join(t.kit.configDir, 'integrations.d', 'shell.yaml'), 'confirmation:\n  ask_user: []\n  deny: ["*> denied.txt*"]\n');
    try {
      await t.send('write denied.txt');
      const refusal = await t.events.nextOf('message_added', toolMessage('x1'));
      assert.equal((refusal.message as { tool_failed?: boolean }).tool_failed, true);
      assert.match(refusal.message.content as string, /The command `echo no > denied\.txt` is denied by the rule `\*> denied\.txt\*`/);
      await t.events.nextOf('message_added', (e) => e.message.role === 'assistant' && e.message.content === 'That is not allowed here; I will not write it.');
      await t.events.nextOf('runtime_updated', (e) => e.state === 'idle');
      assert.ok(!existsSync(join(t.kit.root, 'denied.txt')));
      assert.ok(!t.events.events.some((e) => e.type === 'pause_required'), 'a denial does not ask');
      const second = t.upstream.requests.filter((r) => r.body.stream)[1]!;
      assert.ok(second.body.messages.some((m: { role: string; content: string }) => m.role === 'tool' && /is denied by the rule/.test(m.content)));
    } finally {
      await t.close();
    }
  });
});
