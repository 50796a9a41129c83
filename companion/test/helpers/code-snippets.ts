/**
 * Text to compare tokenizers on: the companion's own TypeScript sources (real code, a few
 * thousand lines) cut into windows of lines, and hand-written snippets of other languages,
 * Unicode, emoji and whitespace that code in an editor holds.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

const VARIED = [
  'def fib(n: int) -> int:\n    """Return the n-th Fibonacci number."""\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n',
  'package main\n\nimport "fmt"\n\nfunc main() {\n\tfor i := 0; i < 10; i++ {\n\t\tfmt.Printf("%d\\n", i)\n\t}\n}\n',
  'fn main() {\n    let v: Vec<u64> = (1..=100).filter(|x| x % 3 == 0).collect();\n    println!("{:?}", v);\n}\n',
  '#include <stdio.h>\nint main(void) { printf("héllo, wörld\\n"); return 0; }\r\n',
  'SELECT id, name FROM users WHERE created_at >= \'2024-01-01\' ORDER BY name DESC LIMIT 10;',
  '<html><body><p>Strike <s>this</s> and <b>bold</b></p></body></html>',
  '{"key": [1, 2.5e-3, true, null], "nested": {"ünïcödé": "日本語テキスト"}}',
  '# Título\n\n- elemento número 1\n- 第二项\n- третий пункт\n- العنصر الرابع\n- עברית\n',
  'emoji: 😀 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 🇯🇵 ✔️ ❤️‍🔥 🤖',
  'combining: é (e\u0301) n\u0303 Å (A\u030A) ﬁ ligature, zero\u200Bwidth, nbsp\u00A0here',
  'math: ∀x ∈ ℝ, ∃y: x² + y² ≤ ∞; λx.x → ⊥; 𝔽𝕠𝕠 𝒷𝒶𝓇',
  '    \t\t  mixed   whitespace    runs\t\t\n\n\n\n        \n  ',
  '                                                                                ',
  '\n\n\nleading newlines',
  '   leading spaces',
  ' ',
  '\n',
  'a',
  'trailing spaces   ',
  "it's they're we've I'm you'll he'd IT'S DON'T 1234567890 3.14159 0xDEADBEEF",
  'camelCaseIdentifier snake_case_identifier SCREAMING_CASE kebab-case-name __dunder__',
  '▁already▁has▁the▁metaspace▁character ▁ ▁▁',
  'const re = /^(?:[a-z0-9!#$%&\'*+/=?^_`{|}~-]+)@example\\.com$/i;',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Windows of `lines` lines of every companion source file, then the varied snippets. */
export function codeSnippets(lines = 12): string[] {
  const windows: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const all = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < all.length; i += lines) windows.push(all.slice(i, i + lines).join('\n'));
  }
  return [...windows, ...VARIED];
}

/** FIM prompts: special tokens as text between code, as the engine sends them. */
export function fimPrompts(prefix: string, suffix: string, middle: string): string[] {
  return VARIED.slice(0, 8).map((code, i) => {
    const cut = Math.floor(code.length / 2);
    return i % 2 ? `${prefix}${code.slice(0, cut)}${suffix}${code.slice(cut)}${middle}` : `${suffix}${code.slice(cut)}${prefix} ${code.slice(0, cut)}${middle}`;
  });
}
