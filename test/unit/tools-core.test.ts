import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkArgsAgainstSpec, parseToolArgs } from '../../server/core/tools/args';
import { BUILTIN_TOOLS, offeredInMode, toOpenAITool } from '../../server/core/tools/builtin-specs';
import { parseCmdlineTool, renderTemplate, shellQuote } from '../../server/core/tools/cmdline-spec';
import { decideConfirmation, DEFAULT_CONFIRMATION, globMatches } from '../../server/core/tools/confirmation';
import { diffChunks, fileChunk } from '../../server/core/tools/diff-chunks';
import { filterOutput } from '../../server/core/tools/output-filter';
import { candidatePaths } from '../../server/core/tools/paths';
import { decodeText, encodeText } from '../../server/core/tools/text-codec';
import { parseLineRanges, replaceLines, replaceRegex, replaceString } from '../../server/core/tools/text-edits';

const entry = (name: string) => BUILTIN_TOOLS.find((t) => t.desc.name === name)!;
const check = (name: string, raw: unknown) => {
  const parsed = parseToolArgs(raw);
  if (!parsed.ok) return parsed;
  const typed = checkArgsAgainstSpec({ ...entry(name).desc, source: { source_type: 'builtin', config_path: '' } }, parsed.args);
  if (!typed.ok) return typed;
  const problem = entry(name).check?.(typed.args);
  return problem ? { ok: false as const, error: problem } : typed;
};

describe('tool argument checks', () => {
  it('accepts good arguments and converts string booleans and numbers', () => {
    const r = check('rm', '{"path":"a.txt","recursive":"true","max_depth":"3"}');
    assert.deepEqual(r, { ok: true, args: { path: 'a.txt', recursive: true, max_depth: 3 } });
  });
  it('names a missing required argument', () => {
    const r = check('update_textdoc', { path: 'a', old_str: 'x' });
    assert.equal(r.ok, false);
    assert.match((r as { error: string }).error, /Missing required argument `replacement`/);
  });
  it('refuses malformed JSON, a wrong type, an empty path, a bad regex and bad line ranges', () => {
    assert.match((check('cat', '{paths:') as { error: string }).error, /not valid JSON/);
    assert.match((check('cat', '[1]') as { error: string }).error, /JSON object/);
    assert.match((check('rm', { path: 'a', recursive: 'maybe' }) as { error: string }).error, /`recursive` .* must be a boolean/);
    assert.match((check('create_textdoc', { path: ' ', content: '' }) as { error: string }).error, /`path` must not be empty/);
    assert.match((check('search_pattern', { pattern: 'a(', scope: 'workspace' }) as { error: string }).error, /Invalid regular expression/);
    assert.match((check('update_textdoc_by_lines', { path: 'a', content: 'x', ranges: '5:2' }) as { error: string }).error, /end line \(2\) must be >= start line \(5\)/);
    assert.match((check('web', { url: 'file:///etc/passwd' }) as { error: string }).error, /http/);
    assert.match((check('shell', { command: 'ls', timeout: 'soon' }) as { error: string }).error, /whole number/);
  });
  it('drops undeclared arguments', () => {
    assert.deepEqual(check('cat', { paths: 'a', junk: 1 }), { ok: true, args: { paths: 'a' } });
  });
});

describe('tool table and modes', () => {
  it('has Refact\'s names and required parameters', () => {
    const names = BUILTIN_TOOLS.map((t) => t.desc.name).sort();
    assert.deepEqual(names, ['cat', 'create_textdoc', 'mv', 'rm', 'search_pattern', 'search_semantic', 'search_symbol_definition', 'search_symbol_usages', 'shell', 'tree', 'update_textdoc', 'update_textdoc_by_lines', 'update_textdoc_regex', 'web']);
    assert.deepEqual(entry('search_pattern').desc.parameters_required, ['pattern', 'scope']);
    assert.deepEqual(entry('update_textdoc_by_lines').desc.parameters_required, ['path', 'content', 'ranges']);
  });
  it('offers read-only tools in EXPLORE, all in AGENT, none in NO_TOOLS', () => {
    const inMode = (mode: string) => BUILTIN_TOOLS.filter((t) => offeredInMode(mode, t)).map((t) => t.desc.name);
    assert.deepEqual(inMode('EXPLORE').sort(), ['cat', 'search_pattern', 'search_semantic', 'search_symbol_definition', 'search_symbol_usages', 'tree', 'web']);
    assert.equal(inMode('AGENT').length, BUILTIN_TOOLS.length);
    assert.deepEqual(inMode('NO_TOOLS'), []);
    assert.deepEqual(inMode('PROJECT_SUMMARY').sort(), ['cat', 'tree']);
  });
  it('renders an OpenAI function spec', () => {
    const spec = toOpenAITool(entry('mv').desc);
    assert.equal(spec.function.name, 'mv');
    assert.deepEqual(spec.function.parameters.required, ['source', 'destination']);
    assert.deepEqual(spec.function.parameters.properties.overwrite, { type: 'boolean', description: entry('mv').desc.parameters[2]!.description });
  });
});

describe('confirmation rules', () => {
  it('matches globs as Rust glob does (* spans slashes, ? one char, classes)', () => {
    assert.ok(globMatches('*', 'rm -r src/a/b'));
    assert.ok(globMatches('*git push*', 'cd x && git push origin'));
    assert.ok(!globMatches('git push', 'git push origin'));
    assert.ok(globMatches('rm ?.txt', 'rm a.txt'));
    assert.ok(globMatches('[!x]*', 'abc'));
    assert.ok(!globMatches('[!a]*', 'abc'));
    assert.ok(globMatches('a.b(c)', 'a.b(c)'));
    assert.ok(!globMatches('a.b', 'axb'));
  });
  it('denies before asking, asks by default for rm/mv/shell, runs others', () => {
    const rules = { ask_user: ['*'], deny: ['*sudo*'] };
    assert.deepEqual(decideConfirmation('sudo rm -rf /', rules, false), { result: 'deny', command: 'sudo rm -rf /', rule: '*sudo*' });
    assert.deepEqual(decideConfirmation('ls', rules, false), { result: 'ask', command: 'ls', rule: '*' });
    assert.equal(decideConfirmation('rm a', DEFAULT_CONFIRMATION.rm!, false).result, 'ask');
    assert.equal(decideConfirmation('cat a', { ask_user: [], deny: [] }, false).result, 'run');
  });
  it('"allow for this chat" skips asking but never a denial', () => {
    const rules = { ask_user: ['*'], deny: ['*push*'] };
    assert.equal(decideConfirmation('npm test', rules, true).result, 'run');
    assert.equal(decideConfirmation('git push', rules, true).result, 'deny');
  });
});

describe('DiffChunks', () => {
  it('numbers an edit, an insertion and a removal as Refact does', () => {
    const chunks = diffChunks('/w/a.txt', 'a\nb\nc\nd\n', 'a\nB\nc\nnew\nd\n');
    assert.deepEqual(chunks.map(({ line1, line2, lines_remove, lines_add, file_action }) => ({ line1, line2, lines_remove, lines_add, file_action })), [
      { line1: 2, line2: 3, lines_remove: 'b\n', lines_add: 'B\n', file_action: 'edit' },
      { line1: 4, line2: 4, lines_remove: '', lines_add: 'new\n', file_action: 'edit' },
    ]);
    const removed = diffChunks('/w/a.txt', 'a\nb\nc\n', 'a\n');
    assert.deepEqual(removed.map((c) => [c.line1, c.line2, c.lines_remove]), [[2, 4, 'b\nc\n']]);
  });
  it('ends the last line with a newline and makes whole-file chunks', () => {
    assert.deepEqual(diffChunks('/f', 'x', 'y').map((c) => [c.lines_remove, c.lines_add]), [['x\n', 'y\n']]);
    assert.deepEqual(fileChunk('add', '/f', 'a\nb'), { file_name: '/f', file_action: 'add', line1: 1, line2: 1, lines_remove: '', lines_add: 'a\nb\n', file_name_rename: null, application_details: '' });
    assert.equal(diffChunks('/f', 'same\n', 'same\n').length, 0);
  });
});

describe('text edits', () => {
  it('replaces one exact occurrence, refuses none or several', () => {
    assert.deepEqual(replaceString('a $1 b', '$1', '$&x', false, 'p'), { ok: true, text: 'a $&x b' });
    assert.match((replaceString('abc', 'zz', 'y', false, 'p') as { error: string }).error, /did not appear verbatim/);
    assert.match((replaceString('x\nx\n', 'x', 'y', false, 'p') as { error: string }).error, /Multiple occurrences .* lines \[1, 2\]/);
    assert.deepEqual(replaceString('x\nx\n', 'x', 'y', true, 'p'), { ok: true, text: 'y\ny\n' });
  });
  it('replaces by regex with groups and (?i)', () => {
    assert.deepEqual(replaceRegex('Foo = 1\n', '(?i)foo = (\\d)', 'bar = $1$1', false, 'p'), { ok: true, text: 'bar = 11\n' });
    assert.match((replaceRegex('a a', 'a', 'b', false, 'p') as { error: string }).error, /Multiple occurrences/);
  });
  it('parses line ranges and replaces them bottom-up', () => {
    assert.deepEqual(parseLineRanges(':2,4:', 5), [{ start: 4, end: 5 }, { start: 1, end: 2 }]);
    assert.match(parseLineRanges('1:3,3:4', 5) as string, /Overlapping/);
    assert.match(parseLineRanges('9', 5) as string, /beyond end of file/);
    assert.deepEqual(replaceLines('1\n2\n3\n4\n5\n', 'A\n---RANGE_SEPARATOR---\nD', '1,4'), { ok: true, text: 'A\n2\n3\nD\n5\n' });
    assert.deepEqual(replaceLines('1\n2\n3\n', 'x\ny', '2'), { ok: true, text: '1\nx\ny\n3\n' });
    assert.match((replaceLines('1\n2\n', 'a', '1,2') as { error: string }).error, /Content has 1 parts/);
  });
});

describe('text codec', () => {
  it('keeps a UTF-8 BOM and CRLF through decode and encode', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\r\nb\r\n')]);
    const decoded = decodeText(bytes);
    assert.ok(!('error' in decoded));
    assert.deepEqual(decoded, { text: 'a\nb\n', bom: 'utf8', crlf: true });
    assert.deepEqual(Buffer.from(encodeText('a\nB\n', decoded)), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\r\nB\r\n')]));
  });
  it('round-trips UTF-16LE with its BOM and refuses invalid UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hé\n', 'utf16le')]);
    const decoded = decodeText(bytes);
    assert.ok(!('error' in decoded) && decoded.text === 'hé\n' && decoded.bom === 'utf16le');
    assert.deepEqual(Buffer.from(encodeText('hé\n', decoded as { bom: 'utf16le'; crlf: boolean })), bytes);
    assert.ok('error' in decodeText(Buffer.from([0x66, 0xff, 0xfe, 0x00])));
  });
});

describe('path confinement (lexical)', () => {
  it('refuses "..", absolute paths outside, and joins relative ones to each root', () => {
    assert.match(candidatePaths('../etc/passwd', ['/w']) as string, /contains "\.\."/);
    assert.match(candidatePaths('src/../../x', ['/w']) as string, /contains "\.\."/);
    assert.match(candidatePaths('/etc/passwd', ['/w']) as string, /outside the workspace/);
    assert.match(candidatePaths('/w2/a', ['/w']) as string, /outside the workspace/);
    assert.deepEqual(candidatePaths('/w/src/a.ts', ['/w']), ['/w/src/a.ts']);
    assert.deepEqual(candidatePaths('./src/a.ts', ['/w', '/v']), ['/w/src/a.ts', '/v/src/a.ts']);
    assert.deepEqual(candidatePaths('w/src/a.ts', ['/w']), ['/w/w/src/a.ts', '/w/src/a.ts']);
    assert.match(candidatePaths('a', []) as string, /no workspace folder/);
  });
});

describe('output filter and cmdline tools', () => {
  it('keeps head and tail lines and says how many were skipped', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    const out = filterOutput(text, { limitLines: 4, limitChars: 10_000 });
    assert.equal(out, 'line 1\nline 2\n... 96 lines skipped (use output_limit/output_filter to see them) ...\nline 99\nline 100');
    assert.match(filterOutput(text, { limitLines: 100, limitChars: 10_000, grep: '^line 50$', grepContext: 1 }), /kept 3 of 100 lines\)\nline 49\nline 50\nline 51$/);
  });
  it('parses a cmdline_*.yaml value and quotes parameters into the command', () => {
    const tool = parseCmdlineTool('cmdline_grep', { command: 'grep -rn %pattern% %dir%', description: 'Greps', parameters: [{ name: 'pattern', description: 'what' }, { name: 'dir', description: 'where' }], parameters_required: ['pattern'], timeout: '5', confirmation: { ask_user: ['*rm*'] } });
    assert.ok(typeof tool !== 'string');
    assert.equal(tool.timeoutS, 5);
    assert.deepEqual(tool.desc.parameters_required, ['pattern']);
    assert.deepEqual(tool.confirmation, { ask_user: ['*rm*'], deny: [] });
    assert.equal(renderTemplate(tool.command, { pattern: "it's; rm -rf /", dir: 'src' }), `grep -rn 'it'\\''s; rm -rf /' src`);
    assert.equal(shellQuote(''), '');
    assert.match(parseCmdlineTool('cmdline_x', { description: 'no command' }) as string, /command/);
  });
});

describe('web confirmation defaults', () => {
  it('asks before fetching local and private addresses, not public ones', () => {
    const rules = DEFAULT_CONFIRMATION.web!;
    for (const url of ['http://127.0.0.1:8001/v1/graceful-shutdown', 'http://localhost/x', 'http://[::1]:80/', 'http://192.168.1.1/', 'http://10.0.0.5', 'http://172.20.0.1/', 'http://169.254.169.254/latest/meta-data']) {
      assert.equal(decideConfirmation(url, rules, false).result, 'ask', url);
    }
    for (const url of ['https://example.com/', 'https://docs.python.org/3/', 'http://172.40.0.1/']) assert.equal(decideConfirmation(url, rules, false).result, 'run', url);
  });
});
