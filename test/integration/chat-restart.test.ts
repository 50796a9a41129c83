/**
 * The engine process itself keeps chats across a restart: a turn through the built engine (caps
 * from a scripted self-hosted server), SIGTERM while a subscriber is connected (its stream ends
 * cleanly), then a new engine on the same workspace shows the same chat to a new subscriber.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postJson, startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';
import { chatDelta, openEventStream, usageChunk } from '../helpers/scripted-chat-upstream';
import { chatBody, selfHostedCaps, startScriptedUpstream, withCaps, type ScriptedUpstream } from '../helpers/scripted-upstream';

describe('chats across an engine restart', () => {
  let upstream: ScriptedUpstream;
  let workspace: string;
  before(async () => {
    workspace = tempDir('chat-restart');
    upstream = await startScriptedUpstream(withCaps(selfHostedCaps({ completion: {}, chat: ['chat-model'], nCtx: 8192 }), (request) =>
      request.body?.stream ? { kind: 'sse', events: [chatDelta({ content: 'Kept.' }), chatDelta({}, 'stop'), usageChunk(9, 1)] } : { kind: 'json', body: chatBody('Restart check') }));
  });
  after(() => upstream.close());

  it('ends open streams on SIGTERM and reloads the chat in the next engine', async () => {
    let engine: EngineProcess = await startEngineProcess({ args: ['--workspace-folder', workspace, '--address-url', upstream.url] });
    const events = await openEventStream(`${engine.baseUrl}/v1/chats/subscribe?chat_id=keep`);
    await events.nextOf('snapshot');
    assert.equal((await postJson(engine, '/v1/chats/keep/commands', { client_request_id: 'k1', type: 'user_message', content: 'Remember this.' })).status, 202);
    await events.nextOf('title_updated');
    const ended = new Promise<void>((resolve) => events.response.once('end', resolve));
    engine.process.kill('SIGTERM');
    assert.equal((await engine.exited).code, 0);
    await ended;

    engine = await startEngineProcess({ args: ['--workspace-folder', workspace, '--address-url', upstream.url] });
    try {
      const again = await openEventStream(`${engine.baseUrl}/v1/chats/subscribe?chat_id=keep`);
      const snapshot = await again.nextOf('snapshot');
      assert.deepEqual(snapshot.messages.map((m) => [m.role, m.content]), [['user', 'Remember this.'], ['assistant', 'Kept.']]);
      assert.equal(snapshot.thread.title, 'Restart check');
      const list = (await (await fetch(`${engine.baseUrl}/v1/trajectories`)).json()) as Array<{ id: string }>;
      assert.deepEqual(list.map((t) => t.id), ['keep']);
      again.close();
    } finally {
      await engine.stop();
    }
  });
});
