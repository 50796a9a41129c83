/**
 * The one input the completion service takes, made from each entry point's request: Refact's
 * HTTP body (the cursor file's text comes in `sources`), Refact's LSP `refact/getCompletions` and
 * the standard `textDocument/inlineCompletion` (the text comes from the open document). Defaults
 * are Refact's.
 */
import {
  DEFAULT_COMPLETION_TEMPERATURE,
  DEFAULT_MAX_NEW_TOKENS,
  type CodeCompletionParameters,
  type CodeCompletionRequest,
  type GetCompletionsParams,
} from '../../../src/protocol/completion';
import { fail, ok, type Outcome } from '../../core/outcome';
import { pathToUri, uriToPath } from '../workspace';

export interface CompletionInput {
  /** The file's URI (an LSP client's as it sent it); a newer request for the same document cancels this one. */
  document: string;
  /** The file's absolute path when the document is one, for looking up context; else null. */
  path: string | null;
  text: string;
  /** 0-based line and code-point column. */
  line: number;
  character: number;
  multiline: boolean;
  /** `''`: the caps default. */
  model: string;
  maxNewTokens: number;
  temperature: number;
  topP?: number;
  /** The caller's extra stop sequences. */
  stop: string[];
  noCache: boolean;
  useAst: boolean;
  useVecdb: boolean;
  ragTokensN?: number;
  scratchpad?: string;
}

function sampling(parameters: CodeCompletionParameters | undefined): Pick<CompletionInput, 'maxNewTokens' | 'temperature' | 'topP' | 'stop'> {
  const p = parameters ?? {};
  return {
    maxNewTokens: p.max_new_tokens && p.max_new_tokens > 0 ? p.max_new_tokens : DEFAULT_MAX_NEW_TOKENS,
    temperature: p.temperature ?? DEFAULT_COMPLETION_TEMPERATURE,
    ...(p.top_p !== undefined ? { topP: p.top_p } : {}),
    stop: p.stop ?? [],
  };
}

/** `POST /v1/code-completion`: the cursor's file must be one of the sources. */
export function completionInputFromRefact(body: CodeCompletionRequest): Outcome<CompletionInput> {
  const { sources, cursor } = body.inputs;
  const text = Object.prototype.hasOwnProperty.call(sources, cursor.file) ? sources[cursor.file] : undefined;
  if (text === undefined) {
    const known = Object.keys(sources);
    return fail('BadRequest', `cursor file '${cursor.file}' is not in inputs.sources (${known.length ? `it has ${known.map((k) => `'${k}'`).join(', ')}` : 'it is empty'})`);
  }
  const path = uriToPath(cursor.file);
  return ok({
    // The same file asked for over HTTP and open over LSP is one document (one slot, one recent entry).
    document: path ? pathToUri(path) : cursor.file,
    path,
    text,
    line: cursor.line,
    character: cursor.character,
    multiline: body.inputs.multiline ?? false,
    model: body.model ?? '',
    ...sampling(body.parameters),
    noCache: body.no_cache ?? false,
    useAst: body.use_ast ?? true,
    useVecdb: body.use_vecdb ?? true,
    ...(body.rag_tokens_n !== undefined ? { ragTokensN: body.rag_tokens_n } : {}),
    ...(body.scratchpad ? { scratchpad: body.scratchpad } : {}),
  });
}

/** `refact/getCompletions` on an open document (`text` from the document store). */
export function completionInputFromLsp(params: GetCompletionsParams, text: string): CompletionInput {
  return {
    document: params.textDocument.uri,
    path: uriToPath(params.textDocument.uri),
    text,
    line: params.position.line,
    character: params.position.character,
    multiline: params.multiline ?? false,
    model: params.model ?? '',
    ...sampling(params.parameters),
    noCache: params.no_cache ?? false,
    useAst: params.use_ast ?? true,
    useVecdb: params.use_vecdb ?? true,
  };
}
