/**
 * MCP integrations end to end with the official SDK on both sides: a stdio server (the fixture
 * `test/fixtures/mcp/echo-server.mjs`) and a streamable-HTTP server in this process, configured
 * by `mcp_*.yaml` in `integrations.d`, listed in the registry and `/v1/tools` with Refact's names,
 * called, confirmed and refused by the YAML's globs, restarted after a crash; a server that does
 * not start is reported; the engine's shutdown leaves no server process behind.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { ToolGroupResponse } from '../../src/protocol/tools';
import { eventually, startEngineProcess, tempDir } from '../helpers/engine-process';
import { makeToolsKit, type ToolsKit } from './tools-kit';

const FIXTURE = resolve(__dirname, '../fixtures/mcp/echo-server.mjs');
const quoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function writeYaml(configDir: string, name: string, text: string): string {
  const dir = join(configDir, 'integrations.d');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, text);
  return path;
}

/** A stdio echo server: `command` holds node, `args` the fixture (both fields of the format). */
function stdioYaml(extra = ''): string {
  return `command: ${JSON.stringify(`${quoted(process.execPath)}`)}\nargs:\n  - ${JSON.stringify(FIXTURE)}\nenv:\n  ECHO_SECRET: $MCP_TEST_SECRET\n${extra}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const kits: ToolsKit[] = [];
async function kitWith(files: Record<string, string>): Promise<ToolsKit> {
  const kit = makeToolsKit();
  kits.push(kit);
  for (const [name, text] of Object.entries(files)) writeYaml(kit.configDir, name, text);
  await kit.mcp.settled();
  return kit;
}
after(async () => {
  await Promise.all(kits.map((k) => k.mcp.dispose()));
});

describe('MCP tools', () => {
  process.env.MCP_TEST_SECRET = 'sekrit-42';

  it('a stdio server\'s tools are listed with Refact\'s names in group MCP <server> and run through the registry', async () => {
    const kit = await kitWith({ mcp_stdio_echo: stdioYaml('confirmation:\n  ask_user: []\n  deny: []\n') });
    const groups = await kit.registry.groups();
    const group = groups.find((g) => g.name === 'MCP echo');
    assert.ok(group, `groups: ${groups.map((g) => g.name).join(', ')}`);
    assert.equal(group.category, 'mcp');
    assert.deepEqual(group.tools.map((t) => t.spec.name).sort(), ['mcp_echo_add', 'mcp_echo_crash', 'mcp_echo_echo', 'mcp_echo_fail', 'mcp_echo_wait_for_abort', 'mcp_echo_whoami']);
    const add = group.tools.find((t) => t.spec.name === 'mcp_echo_add')!;
    assert.equal(add.spec.display_name, 'add');
    assert.deepEqual(add.spec.parameters.map((p) => [p.name, p.type]), [['a', 'number'], ['b', 'number']]);
    assert.deepEqual(add.spec.parameters_required, ['a', 'b']);
    assert.equal(add.spec.source.config_path, join(kit.configDir, 'integrations.d', 'mcp_stdio_echo.yaml'));
    assert.ok((await kit.registry.list('AGENT')).some((t) => t.function.name === 'mcp_echo_echo'));
    assert.ok(!(await kit.registry.list('EXPLORE')).some((t) => t.function.name.startsWith('mcp_')), 'MCP tools are agentic: not in EXPLORE');

    assert.deepEqual(await kit.registry.run('mcp_echo_add', '{"a": 2, "b": 40}', kit.ctx()), { ok: true, content: '42' });
    assert.deepEqual(await kit.registry.run('mcp_echo_echo', { text: 'hi there' }, kit.ctx()), { ok: true, content: 'echo: hi there' });
    const failedCall = await kit.registry.run('mcp_echo_fail', '{}', kit.ctx());
    assert.equal(failedCall.ok, false);
    assert.equal(failedCall.content, "MCP tool `fail` of `echo` answered an error: the fixture failed on purpose");
    const badArgs = await kit.registry.run('mcp_echo_add', '{"a": "two"}', kit.ctx());
    assert.equal(badArgs.ok, false);
    assert.match(badArgs.content, /must be a number|Missing required argument/);
    // The secret reached the server through the YAML's env ($MCP_TEST_SECRET), not its command line.
    const who = JSON.parse((await kit.registry.run('mcp_echo_whoami', '{}', kit.ctx())).content) as { pid: number; secret: string };
    assert.equal(who.secret, 'sekrit-42');
    assert.ok(!readFileSync(`/proc/${who.pid}/cmdline`, 'utf8').includes('sekrit-42'));
  });

  it('confirmation: Refact\'s default asks for every MCP call; the YAML\'s deny glob refuses, ask_user asks', async () => {
    const kit = await kitWith({
      mcp_stdio_plain: stdioYaml(),
      mcp_stdio_ruled: stdioYaml('confirmation:\n  ask_user: ["add"]\n  deny: ["cr*"]\n'),
    });
    const plain = await kit.registry.needsConfirmation('mcp_plain_echo', { text: 'x' });
    assert.deepEqual([plain.decision, plain.command, plain.rule], ['ask', 'echo', '*']);
    assert.equal(plain.integr_config_path, join(kit.configDir, 'integrations.d', 'mcp_stdio_plain.yaml'));
    const calls = [
      { id: 'e', type: 'function' as const, function: { name: 'mcp_ruled_echo', arguments: '{"text":"x"}' } },
      { id: 'a', type: 'function' as const, function: { name: 'mcp_ruled_add', arguments: '{"a":1,"b":2}' } },
      { id: 'c', type: 'function' as const, function: { name: 'mcp_ruled_crash', arguments: '{}' } },
    ];
    const check = await kit.registry.checkToolCalls(calls);
    assert.equal(check.pause, true);
    assert.deepEqual(check.pause_reasons.map((r) => [r.tool_call_id, r.type, r.command, r.rule]), [['a', 'confirmation', 'add', 'add'], ['c', 'denial', 'crash', 'cr*']]);
    // Allowed for this chat: the ask is skipped, the denial stays.
    const allowed = await kit.registry.checkToolCalls(calls, new Set(['mcp_ruled_add', 'mcp_ruled_crash']));
    assert.deepEqual(allowed.pause_reasons.map((r) => r.tool_call_id), ['c']);
    const denied = await kit.registry.run('mcp_ruled_crash', '{}', kit.ctx());
    assert.equal(denied.ok, false);
    assert.match(denied.content, /denied by the rule `cr\*`/);
    assert.equal(kit.mcp.servers().find((s) => s.config.server === 'ruled')!.state, 'ready', 'the denied crash never reached the server');
  });

  it('an aborted call is stopped and the server keeps serving', async () => {
    const kit = await kitWith({ mcp_stdio_echo: stdioYaml() });
    const controller = new AbortController();
    const marker = join(tempDir('mcp-abort-'), 'call');
    const pending = kit.registry.run('mcp_echo_wait_for_abort', { marker }, kit.ctx({ signal: controller.signal }));
    await eventually('the call reaching the server', async () => (existsSync(`${marker}.started`) ? true : null));
    controller.abort();
    const result = await pending;
    assert.equal(result.ok, false);
    assert.equal(result.content, 'MCP tool `wait_for_abort` was stopped: the turn was aborted.');
    await eventually('the cancellation reaching the server', async () => (existsSync(`${marker}.cancelled`) ? true : null));
    assert.deepEqual(await kit.registry.run('mcp_echo_echo', '{"text":"still here"}', kit.ctx()), { ok: true, content: 'echo: still here' });
  });

  it('a crashed stdio server starts again on the next call; when it cannot, the call is a clear error', async () => {
    const flag = join(tempDir('mcp-flag-'), 'refuse');
    const kit = await kitWith({ mcp_stdio_echo: stdioYaml(`  MCP_FAIL_IF_EXISTS: ${JSON.stringify(flag)}\n`) });
    const session = kit.mcp.servers()[0]!;
    const first = JSON.parse((await kit.registry.run('mcp_echo_whoami', '{}', kit.ctx())).content).pid as number;
    assert.deepEqual(await kit.registry.run('mcp_echo_crash', '{}', kit.ctx()), { ok: true, content: 'bye' });
    await eventually('the crash noticed', async () => (session.state === 'failed' ? true : null));
    const second = JSON.parse((await kit.registry.run('mcp_echo_whoami', '{}', kit.ctx())).content).pid as number;
    assert.notEqual(second, first);
    assert.equal(alive(first), false);

    writeFileSync(flag, '');
    await kit.registry.run('mcp_echo_crash', '{}', kit.ctx());
    await eventually('the second crash noticed', async () => (session.state === 'failed' ? true : null));
    const refused = await kit.registry.run('mcp_echo_echo', '{"text":"x"}', kit.ctx());
    assert.equal(refused.ok, false);
    assert.match(refused.content, /The MCP server `echo` \(.*mcp_stdio_echo\.yaml\) is not running: .*refusing to start/);
  });

  it('a changed YAML restarts its server with the new settings (new rules apply without a restart); a removed one stops it', async () => {
    const kit = await kitWith({ mcp_stdio_echo: stdioYaml() });
    const before = JSON.parse((await kit.registry.run('mcp_echo_whoami', '{}', kit.ctx())).content) as { pid: number; secret: string };
    assert.equal(before.secret, 'sekrit-42');
    const path = writeYaml(kit.configDir, 'mcp_stdio_echo', stdioYaml().replace('$MCP_TEST_SECRET', 'plain-value'));
    await kit.mcp.settled();
    const after = JSON.parse((await kit.registry.run('mcp_echo_whoami', '{}', kit.ctx())).content) as { pid: number; secret: string };
    assert.equal(after.secret, 'plain-value');
    writeYaml(kit.configDir, 'mcp_stdio_echo', stdioYaml('confirmation:\n  ask_user: []\n  deny: ["who*"]\n').replace('$MCP_TEST_SECRET', 'plain-value'));
    await kit.mcp.settled();
    assert.equal((await kit.registry.needsConfirmation('mcp_echo_whoami', {})).decision, 'deny', 'new rules apply');
    assert.equal(kit.mcp.servers()[0]!.pid, after.pid, 'new rules alone do not restart the server');
    await eventually('the old server gone', async () => (alive(before.pid) ? null : true));
    rmSync(path);
    await kit.mcp.settled();
    assert.ok(!(await kit.registry.groups()).some((g) => g.name === 'MCP echo'));
    await eventually('the removed server gone', async () => (alive(after.pid) ? null : true));
  });

  it('a server that fails to start is listed in /v1/tools with its error, and the engine goes on', async () => {
    const kit = await kitWith({
      mcp_stdio_broken: 'command: /no/such/mcp-server --flag\n',
      mcp_stdio_echo: stdioYaml(),
      mcp_stdio_nothing: 'env:\n  A: b\n',
    });
    const groups = await kit.registry.groups();
    const broken = groups.find((g) => g.name === 'MCP broken')!;
    assert.equal(broken.tools.length, 1);
    assert.equal(broken.tools[0]!.spec.name, 'mcp_broken_unavailable');
    assert.equal(broken.tools[0]!.enabled, false, 'never offered to the model');
    assert.match(broken.tools[0]!.spec.description, /The MCP server `broken` is not running: .*ENOENT/);
    const nothing = groups.find((g) => g.name === 'MCP nothing')!;
    assert.match(nothing.tools[0]!.spec.description, /needs `command` \(a stdio server\) or `url`/);
    assert.ok(!(await kit.registry.list('AGENT')).some((t) => t.function.name.endsWith('_unavailable')));
    assert.deepEqual(await kit.registry.run('mcp_echo_add', '{"a":1,"b":1}', kit.ctx()), { ok: true, content: '2' });
  });

  it('a streamable-HTTP server is listed and called, with the YAML\'s headers', async () => {
    const { echoServer } = (await import(FIXTURE)) as { echoServer: () => { connect(t: unknown): Promise<void> } };
    const seenAuth: string[] = [];
    const http: Server = createServer((req, res) => {
      seenAuth.push(String(req.headers.authorization));
      // Stateless: a fresh server and transport per request, as the SDK documents.
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void transport.close());
      void echoServer().connect(transport).then(() => transport.handleRequest(req, res));
    });
    await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
    process.env.MCP_TEST_TOKEN = 'Bearer t0k3n';
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    const kit = await kitWith({ mcp_http_remote: `url: ${url}\nheaders:\n  Authorization: $MCP_TEST_TOKEN\nconfirmation:\n  ask_user: []\n  deny: ["fail"]\n` });
    try {
      const group = (await kit.registry.groups()).find((g) => g.name === 'MCP remote')!;
      assert.ok(group.tools.some((t) => t.spec.name === 'mcp_remote_add'));
      assert.deepEqual(await kit.registry.run('mcp_remote_add', '{"a":20,"b":22}', kit.ctx()), { ok: true, content: '42' });
      assert.equal((await kit.registry.needsConfirmation('mcp_remote_fail', {})).decision, 'deny');
      assert.ok(seenAuth.length > 0 && seenAuth.every((a) => a === 'Bearer t0k3n'), `authorization headers: ${seenAuth.join(', ')}`);
    } finally {
      await kit.mcp.dispose();
      // The client's event stream (GET) stays open until closed here.
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
    }
  });

  it('a real engine lists the MCP tools in GET /v1/tools, its server gets only the allowed env, and shutdown leaves no server process', async () => {
    const root = tempDir('mcp-engine-');
    const configDir = join(root, 'config');
    writeYaml(configDir, 'mcp_stdio_echo', stdioYaml());
    const engine = await startEngineProcess({ configDir, env: { MCP_TEST_SECRET: 'engine-secret', OPENAI_API_KEY: 'must-not-leak' } });
    try {
      const group = await eventually('the MCP group in /v1/tools', async () => {
        const groups = (await (await fetch(`${engine.baseUrl}/v1/tools`)).json()) as ToolGroupResponse[];
        return groups.find((g) => g.name === 'MCP echo' && g.tools.length > 1) ?? null;
      });
      assert.equal(group.category, 'mcp');
      assert.ok(group.tools.some((t) => t.spec.name === 'mcp_echo_echo' && t.enabled));
      const check = await fetch(`${engine.baseUrl}/v1/tools-check-if-confirmation-needed`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tool_calls: [{ id: 't1', type: 'function', function: { name: 'mcp_echo_echo', arguments: '{"text":"x"}' } }] }),
      });
      const answer = (await check.json()) as { pause: boolean; pause_reasons: Array<{ command: string; type: string }> };
      assert.deepEqual([answer.pause, answer.pause_reasons[0]?.type, answer.pause_reasons[0]?.command], [true, 'confirmation', 'echo']);
      // Called through /v1/tools-execute, as the GUI's tool runs are.
      const executed = await fetch(`${engine.baseUrl}/v1/tools-execute`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'go' }, { role: 'assistant', content: '', tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'mcp_echo_add', arguments: '{"a":3,"b":4}' } },
          { id: 'c2', type: 'function', function: { name: 'mcp_echo_whoami', arguments: '{}' } },
        ] }] }),
      });
      assert.equal(executed.status, 200);
      const ran = (await executed.json()) as { messages: Array<{ tool_call_id: string; content: string; tool_failed?: boolean }>; tools_ran: boolean };
      assert.deepEqual(ran.messages[0], { role: 'tool', tool_call_id: 'c1', content: '7' });
      const pid = (JSON.parse(ran.messages[1]!.content) as { pid: number }).pid;
      assert.ok(alive(pid));
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      assert.ok(environ.includes('ECHO_SECRET=engine-secret'));
      assert.ok(!environ.some((e) => e.startsWith('OPENAI_API_KEY=')), 'the engine\'s other secrets stay out of the server');
      engine.process.kill('SIGTERM');
      const exit = await engine.exited;
      assert.equal(exit.code, 0);
      assert.equal(alive(pid), false, `MCP server ${pid} outlived the engine`);
    } finally {
      await engine.stop();
    }
  });
});
