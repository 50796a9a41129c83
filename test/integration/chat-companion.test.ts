/**
 * One chat turn end to end with real parts only: the built engine process reads its caps from
 * the built companion server, which runs the generated tiny GGUF; a client subscribes to the
 * chat, sends a message, and sees the answer stream in and the chat saved in the workspace.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnServer } from '../../companion/test/helpers/server-process';
import { tinyGguf } from '../../companion/test/helpers/tiny-model';
import type { AssistantMessage } from '../../src/protocol/chat';
import { eventually, postJson, startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';
import { openEventStream } from '../helpers/scripted-chat-upstream';

const COMPANION_MAIN = join(__dirname, '..', '..', 'companion', 'dist', 'main.js');

describe('a chat turn on the companion server\'s tiny GGUF', () => {
  let companion: { url: string; child: ChildProcess };
  let engine: EngineProcess;
  let root: string;
  before(async () => {
    const gguf = await tinyGguf();
    companion = await spawnServer([COMPANION_MAIN], ['--port', '0', '--gpu', 'cpu', '--threads', '1', '--model', gguf, '--api-token', 'sk-team', '--perm-dir', tempDir('chat-companion-perm')]);
    root = tempDir('chat-companion-project');
    engine = await startEngineProcess({ args: ['--address-url', companion.url, '--workspace-folder', root], env: { REFACT_API_KEY: 'sk-team' } });
  });
  after(async () => {
    await engine?.stop();
    companion?.child.kill('SIGTERM');
  });

  it('streams the model\'s answer and saves the chat', async () => {
    await eventually('chat model in caps', async () => {
      const r = await fetch(`${engine.baseUrl}/v1/caps`);
      return r.status === 200 && 'refact_self_hosted/tiny-llama' in ((await r.json()) as { chat_models: object }).chat_models ? true : null;
    });
    const events = await openEventStream(`${engine.baseUrl}/v1/chats/subscribe?chat_id=real-1`);
    assert.equal((await events.next()).type, 'snapshot');
    // A plain chat turn (no tools offered): the agent's turns have their own tests.
    assert.equal((await postJson(engine, '/v1/chats/real-1/commands', { client_request_id: 'c0', type: 'set_params', patch: { mode: 'NO_TOOLS' } })).status, 202);
    const sent = await postJson(engine, '/v1/chats/real-1/commands', { client_request_id: 'c1', type: 'user_message', content: 'Say hello.' });
    assert.equal(sent.status, 202);
    await events.nextOf('stream_started');
    const finished = await events.nextOf('stream_finished');
    assert.ok(['stop', 'length'].includes(finished.finish_reason ?? ''), String(finished.finish_reason));
    const added = await events.nextOf('message_added', (e) => e.message.role === 'assistant');
    const answer = added.message as AssistantMessage;
    assert.equal(typeof answer.content, 'string');
    // Usage comes from the companion's last chunk (stream_options.include_usage).
    assert.ok((answer.usage?.completion_tokens ?? 0) >= 1, JSON.stringify(answer.usage));
    assert.ok((answer.usage?.prompt_tokens ?? 0) > 1);
    const idle = await events.nextOf('runtime_updated');
    assert.deepEqual([idle.state, idle.error], ['idle', null]);
    const file = join(root, '.refact', 'trajectories', 'real-1.json');
    await eventually('trajectory file', async () => (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).messages.length === 2 ? true : null));
    events.close();
  });
});
