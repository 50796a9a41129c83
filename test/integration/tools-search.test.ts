import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeToolsKit } from './tools-kit';

describe('search and tree tools', () => {
  it('search_pattern finds paths and text, leaving out .gitignore\'d and private files', async () => {
    const kit = makeToolsKit();
    const result = await kit.registry.run('search_pattern', { pattern: 'greet', scope: 'workspace' }, kit.ctx());
    assert.equal(result.ok, true);
    assert.match(result.content, new RegExp(`Path matches \\(1\\):\\n${join(kit.root, 'src', 'greet.ts')}`));
    assert.match(result.content, /Text matches \(4 in 3 files\)/);
    assert.match(result.content, new RegExp(`${join(kit.root, 'src', 'app.ts')}:1: import \\{ greet \\} from './greet';`));
    assert.doesNotMatch(result.content, /ignored\/copy\.ts|debug\.log|secrets\.env/);
  });

  it('search_pattern narrows to a folder or a file and takes (?i)', async () => {
    const kit = makeToolsKit();
    const docs = await kit.registry.run('search_pattern', { pattern: '(?i)GREETING', scope: 'docs/' }, kit.ctx());
    assert.match(docs.content, /Text matches \(1 in 1 files\)/);
    const file = await kit.registry.run('search_pattern', { pattern: 'console', scope: 'src/app.ts' }, kit.ctx());
    assert.match(file.content, /app\.ts:4: console\.log/);
    const none = await kit.registry.run('search_pattern', { pattern: 'zebra', scope: 'workspace' }, kit.ctx());
    assert.equal(none.ok, true);
    assert.match(none.content, /No paths or text matched `zebra`/);
    const missing = await kit.registry.run('search_pattern', { pattern: 'x', scope: 'nowhere/' }, kit.ctx());
    assert.equal(missing.ok, false);
  });

  it('tree lists the workspace without ignored or private files; AST tools say the index is off', async () => {
    const kit = makeToolsKit();
    const tree = await kit.registry.run('tree', {}, kit.ctx());
    assert.equal(tree.ok, true);
    assert.match(tree.content, /greet\.ts/);
    assert.match(tree.content, /notes\.md/);
    assert.doesNotMatch(tree.content, /secrets\.env|copy\.ts|debug\.log/);
    const names = (await kit.registry.groups()).flatMap((g) => g.tools.map((t) => t.spec.name));
    assert.ok(!names.includes('search_symbol_definition') && !names.includes('search_semantic'));
    assert.match((await kit.registry.run('search_symbol_definition', { symbols: 'greet' }, kit.ctx())).content, /needs the AST index \(--ast\), which is turned off/);
  });
});

describe('web tool', () => {
  it('reads at most a few MiB of an endless page and answers with text', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      const block = '<p>endless greeting</p>\n'.repeat(4096);
      // Never ends: only a reader that stops on its own gets an answer.
      const pump = () => {
        while (response.write(block));
        response.once('drain', pump);
      };
      response.on('close', () => response.removeAllListeners('drain'));
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kit = makeToolsKit();
    try {
      const url = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/`;
      const page = await kit.registry.run('web', { url, output_limit: '3' }, kit.ctx());
      assert.equal(page.ok, true, page.content);
      assert.match(page.content, /endless greeting\n+\.\.\. \d+ lines skipped/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
