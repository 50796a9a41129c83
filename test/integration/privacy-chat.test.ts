/**
 * Privacy end to end: a whole chat turn through the real engine (`--ast`, caps from a scripted
 * self-hosted server that also serves the model's tokenizer.json), with @-commands and an
 * active file that name blocked files. What the upstream model receives is checked: the
 * allowed context and the project instructions arrive, the blocked files' text never does, and
 * the user is told why through the turn's warnings.
 */
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChatEventEnvelope } from '../../src/protocol/chat';
import { eventually, startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';
import { chatDelta, openEventStream, usageChunk } from '../helpers/scripted-chat-upstream';
import { chatBody, selfHostedCaps, startScriptedUpstream, withCaps, type ScriptedUpstream } from '../helpers/scripted-upstream';
import { tinyTokenizerJson } from '../helpers/tiny-tokenizer';

const FIXTURE = join(__dirname, '..', 'fixtures', 'chat-workspace');
const BLOCKED = ['PEM-SECRET-MUST-NOT-LEAVE', 'PRIVATE-KEYS-PY-MUST-NOT-LEAVE'];

describe('privacy through a whole chat turn', () => {
  let upstream: ScriptedUpstream;
  let engine: EngineProcess;
  let ws: string;

  before(async () => {
    ws = join(tempDir('privacy-chat'), 'ws');
    cpSync(FIXTURE, ws, { recursive: true });
    const caps = { ...selfHostedCaps({ completion: {}, chat: ['chat-model'], nCtx: 32768 }), tokenizer_endpoints: { 'chat-model': '/tokenizer/chat-model' } };
    upstream = await startScriptedUpstream(withCaps(caps, (request) => {
      if (request.method === 'GET' && request.path === '/tokenizer/chat-model') return { kind: 'json', body: tinyTokenizerJson() };
      if (request.body?.stream) return { kind: 'sse', events: [chatDelta({ content: 'done' }), chatDelta({}, 'stop'), usageChunk(10, 1)] };
      return { kind: 'json', body: chatBody('A title') };
    }));
    engine = await startEngineProcess({ args: ['--workspace-folder', ws, '--ast', '--address-url', upstream.url] });
    await eventually('index done', async () => {
      const rag = (await (await fetch(`${engine.baseUrl}/v1/rag-status`)).json()) as any;
      return rag.ast?.state === 'done' && rag.ast.ast_index_files_total >= 5 ? true : null;
    });
  });
  after(async () => {
    await engine?.stop();
    await upstream?.close();
  });

  it('sends allowed context and instructions, never a blocked file, and warns why', async () => {
    const events = await openEventStream(`${engine.baseUrl}/v1/chats/subscribe?chat_id=private`);
    await events.nextOf('snapshot');
    const response = await fetch(`${engine.baseUrl}/v1/chats/private/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_request_id: 'c1', type: 'user_message',
        content: 'check @file secrets/server.pem and @file src/private/keys.py against @definition Polygon',
        active_file: { file_name: join(ws, 'src/private/keys.py'), cursor_line: 2 },
      }),
    });
    assert.equal(response.status, 202);
    const sent = await upstream.waitFor((r) => r.path === '/v1/chat/completions' && r.body?.stream === true);
    await events.nextOf('runtime_updated', (e) => e.state === 'idle');
    events.close();

    const body = JSON.stringify(sent.body);
    for (const secret of BLOCKED) assert.ok(!body.includes(secret), `${secret} reached the model`);
    const messages = sent.body.messages as Array<{ role: string; content: string }>;
    assert.equal(messages[0]!.role, 'system');
    assert.match(messages[0]!.content, /Refact instructions: answer in British English/);
    assert.match(messages[0]!.content, /Agents: run `pytest`/);
    const asked = messages[messages.length - 1]!;
    assert.equal(asked.role, 'user');
    assert.ok(asked.content.includes(`${join(ws, 'src/geometry/shapes.py')}:5-23`), asked.content);
    assert.ok(asked.content.includes('"""Shoelace formula."""'));
    assert.ok(asked.content.endsWith('check @file secrets/server.pem and @file src/private/keys.py against @definition Polygon'));

    // The chat keeps what was attached, and the turn says what was refused and why.
    const attached = events.events.find((e): e is Extract<ChatEventEnvelope, { type: 'message_added' }> => e.type === 'message_added' && e.message.role === 'context_file');
    assert.ok(attached);
    assert.ok(!JSON.stringify(attached).includes(BLOCKED[0]!) && !JSON.stringify(attached).includes(BLOCKED[1]!));
    const extra = events.events.find((e): e is Extract<ChatEventEnvelope, { type: 'stream_delta' }> => e.type === 'stream_delta' && e.ops.some((op) => op.op === 'merge_extra'));
    assert.ok(extra, 'a warnings delta');
    const merged = extra.ops.find((op): op is Extract<typeof op, { op: 'merge_extra' }> => op.op === 'merge_extra')!;
    const warnings = (merged.extra.warnings as string[]).join('\n');
    assert.match(warnings, /server\.pem is blocked by privacy rule '\*\.pem'/);
    assert.match(warnings, /the active file is not attached: .*keys\.py is blocked by privacy rule '\*\/private\/\*'/);
    // The tokenizer came from the caps server, so the window was counted exactly.
    assert.ok(upstream.requests.some((r) => r.method === 'GET' && r.path === '/tokenizer/chat-model'));
  });
});
