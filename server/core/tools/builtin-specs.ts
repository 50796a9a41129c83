/**
 * The one table of built-in tools: Refact's names, parameters and descriptions (engine
 * `src/tools/*.rs`, `integrations/integr_shell.rs`), which group `/v1/tools` shows them in,
 * what they depend on, whether they only read, a pure check of their arguments beyond types,
 * and the command line their confirmation rules match against. `/v1/tools`, the model's tool
 * list and the prompt-based protocol all read this table.
 */
import type { ToolDesc, ToolParam } from '../../../src/protocol/tools';
import { commaList, str, bool, type ToolArgs } from './args';
import { compileModelRegex, parseLineRanges } from './text-edits';

export type ToolGroupName = 'Codebase Search' | 'Codebase Change' | 'Web' | 'Integrations';

export interface ToolEntry {
  desc: Omit<ToolDesc, 'source'> & { source: { source_type: 'builtin' | 'integration' } };
  group: ToolGroupName;
  /** Read-only tools are the ones EXPLORE mode offers. */
  readOnly: boolean;
  dependsOn?: 'ast' | 'vecdb';
  /** A check of the (typed) arguments the spec cannot express; a sentence when they are wrong. */
  check?: (args: ToolArgs) => string | null;
  /** The command line confirmation globs match; '' when the call has nothing to confirm. */
  command?: (args: ToolArgs) => string;
}

const p = (name: string, type: string, description: string): ToolParam => ({ name, type, description });
const SCOPE = p('scope', 'string', "'workspace' to search all files in workspace, 'dir/subdir/' to search in files within a directory, 'dir/file.ext' to search in a single file.");
const SYMBOLS = p('symbols', 'string', 'Comma-separated list of symbols to search for (functions, methods, classes, type aliases). No spaces allowed in symbol names.');

function builtin(name: string, display_name: string, description: string, parameters: ToolParam[], required: string[]): ToolEntry['desc'] {
  return { name, display_name, agentic: false, experimental: false, description, parameters, parameters_required: required, source: { source_type: 'builtin' } };
}

const nonEmpty = (...names: string[]) => (args: ToolArgs): string | null => {
  const missing = names.find((n) => str(args, n).trim() === '');
  return missing ? `Argument \`${missing}\` must not be empty.` : null;
};

const regexCheck = (name: string) => (args: ToolArgs): string | null => {
  const re = compileModelRegex(str(args, name), false);
  return typeof re === 'string' ? re : null;
};

const both = (...checks: Array<(args: ToolArgs) => string | null>) => (args: ToolArgs) => checks.map((c) => c(args)).find((r) => r) ?? null;

export const BUILTIN_TOOLS: readonly ToolEntry[] = [
  {
    group: 'Codebase Search', readOnly: true, dependsOn: 'ast',
    desc: builtin('search_symbol_definition', 'Definition', 'Find definition of a symbol in the project using AST', [SYMBOLS], ['symbols']),
    check: (args) => (commaList(str(args, 'symbols')).length ? null : 'Argument `symbols` must name at least one symbol.'),
  },
  {
    group: 'Codebase Search', readOnly: true, dependsOn: 'ast',
    desc: builtin('search_symbol_usages', 'References', 'Find usages of a symbol within a project using AST', [SYMBOLS], ['symbols']),
    check: (args) => (commaList(str(args, 'symbols')).length ? null : 'Argument `symbols` must name at least one symbol.'),
  },
  {
    group: 'Codebase Search', readOnly: true,
    desc: builtin('tree', 'Tree', 'Get a files tree with symbols for the project. Use it to get familiar with the project, file names and symbols', [
      p('path', 'string', 'An absolute path to get files tree for. Do not pass it if you need a full project tree.'),
      p('use_ast', 'boolean', 'If true, for each file an array of AST symbols will appear as well as its filename'),
    ], []),
  },
  {
    group: 'Codebase Search', readOnly: true,
    desc: builtin('cat', 'Cat', 'Like cat in console, but better: it can read multiple files and images. Prefer to open full files.', [
      p('paths', 'string', 'Comma separated file names or directories: dir1/file1.ext,dir3/dir4.'),
    ], ['paths']),
    check: (args) => (commaList(str(args, 'paths')).length ? null : 'Argument `paths` must name at least one file.'),
  },
  {
    group: 'Codebase Search', readOnly: true,
    desc: builtin('search_pattern', 'Regex Search', 'Search for files and folders whose names or paths match the given regular expression pattern, and also search for text matches inside files using the same pattern. Reports both path matches and text matches in separate sections.', [
      p('pattern', 'string', 'The pattern is used to search for matching file/folder names/paths, and also for matching text inside files. Use (?i) at the start for case-insensitive search.'),
      SCOPE,
    ], ['pattern', 'scope']),
    check: both(nonEmpty('pattern', 'scope'), regexCheck('pattern')),
  },
  {
    group: 'Codebase Search', readOnly: true, dependsOn: 'vecdb',
    desc: builtin('search_semantic', 'Search', 'Find semantically similar pieces of code or text using vector database (semantic search)', [
      p('queries', 'string', 'Comma-separated list of queries. Each query can be a single line, paragraph or code sample to search for semantically similar content.'),
      SCOPE,
    ], ['queries', 'scope']),
    check: nonEmpty('queries', 'scope'),
  },
  {
    group: 'Codebase Change', readOnly: false,
    desc: builtin('create_textdoc', 'Create Text Document', 'Creates a new text document or code or completely replaces the content of an existing document. Avoid trailing spaces and tabs.', [
      p('path', 'string', 'Absolute path to new file.'),
      p('content', 'string', 'The initial text or code.'),
    ], ['path', 'content']),
    check: nonEmpty('path'),
  },
  {
    group: 'Codebase Change', readOnly: false,
    desc: builtin('update_textdoc', 'Update Text Document', 'Updates an existing document by replacing specific text, use this if file already exists. Optimized for large files or small changes where simple string replacement is sufficient. Avoid trailing spaces and tabs.', [
      p('path', 'string', 'Absolute path to the file to change.'),
      p('old_str', 'string', 'The exact text that needs to be updated. Use update_textdoc_regex if you need pattern matching (is not preferred for common editing).'),
      p('replacement', 'string', 'The new text that will replace the old text.'),
      p('multiple', 'boolean', 'If true, applies the replacement to all occurrences; if false, only the first occurrence is replaced.'),
    ], ['path', 'old_str', 'replacement']),
    check: nonEmpty('path', 'old_str'),
  },
  {
    group: 'Codebase Change', readOnly: false,
    desc: builtin('update_textdoc_by_lines', 'Update Text Document By Lines', 'Replaces line ranges in an existing file with new content. Line numbers are 1-based and inclusive. Supports multiple non-overlapping ranges.', [
      p('path', 'string', 'Absolute path to the file to modify.'),
      p('content', 'string', "The new text content. For multiple ranges, separate content for each range with '---RANGE_SEPARATOR---'."),
      p('ranges', 'string', "Line ranges to replace. Format: ':3' (lines 1-3), '40:50' (lines 40-50), '100:' (line 100 to end), '5' (just line 5). Combine multiple ranges with commas: ':3,40:50,100:'. Ranges must not overlap."),
    ], ['path', 'content', 'ranges']),
    // The file's length is unknown here: ranges are checked for form against a huge file.
    check: both(nonEmpty('path', 'ranges'), (args) => {
      const parsed = parseLineRanges(str(args, 'ranges'), Number.MAX_SAFE_INTEGER);
      return typeof parsed === 'string' ? parsed : null;
    }),
  },
  {
    group: 'Codebase Change', readOnly: false,
    desc: builtin('update_textdoc_regex', 'Update Text Document with Regex', 'Updates an existing document using regex pattern matching. Ideal when changes can be expressed as a regular expression or when you need to match variable text patterns. Avoid trailing spaces and tabs.', [
      p('path', 'string', 'Absolute path to the file to change.'),
      p('pattern', 'string', 'A regex pattern to match the text that needs to be updated. Prefer simpler regexes for better performance.'),
      p('replacement', 'string', 'The new text that will replace the matched pattern.'),
      p('multiple', 'boolean', 'If true, applies the replacement to all occurrences; if false, only the first occurrence is replaced.'),
    ], ['path', 'pattern', 'replacement']),
    check: both(nonEmpty('path', 'pattern'), regexCheck('pattern')),
  },
  {
    group: 'Codebase Change', readOnly: false,
    desc: builtin('rm', 'rm', 'Deletes a file or directory. Use recursive=true for directories. Set dry_run=true to preview without deletion.', [
      p('path', 'string', 'Absolute or relative path of the file or directory to delete.'),
      p('recursive', 'boolean', 'If true and target is a directory, delete recursively. Defaults to false.'),
      p('dry_run', 'boolean', 'If true, only report what would be done without deleting.'),
      p('max_depth', 'number', '(Optional) Maximum depth (currently unused).'),
    ], ['path']),
    check: nonEmpty('path'),
    command: (args) => ['rm', bool(args, 'recursive') ? '-r' : '', bool(args, 'dry_run') ? '--dry-run' : '', str(args, 'path').trim()].filter(Boolean).join(' '),
  },
  {
    group: 'Codebase Change', readOnly: false,
    desc: builtin('mv', 'mv', 'Moves or renames files and directories. If a simple rename fails due to a cross-device error and the source is a file, it falls back to copying and deleting. Use overwrite=true to replace an existing target.', [
      p('source', 'string', 'Path of the file or directory to move.'),
      p('destination', 'string', 'Target path where the file or directory should be placed.'),
      p('overwrite', 'boolean', 'If true and target exists, replace it. Defaults to false.'),
    ], ['source', 'destination']),
    check: nonEmpty('source', 'destination'),
    command: (args) => ['mv', bool(args, 'overwrite') ? '--force' : '', str(args, 'source').trim(), str(args, 'destination').trim()].filter(Boolean).join(' '),
  },
  {
    group: 'Web', readOnly: true,
    desc: builtin('web', 'Web', 'Fetch a web page and convert to readable plain text. Supports regular web pages, PDFs, and JavaScript-rendered pages. Uses Jina Reader API with automatic fallback.', [
      p('url', 'string', 'URL of the web page to fetch.'),
      p('options', 'object', 'Optional object with additional parameters ("timeout": timeout in seconds for slow pages).'),
      p('output_filter', 'string', 'Optional regex pattern to filter output lines. Only lines matching this pattern (and context) will be shown.'),
      p('output_limit', 'string', "Optional. Max lines to show (default: 200). Use higher values like '500' or 'all' to see more output."),
    ], ['url']),
    check: both(nonEmpty('url'), (args) => (/^https?:\/\/\S+$/i.test(str(args, 'url').trim()) ? null : 'Argument `url` must be an http:// or https:// address.')),

    command: (args) => str(args, 'url').trim(),
  },
  {
    group: 'Integrations', readOnly: false,
    desc: {
      name: 'shell', display_name: 'Shell', agentic: true, experimental: false, source: { source_type: 'integration' },
      description: 'Execute a single command, using the "sh" on unix-like systems and "powershell.exe" on windows. Use it for one-time tasks like dependencies installation. Don\'t call this unless you have to. Not suitable for regular work because it requires a confirmation at each step. Output is compressed by default - use output_filter and output_limit parameters to see specific parts if needed. Note: sudo commands cannot be run - if you need elevated privileges, ask the user to run them directly.',
      parameters: [
        p('command', 'string', 'shell command to execute'),
        p('workdir', 'string', 'workdir for the command'),
        p('output_filter', 'string', 'Optional regex pattern to filter output lines. Only lines matching this pattern (and context) will be shown. Use to find specific errors or content in large outputs.'),
        p('output_limit', 'string', "Optional. Max lines to show (default: 40). Use higher values like '200' or 'all' to see more output."),
        p('timeout', 'string', 'Optional. Timeout in seconds for the command (default: 10). Use higher values for long-running commands.'),
      ],
      // Refact requires `workdir` too; models often leave it out, and the workspace is the sensible default.
      parameters_required: ['command'],
    },
    check: both(nonEmpty('command'), (args) => {
      const t = str(args, 'timeout').trim();
      return t === '' || /^\d+$/.test(t) ? null : 'Argument `timeout` must be a whole number of seconds.';
    }),
    command: (args) => str(args, 'command').trim(),
  },
];

export type ChatModeName = 'NO_TOOLS' | 'EXPLORE' | 'AGENT' | 'CONFIGURE' | 'PROJECT_SUMMARY';

/**
 * Refact's `get_available_tools_by_chat_mode`: none without tools, read-only in EXPLORE (our
 * tools carry their own flag where Refact marks only subchat tools agentic), everything in
 * AGENT, CONFIGURE without tree/search, PROJECT_SUMMARY only cat and tree.
 */
export function offeredInMode(mode: string, entry: { desc: { name: string; agentic: boolean }; readOnly: boolean }): boolean {
  switch (mode) {
    case 'NO_TOOLS': return false;
    case 'EXPLORE': return entry.readOnly && !entry.desc.agentic;
    case 'CONFIGURE': return !['tree', 'knowledge', 'search_semantic'].includes(entry.desc.name);
    case 'PROJECT_SUMMARY': return entry.desc.name === 'cat' || entry.desc.name === 'tree';
    default: return true;
  }
}

/** A tool as an OpenAI function for the model. */
export function toOpenAITool(desc: Pick<ToolDesc, 'name' | 'description' | 'parameters' | 'parameters_required'>) {
  return {
    type: 'function' as const,
    function: {
      name: desc.name,
      description: desc.description,
      parameters: {
        type: 'object' as const,
        properties: Object.fromEntries(desc.parameters.map((param) => [param.name, { type: param.type, description: param.description }])),
        required: [...desc.parameters_required],
      },
    },
  };
}
