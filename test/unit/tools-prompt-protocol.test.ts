import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_TOOLS, toOpenAITool } from '../../server/core/tools/builtin-specs';
import { parseToolCalls, toolsPrompt, toPromptProtocol } from '../../server/core/tools/prompt-protocol';

const tools = BUILTIN_TOOLS.filter((t) => ['cat', 'shell'].includes(t.desc.name)).map((t) => toOpenAITool(t.desc));

describe('prompt-based tool protocol', () => {
  it('describes every tool and the call format in the system prompt', () => {
    const prompt = toolsPrompt(tools);
    assert.match(prompt, /<tools>\n\{"name":"cat","description":"Like cat in console/);
    assert.match(prompt, /"required":\["paths"\]/);
    assert.match(prompt, /<tool_call>\n\{"name": "<tool name>", "arguments":/);
    assert.equal(toolsPrompt([]), '');
  });

  it('parses calls out of a reply and keeps the rest as text', () => {
    const reply = 'Let me look.\n<tool_call>\n{"name": "cat", "arguments": {"paths": "src/a.ts"}}\n</tool_call>\n<tool_call>{"name":"shell","arguments":{"command":"ls"}}</tool_call>';
    assert.deepEqual(parseToolCalls(reply), {
      text: 'Let me look.',
      calls: [{ name: 'cat', arguments: '{"paths":"src/a.ts"}' }, { name: 'shell', arguments: '{"command":"ls"}' }],
      errors: [],
    });
  });

  it('tolerates a missing closing tag, a fenced body and "parameters"; reports broken blocks', () => {
    assert.deepEqual(parseToolCalls('<tool_call>\n```json\n{"name":"cat","parameters":{"paths":"x"}}\n```').calls, [{ name: 'cat', arguments: '{"paths":"x"}' }]);
    const broken = parseToolCalls('<tool_call>{"name": cat}</tool_call><tool_call>{"arguments":{}}</tool_call>');
    assert.equal(broken.calls.length, 0);
    assert.match(broken.errors[0]!, /not valid JSON/);
    assert.match(broken.errors[1]!, /needs a "name"/);
    assert.deepEqual(parseToolCalls('no calls here'), { text: 'no calls here', calls: [], errors: [] });
  });

  it('rewrites a history with tool roles for a model without them', () => {
    const out = toPromptProtocol([
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'read a.ts' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', function: { name: 'cat', arguments: '{"paths":"a.ts"}' } }, { id: 'c2', function: { name: 'cat', arguments: '{"paths":"b.ts"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'A' },
      { role: 'tool', tool_call_id: 'c2', content: 'B' },
    ], tools);
    assert.deepEqual(out.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
    assert.match(out[0]!.content, /^You are helpful\.\n\n# Tools/);
    assert.equal(out[2]!.content, '<tool_call>\n{"name":"cat","arguments":{"paths":"a.ts"}}\n</tool_call>\n<tool_call>\n{"name":"cat","arguments":{"paths":"b.ts"}}\n</tool_call>');
    assert.equal(out[3]!.content, '<tool_response>\nA\n</tool_response>\n<tool_response>\nB\n</tool_response>');
    // The model's own call, parsed back, is the same call.
    assert.deepEqual(parseToolCalls(out[2]!.content).calls.map((c) => c.name), ['cat', 'cat']);
  });
});
