import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mcpServerName, mcpToolName, parseMcpConfig, splitCommandLine, type McpServerConfig } from '../../server/services/tools/mcp/mcp-config';
import { mcpToolDesc } from '../../server/services/tools/mcp/mcp-tools';

const parse = (value: Record<string, unknown>, env: Record<string, string> = {}) => parseMcpConfig('mcp_stdio_x', '/c/mcp_stdio_x.yaml', value, env);

describe('mcp_* YAML', () => {
  it('names follow Refact: the transport prefix goes, non-alphanumerics become _', () => {
    assert.deepEqual(['mcp_stdio_echo', 'mcp_sse_remote', 'mcp_http_remote', 'mcp_github'].map(mcpServerName), ['echo', 'remote', 'remote', 'github']);
    assert.equal(mcpToolName('my-server', 'get.issue'), 'mcp_my_server_get_issue');
  });

  it('splits a command line as a shell would, without running one', () => {
    assert.deepEqual(splitCommandLine(`npx -y "@scope/server x" --dir 'a b' c\\ d ""`), ['npx', '-y', '@scope/server x', '--dir', 'a b', 'c d', '']);
    assert.match(String(splitCommandLine('node "unclosed')), /unclosed " quote/);
  });

  it('stdio: command + args + env, $NAME read from the environment, an unset one warned about', () => {
    const c = parse({ command: 'node server.js --x', args: ['--y', 2], env: { TOKEN: '$GH', OTHER: '${MISSING}', PLAIN: 'v' } }, { GH: 'secret' }) as McpServerConfig;
    assert.equal(c.transport, 'stdio');
    assert.equal(c.command, 'node');
    assert.deepEqual(c.args, ['server.js', '--x', '--y', '2']);
    assert.deepEqual(c.env, { TOKEN: 'secret', OTHER: '', PLAIN: 'v' });
    assert.deepEqual(c.warnings, ['env OTHER: environment variable MISSING is not set']);
    assert.deepEqual(c.confirmation, { ask_user: ['*'], deny: [] }, "Refact's default asks for every call");
    assert.deepEqual([c.initTimeoutS, c.requestTimeoutS], [60, 30]);
  });

  it('http: url + headers, rules and timeouts from the file; bad files are clear errors', () => {
    const c = parse({ url: 'https://mcp.example/mcp', headers: { Authorization: '$KEY' }, confirmation: { ask_user: ['write_*'], deny: ['drop_*'] }, request_timeout: '5' }, { KEY: 'Bearer k' }) as McpServerConfig;
    assert.deepEqual([c.transport, c.url, c.headers.Authorization, c.requestTimeoutS], ['http', 'https://mcp.example/mcp', 'Bearer k', 5]);
    assert.deepEqual(c.confirmation, { ask_user: ['write_*'], deny: ['drop_*'] });
    assert.equal(parse({}), 'needs `command` (a stdio server) or `url` (an HTTP server)');
    assert.equal(parse({ url: 'file:///x' }), 'url must be http(s): file:///x');
  });

  it('an MCP input schema becomes Refact\'s parameters', () => {
    const c = parse({ command: 'x' }) as McpServerConfig;
    const desc = mcpToolDesc(c, { name: 'find', description: 'Finds', inputSchema: { type: 'object', properties: { q: { type: 'string', description: 'query' }, limit: { type: ['integer', 'null'] }, any: {} }, required: ['q'] } });
    assert.equal(desc.name, 'mcp_x_find');
    assert.deepEqual(desc.parameters, [{ name: 'q', type: 'string', description: 'query' }, { name: 'limit', type: 'integer', description: '' }, { name: 'any', type: 'string', description: '' }]);
    assert.deepEqual(desc.parameters_required, ['q']);
    assert.deepEqual(desc.source, { source_type: 'integration', config_path: '/c/mcp_stdio_x.yaml' });
  });
});
