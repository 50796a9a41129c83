/**
 * The built-in customization, in the same YAML format as the user's `customization.yaml`, so
 * one parser reads both. Top-level text blocks are variables: `%PROMPT_DEFAULT%` in a prompt or
 * message is replaced by the block of that name, and a user may redefine any block.
 * Placeholders filled in later by the IDE side: `%CURRENT_FILE%`, `%CURSOR_LINE%`,
 * `%CODE_SELECTION%`.
 */

export const DEFAULT_CUSTOMIZATION_YAML = `
PROMPT_DEFAULT: |
  You are a careful programming assistant working inside the user's editor.
  Answer the question that was asked, briefly, and show code when code is the answer.
  When you are not sure about a fact in the user's project, say so instead of guessing.

PROMPT_EXPLORATION_TOOLS: |
  %PROMPT_DEFAULT%
  You can look around the project with tools: search it, open files, list folders, find where
  symbols are defined and used. Gather what you need before you answer, and cite the files you
  relied on. Do not change any file.

PROMPT_AGENTIC_TOOLS: |
  %PROMPT_DEFAULT%
  You can read and change the project with tools. Work in small steps:
  1. Find the code that matters and read it before touching it.
  2. Say in one or two sentences what you are about to change and why.
  3. Make the change, then check it (build, tests or a second read) when you can.
  Keep edits minimal and in the style of the surrounding code. Ask before doing anything that
  cannot be undone.

PROMPT_CONFIGURATOR: |
  %PROMPT_DEFAULT%
  You help the user write a configuration file for this assistant. Read the current file,
  explain each setting you propose in a sentence, and write the file only after the user agrees.

PROMPT_PROJECT_SUMMARY: |
  %PROMPT_DEFAULT%
  Look over the project: its top-level folders, build files and documentation. Then write a
  short summary (what it is, how it is built, where the main code lives) and ask the user
  whether to save it.

system_prompts:
  default:
    text: "%PROMPT_DEFAULT%"
  exploration_tools:
    text: "%PROMPT_EXPLORATION_TOOLS%"
    show: never
  agentic_tools:
    text: "%PROMPT_AGENTIC_TOOLS%"
    show: never
  configurator:
    text: "%PROMPT_CONFIGURATOR%"
    show: never
  project_summary:
    text: "%PROMPT_PROJECT_SUMMARY%"
    show: never

subchat_tool_parameters:
  strategic_planning:
    subchat_model_type: thinking
    subchat_n_ctx: 200000
    subchat_tokens_for_rag: 100000
    subchat_max_new_tokens: 32000
    subchat_reasoning_effort: high
  create_memory_bank:
    subchat_model_type: light
    subchat_n_ctx: 128000
    subchat_tokens_for_rag: 64000
    subchat_max_new_tokens: 8000
  subagent:
    subchat_model_type: light
    subchat_n_ctx: 128000
    subchat_max_new_tokens: 16000

code_lens:
  open_chat:
    label: Open Chat
    auto_submit: false
    new_tab: true
  problems:
    label: Find Problems
    auto_submit: true
    new_tab: true
    messages:
    - role: user
      content: |
        @file %CURRENT_FILE%:%CURSOR_LINE%
        \`\`\`
        %CODE_SELECTION%
        \`\`\`
        Review this code for real problems: wrong logic, unhandled errors, races, unsafe input.
        List the serious ones with the line they are on; if there are none, say so in one line.
  explain:
    label: Explain
    auto_submit: true
    new_tab: true
    messages:
    - role: user
      content: |
        @file %CURRENT_FILE%:%CURSOR_LINE%
        \`\`\`
        %CODE_SELECTION%
        \`\`\`
        Explain what this code is for and how it works, in a few short paragraphs. Mention
        anything surprising. Then wait for follow-up questions.

toolbox_commands:
  shorter:
    description: Make code shorter
    selection_needed: [1, 50]
    messages:
    - role: user
      content: |
        @file %CURRENT_FILE%:%CURSOR_LINE%
        Rewrite this code to be shorter without changing what it does:
        \`\`\`
        %CODE_SELECTION%
        \`\`\`
  bugs:
    description: Find and fix bugs
    selection_needed: [1, 50]
    messages:
    - role: user
      content: |
        @file %CURRENT_FILE%:%CURSOR_LINE%
        Find the bugs in this code and show it fixed:
        \`\`\`
        %CODE_SELECTION%
        \`\`\`
  comment:
    description: Comment each line
    selection_needed: [1, 50]
    messages:
    - role: user
      content: |
        @file %CURRENT_FILE%:%CURSOR_LINE%
        Add a short comment to each line or block of this code that is not obvious:
        \`\`\`
        %CODE_SELECTION%
        \`\`\`
  typehints:
    description: Add type hints
    selection_needed: [1, 50]
    messages:
    - role: user
      content: |
        @file %CURRENT_FILE%:%CURSOR_LINE%
        Add type annotations to this code where the language allows them:
        \`\`\`
        %CODE_SELECTION%
        \`\`\`
  explain:
    description: Explain code
    selection_needed: [1, 50]
    messages:
    - role: user
      content: |
        @file %CURRENT_FILE%:%CURSOR_LINE%
        Explain this code:
        \`\`\`
        %CODE_SELECTION%
        \`\`\`
  summarize:
    description: Summarize code in one paragraph
    selection_needed: [1, 50]
    messages:
    - role: user
      content: |
        @file %CURRENT_FILE%:%CURSOR_LINE%
        Summarize what this code does in one paragraph:
        \`\`\`
        %CODE_SELECTION%
        \`\`\`
  typos:
    description: Fix typos
    selection_needed: [1, 50]
    messages:
    - role: user
      content: |
        @file %CURRENT_FILE%:%CURSOR_LINE%
        Fix the spelling mistakes in names, comments and strings of this code; change nothing else:
        \`\`\`
        %CODE_SELECTION%
        \`\`\`
  help:
    description: Show available commands
    selection_unwanted: true
    messages: []
`;
