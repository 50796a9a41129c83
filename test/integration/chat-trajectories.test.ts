/**
 * What outlives one turn: chats saved as trajectories and reloaded by a restarted engine,
 * the trajectory list and its event stream, titles from the light model, the heartbeat, a
 * subscriber too slow to read getting a fresh snapshot, streams closed on shutdown, and the
 * telemetry routes that keep everything local.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TrajectoryEvent } from '../../src/protocol/chat';
import { SseParser } from '../../server/core/upstream/sse-parser';
import { eventually, tempDir } from '../helpers/engine-process';
import { capsWith, chatDelta, openEventStream, scriptedChatModel, startChatHarness, startCueUpstream, usageChunk } from '../helpers/scripted-chat-upstream';
import { chatBody, startScriptedUpstream } from '../helpers/scripted-upstream';

const streamTurn = (text: string) => ({ kind: 'sse' as const, events: [chatDelta({ content: text }), chatDelta({}, 'stop'), usageChunk(5, 1)] });

describe('chat trajectories', () => {
  it('saves a chat atomically and a restarted engine reloads it, title and all', async () => {
    const upstream = await startScriptedUpstream((r) => (r.body.stream ? streamTurn('Paris.') : { kind: 'json', body: chatBody('"Capital of France"') }));
    const root = tempDir('chat-traj');
    const light = scriptedChatModel(upstream.url, 'light-model');
    const caps = capsWith([scriptedChatModel(upstream.url), light], light.id);
    const first = await startChatHarness({ caps, projectRoot: root });
    const saved = new Promise<TrajectoryEvent>((resolve) => first.store.onEvent((e) => e.title === 'Capital of France' && resolve(e)));
    const events = await first.subscribe('trip');
    await first.command('trip', { client_request_id: 'r1', type: 'user_message', content: 'Capital of France?' });
    const title = await events.nextOf('title_updated');
    assert.deepEqual([title.title, title.is_generated], ['Capital of France', true]);
    const titleRequest = upstream.requests.find((r) => !r.body.stream)!;
    assert.equal(titleRequest.body.model, 'light-model');
    assert.match(titleRequest.body.messages[0].content, /user: Capital of France\?\nassistant: Paris\./);
    assert.equal((await saved).type, 'updated');
    await first.close();

    const dir = join(root, '.refact', 'trajectories');
    assert.deepEqual(readdirSync(dir), ['trip.json'], 'no temporary file is left behind');
    const file = JSON.parse(readFileSync(join(dir, 'trip.json'), 'utf8'));
    assert.equal(file.title, 'Capital of France');
    assert.equal(file.isTitleGenerated, true);
    assert.deepEqual(file.messages.map((m: { role: string }) => m.role), ['user', 'assistant']);

    const second = await startChatHarness({ caps, projectRoot: root });
    try {
      const snapshot = await (await second.subscribe('trip')).nextOf('snapshot');
      assert.equal(snapshot.thread.title, 'Capital of France');
      assert.equal(snapshot.thread.is_title_generated, true);
      assert.deepEqual(snapshot.messages.map((m) => [m.role, m.content]), [['user', 'Capital of France?'], ['assistant', 'Paris.']]);
      assert.equal(snapshot.messages[1]!.message_id, file.messages[1].message_id);
      const list = (await (await fetch(`${second.baseUrl}/v1/trajectories`)).json()) as Array<{ id: string; title: string; message_count: number }>;
      assert.deepEqual(list.map((t) => [t.id, t.title, t.message_count]), [['trip', 'Capital of France', 2]]);
      const one = await fetch(`${second.baseUrl}/v1/trajectories/trip`);
      assert.equal(((await one.json()) as { id: string }).id, 'trip');
      assert.equal((await fetch(`${second.baseUrl}/v1/trajectories/none`)).status, 404);
    } finally {
      await second.close();
      await upstream.close();
    }
  });

  it('streams trajectory events as chats are created, updated and deleted', async () => {
    const upstream = await startScriptedUpstream((r) => (r.body.stream ? streamTurn('ok') : { kind: 'json', body: chatBody('Title') }));
    const harness = await startChatHarness({ caps: capsWith([scriptedChatModel(upstream.url)]), projectRoot: tempDir('chat-traj-sub') });
    try {
      const raw = await rawStream(`${harness.baseUrl}/v1/trajectories/subscribe`);
      await harness.command('t1', { client_request_id: 'r', type: 'user_message', content: 'hello' });
      const created = await raw.next((e) => e.id === 't1');
      assert.equal(created.type, 'created');
      const titled = await raw.next((e) => e.id === 't1' && e.title === 'Title');
      assert.equal(titled.type, 'updated');
      assert.equal((await fetch(`${harness.baseUrl}/v1/trajectories/t1`, { method: 'DELETE' })).status, 200);
      assert.equal((await raw.next((e) => e.type === 'deleted')).id, 't1');
      raw.close();
    } finally {
      await harness.close();
      await upstream.close();
    }
  });

  it('keeps a bounded number of chats in memory and reloads an evicted one from disk', async () => {
    const upstream = await startScriptedUpstream((r) => (r.body.stream ? streamTurn('ok') : { kind: 'json', body: chatBody('Title') }));
    const harness = await startChatHarness({ caps: capsWith([scriptedChatModel(upstream.url)]), projectRoot: tempDir('chat-evict'), sessions: { maxLiveChats: 2 } });
    try {
      const first = (await harness.sessions.get('e1'))!;
      const events = await harness.subscribe('e1');
      await harness.command('e1', { client_request_id: 'r', type: 'user_message', content: 'remember me' });
      await events.nextOf('title_updated');
      events.close();
      await eventually('the closed subscriber to be gone', async () => (first.subscriberCount === 0 ? true : null));
      await first.whenIdle();
      await first.flush();
      await harness.sessions.get('e2');
      await harness.sessions.get('e3');
      const again = (await harness.sessions.get('e1'))!;
      assert.notEqual(again, first, 'e1 was dropped from memory');
      const snapshot = await (await harness.subscribe('e1')).nextOf('snapshot');
      assert.deepEqual(snapshot.messages.map((m) => m.content), ['remember me', 'ok']);
      assert.equal(snapshot.thread.title, 'Title');
    } finally {
      await harness.close();
      await upstream.close();
    }
  });

  it('sends a heartbeat comment on idle streams', async () => {
    const harness = await startChatHarness({ caps: capsWith([]), projectRoot: null, sessions: { sse: { heartbeatMs: 20 } } });
    try {
      const events = await harness.subscribe('quiet');
      assert.equal(await events.nextComment(), ': hb');
    } finally {
      await harness.close();
    }
  });

  it('gives a subscriber that stopped reading a fresh snapshot instead of a growing buffer', async () => {
    const upstream = await startCueUpstream();
    const harness = await startChatHarness({ caps: capsWith([scriptedChatModel(upstream.url)]), projectRoot: null, sessions: { sse: { maxBufferedBytes: 64 * 1024 } } });
    try {
      const fast = await harness.subscribe('slow');
      const slow = await harness.subscribe('slow');
      await slow.nextOf('snapshot');
      slow.response.pause();
      await harness.command('slow', { client_request_id: 's1', type: 'user_message', content: 'a lot, please' });
      const stream = await upstream.next();
      const piece = 'x'.repeat(64 * 1024);
      // Far more than the loopback socket buffers hold, so the engine's side fills up.
      for (let i = 0; i < 200; i++) stream.send(chatDelta({ content: piece }));
      stream.send(chatDelta({}, 'stop'));
      stream.end();
      const session = (await harness.sessions.get('slow'))!;
      await session.whenIdle();
      const lastSeq = String(session.state.lastSeq);
      // The reading subscriber ends in step with the chat (it may itself have been resynced once
      // if this busy process read too slowly, which is the same rule at work).
      await fast.next((e) => e.seq === lastSeq);
      slow.response.resume();
      const fresh = await slow.find('snapshot', (e) => e.seq !== '0');
      const deltas = slow.events.filter((e) => e.type === 'stream_delta').length;
      assert.ok(deltas < 200, `the slow subscriber skipped deltas (got ${deltas} of 200)`);
      assert.ok(Number(fresh.seq) > deltas + 1, 'the fresh snapshot jumps over what was skipped');
      // From the fresh snapshot on, nothing is missing: each event is one seq after the one before.
      const last = await slow.next((e) => e.seq === lastSeq);
      const tail = slow.events.slice(slow.events.indexOf(fresh), slow.events.indexOf(last) + 1);
      tail.forEach((e, i) => assert.equal(Number(e.seq), Number(fresh.seq) + i));
    } finally {
      await harness.close();
      await upstream.close();
    }
  });

  it('closes open streams when the server shuts down', async () => {
    const harness = await startChatHarness({ caps: capsWith([]), projectRoot: null });
    const events = await harness.subscribe('bye');
    await events.nextOf('snapshot');
    const ended = new Promise<void>((resolve) => events.response.once('end', resolve));
    await harness.close();
    await ended;
    assert.equal(events.ended, true);
  });

  it('accepts chat and network telemetry and keeps it local', async () => {
    const harness = await startChatHarness({ caps: capsWith([]), projectRoot: null });
    try {
      for (const route of ['/v1/telemetry-chat', '/v1/telemetry-network']) {
        const r = await fetch(`${harness.baseUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scope: 'x', success: true }) });
        assert.deepEqual([r.status, await r.json()], [200, { success: true }]);
      }
      assert.deepEqual([harness.telemetry.count('chat'), harness.telemetry.count('network')], [1, 1]);
    } finally {
      await harness.close();
    }
  });
});

/** A plain SSE reader for the trajectories stream. */
async function rawStream(url: string) {
  const events: TrajectoryEvent[] = [];
  let wake: (() => void) | null = null;
  const stream = await openEventStream(url);
  const parser = new SseParser();
  stream.response.on('data', (chunk: Buffer) => {
    for (const e of parser.push(chunk)) events.push(JSON.parse(e.data) as TrajectoryEvent);
    wake?.();
  });
  let cursor = 0;
  return {
    async next(match: (e: TrajectoryEvent) => boolean): Promise<TrajectoryEvent> {
      for (;;) {
        while (cursor < events.length) {
          const e = events[cursor++]!;
          if (match(e)) return e;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    close: () => stream.close(),
  };
}

