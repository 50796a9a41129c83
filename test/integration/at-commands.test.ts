/**
 * Every @-command through the real engine's routes (`/v1/at-command-preview`,
 * `/v1/at-command-completion`) on a copy of the fixture workspace, indexed with `--ast` and
 * `--vecdb` (lexical search, no embedding model). A local HTTP server stands in for the web.
 */
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { AtCommandPreviewResponse } from '../../src/protocol/at-commands';
import type { ChatContextFile } from '../../src/protocol/chat';
import { eventually, postJson, startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';

const FIXTURE = join(__dirname, '..', 'fixtures', 'chat-workspace');
const SECRETS = ['PEM-SECRET-MUST-NOT-LEAVE', 'PRIVATE-KEYS-PY-MUST-NOT-LEAVE', 'LOCAL-ONLY-PASSWORD'];

function copyFixture(prefix: string): string {
  const ws = join(tempDir(prefix), 'ws');
  cpSync(FIXTURE, ws, { recursive: true });
  return ws;
}

async function preview(engine: EngineProcess, content: string): Promise<AtCommandPreviewResponse> {
  const { status, json } = await postJson(engine, '/v1/at-command-preview', { messages: [{ role: 'user', content }], model: '' });
  assert.equal(status, 200, JSON.stringify(json));
  return json as AtCommandPreviewResponse;
}

function contextFiles(answer: AtCommandPreviewResponse): ChatContextFile[] {
  const message = answer.messages.find((m) => m.role === 'context_file');
  return message ? (JSON.parse(message.content as string) as ChatContextFile[]) : [];
}

describe('@-commands through the engine (--ast --vecdb)', () => {
  let engine: EngineProcess;
  let ws: string;
  let web: Server;
  let webUrl: string;

  before(async () => {
    ws = copyFixture('at-commands');
    writeFileSync(join(ws, '..', 'outside.txt'), 'OUTSIDE-THE-WORKSPACE');
    web = createServer((request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      if (request.url === '/huge') {
        // 16 MiB of page: the engine reads a few MiB and cuts the text.
        const block = '<p>lorem ipsum dolor sit amet</p>\n'.repeat(32 * 1024);
        for (let i = 0; i < 16; i++) response.write(block);
        response.end();
        return;
      }
      response.end(`<html><head><style>body{color:red}</style><script>var tracking = "SCRIPT-TEXT";</script></head>
        <body><nav>Home | About</nav><h1>Shoelace formula</h1><p>The area of a <b>simple polygon</b> from its vertices.</p>
        <ul><li>Sum the cross products</li><li>Halve the absolute value</li></ul><a href="/more">read more</a></body></html>`);
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/shoelace`;
    engine = await startEngineProcess({ args: ['--workspace-folder', ws, '--ast', '--vecdb'] });
    await eventually('index done', async () => {
      const rag = (await (await fetch(`${engine.baseUrl}/v1/rag-status`)).json()) as any;
      return rag.ast?.state === 'done' && rag.vecdb?.state === 'done' && rag.ast.ast_index_files_total >= 5 ? true : null;
    });
  });
  after(async () => {
    await engine?.stop();
    await new Promise((resolve) => web?.close(resolve));
  });

  it('@file attaches a line range, and at the start of the message it is only an attachment', async () => {
    const answer = await preview(engine, '@file src/geometry/point.py:12-14 what does norm return?');
    assert.deepEqual(contextFiles(answer), [{
      file_name: join(ws, 'src/geometry/point.py'),
      file_content: '    def norm(self) -> float:\n        """Distance from the origin."""\n        return math.hypot(self.x, self.y)',
      line1: 12,
      line2: 14,
    }]);
    assert.deepEqual(answer.highlight, [
      { kind: 'cmd', pos1: 0, pos2: 5, ok: true, reason: '' },
      { kind: 'arg', pos1: 6, pos2: 33, ok: true, reason: '' },
    ]);
    assert.ok(answer.current_context > 0);
  });

  it('@file repairs a misspelt path and says when there is nothing close', async () => {
    const repaired = contextFiles(await preview(engine, 'look at @file shapse.py please'));
    assert.equal(repaired.length, 1);
    assert.equal(repaired[0]!.file_name, join(ws, 'src/geometry/shapes.py'));
    assert.equal(repaired[0]!.line1, 1);
    assert.ok(repaired[0]!.file_content.includes('def unit_square() -> Polygon:'));
    // A path that climbs out of the workspace is not followed.
    const outside = await preview(engine, '@file ../outside.txt');
    assert.ok(!JSON.stringify(outside).includes('OUTSIDE-THE-WORKSPACE'));
    const missing = await preview(engine, '@file nothing_like_it.rs');
    assert.deepEqual(missing.messages, []);
    assert.equal(missing.highlight[1]!.ok, false);
    assert.match(missing.highlight[1]!.reason, /does not exist/);
  });

  it('@definition attaches the symbol\'s whole definition', async () => {
    const files = contextFiles(await preview(engine, 'how is @definition distance computed?'));
    assert.deepEqual(files, [{
      file_name: join(ws, 'src/geometry/point.py'),
      file_content: 'def distance(a: Point, b: Point) -> float:\n    """Euclidean distance between two points."""\n    return math.hypot(a.x - b.x, a.y - b.y)',
      line1: 20,
      line2: 22,
    }]);
  });

  it('@references attaches the lines around each usage', async () => {
    const files = contextFiles(await preview(engine, '@references parseQuery'));
    assert.ok(files.length >= 1);
    assert.ok(files.every((f) => f.file_name === join(ws, 'src/web/server.ts')), JSON.stringify(files));
    const text = files.map((f) => f.file_content).join('\n');
    assert.ok(text.includes("import { parseQuery, formatReply } from './utils';"));
    assert.ok(text.includes("const query = parseQuery(request.url ?? '/');"));
  });

  it('@tree lists the workspace with symbols, leaving out files privacy keeps from this model', async () => {
    const answer = await preview(engine, '@tree');
    const tree = answer.messages.find((m) => m.role === 'plain_text')!.content as string;
    assert.match(tree, /point\.py \[Point \(__init__, x, y, norm, translate\), distance, ORIGIN\]/);
    assert.match(tree, /utils\.ts \[parseQuery, formatReply\]/);
    assert.match(tree, /README\.md/);
    for (const hidden of ['server.pem', 'keys.py', 'secret_passwords.txt']) assert.ok(!tree.includes(hidden), hidden);
    // A folder named by its last part is found, and the tree shows it alone.
    const sub = (await preview(engine, 'what is in @tree geometry')).messages[0]!.content as string;
    assert.match(sub, /point\.py/);
    assert.ok(!sub.includes('server.ts') && !sub.includes('README.md'), sub);
  });

  it('@search finds code by its words, without an embedding model', async () => {
    const answer = await preview(engine, '@search shoelace polygon area');
    const files = contextFiles(answer);
    assert.ok(files.length > 0);
    assert.equal(files[0]!.file_name, join(ws, 'src/geometry/shapes.py'));
    assert.ok(files[0]!.file_content.includes('"""Shoelace formula."""'));
    assert.deepEqual(answer.highlight.map((h) => h.kind), ['cmd', 'arg', 'arg', 'arg']);
  });

  it('@web turns a page into text, and offline says why it cannot', async () => {
    const answer = await preview(engine, `@web ${webUrl}`);
    const page = answer.messages.find((m) => m.role === 'plain_text')!.content as string;
    assert.ok(page.startsWith(`${webUrl}\n\n`));
    assert.match(page, /SHOELACE FORMULA/);
    assert.match(page, /The area of a simple polygon from its vertices\./);
    assert.match(page, /\* Sum the cross products/);
    for (const gone of ['SCRIPT-TEXT', 'color:red', 'Home | About', '<b>']) assert.ok(!page.includes(gone), gone);
    const huge = (await preview(engine, `@web ${webUrl.replace('/shoelace', '/huge')}`)).messages[0]!.content as string;
    assert.ok(huge.endsWith('[page cut at 100000 characters]'));
    assert.ok(huge.length < 110_000);
    const offline = await preview(engine, '@web http://no-such-host.invalid/page');
    assert.deepEqual(offline.messages, []);
    assert.match(offline.highlight[1]!.reason, /cannot fetch http:\/\/no-such-host\.invalid\/page: .*offline/);
  });

  it('privacy: blocked and local-only files never come back, and the reason names the rule', async () => {
    const answer = await preview(engine, 'compare @file server.pem with @file src/private/keys.py and @file secret_passwords.txt');
    assert.deepEqual(answer.messages, []);
    const reasons = answer.highlight.filter((h) => h.kind === 'arg').map((h) => h.reason);
    assert.match(reasons[0]!, /server\.pem is blocked by privacy rule '\*\.pem'/);
    assert.match(reasons[1]!, /keys\.py is blocked by privacy rule '\*\/private\/\*' in .*\.refact\/privacy\.yaml/);
    // The preview names no model, so no server counts as the user's own.
    assert.match(reasons[2]!, /may only be sent to servers you control/);
    const everything = JSON.stringify(await preview(engine, '@definition deploy_key @search PRIVATE KEYS deploy @references deploy_key'));
    for (const secret of SECRETS) assert.ok(!everything.includes(secret), secret);
  });

  it('completes command names, file paths and symbols', async () => {
    const complete = async (query: string) => (await postJson(engine, '/v1/at-command-completion', { query, cursor: query.length, top_n: 5 })).json;
    assert.deepEqual(await complete('@fi'), { completions: ['@file '], replace: [0, 3], is_cmd_executable: false });
    assert.deepEqual(await complete('see @file src/geometry/poi'), { completions: ['src/geometry/point.py '], replace: [10, 26], is_cmd_executable: true });
    const symbols = await complete('@definition formatRep');
    assert.deepEqual(symbols.completions, ['formatReply ']);
    assert.deepEqual(symbols.replace, [12, 21]);
    // Refact offers five command names at most, here the shortest first.
    assert.deepEqual((await complete('@')).completions, ['@web ', '@file ', '@tree ', '@search ', '@definition ']);
  });

  it('answers 422 for a body that is not the right JSON', async () => {
    const post = async (path: string, body: string) => {
      const response = await fetch(`${engine.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: response.status, json: (await response.json()) as { detail: string } };
    };
    for (const [path, body] of [
      ['/v1/at-command-completion', '{"query": "@fi", "cursor": 3'],
      ['/v1/at-command-completion', '{"query": "@fi", "top_n": 5}'],
      ['/v1/at-command-completion', '{"query": 3, "cursor": 0, "top_n": 5}'],
      ['/v1/at-command-completion', '[1, 2]'],
      ['/v1/at-command-preview', 'not json'],
      ['/v1/at-command-preview', '{"messages": "hello"}'],
      ['/v1/at-command-preview', '{"messages": [{"content": "no role"}]}'],
    ] as const) {
      const answer = await post(path, body);
      assert.equal(answer.status, 422, `${path} ${body}`);
      assert.match(answer.json.detail, /^JSON problem: /);
    }
  });
});

describe('@-commands with the indexes off', () => {
  let engine: EngineProcess;
  let ws: string;
  before(async () => {
    ws = copyFixture('at-commands-off');
    engine = await startEngineProcess({ args: ['--workspace-folder', ws] });
  });
  after(async () => engine?.stop());

  it('@file reads the editor\'s unsaved text', async () => {
    const uri = pathToFileURL(join(ws, 'docs/usage.md')).href;
    assert.equal((await postJson(engine, '/v1/lsp-did-changed', { uri, text: '# Usage\n\nUNSAVED EDIT\n' })).status, 200);
    assert.deepEqual(contextFiles(await preview(engine, '@file docs/usage.md')), [{ file_name: join(ws, 'docs/usage.md'), file_content: '# Usage\n\nUNSAVED EDIT', line1: 1, line2: 3 }]);
  });

  it('says which flag @definition, @references and @search need, while @file and @tree still work', async () => {
    const answer = await preview(engine, '@definition Point @references Point @search polygon @file README.md @tree');
    const reasons = answer.highlight.filter((h) => h.kind === 'cmd' && !h.ok).map((h) => h.reason);
    assert.deepEqual(reasons, [
      '@definition needs the AST index, which is turned off (start the engine with --ast)',
      '@references needs the AST index, which is turned off (start the engine with --ast)',
      '@search needs the search index, which is turned off (start the engine with --vecdb)',
    ]);
    assert.deepEqual(contextFiles(answer).map((f) => f.file_name), [join(ws, 'README.md')]);
    const tree = answer.messages.find((m) => m.role === 'plain_text')!.content as string;
    assert.match(tree, /point\.py/);
    const names = (await postJson(engine, '/v1/at-command-completion', { query: '@', cursor: 1, top_n: 9 })).json.completions as string[];
    assert.deepEqual(names, ['@web ', '@file ', '@tree ']);
  });
});
