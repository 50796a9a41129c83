import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeCustomization, type CustomizationSources } from '../../server/core/customization/merge';

function merge(user: string | null, caps = '', extra: Partial<CustomizationSources> = {}) {
  return mergeCustomization({ user: { path: '/cfg/customization.yaml', text: user }, caps: { source: 'http://s/refact-caps', text: caps }, experimental: false, includeHidden: false, ...extra });
}

describe('customization', () => {
  it('has built-in prompts, toolbox commands and code lenses with variables filled in', () => {
    const c = merge(null);
    assert.deepEqual(c.error_log, []);
    assert.deepEqual(Object.keys(c.system_prompts), ['default'], 'prompts marked show: never are hidden');
    assert.ok(!c.system_prompts.default!.text.includes('%PROMPT_DEFAULT%'));
    for (const name of ['shorter', 'bugs', 'comment', 'typehints', 'explain', 'summarize', 'typos', 'help']) assert.ok(c.toolbox_commands[name], name);
    assert.match(c.toolbox_commands.bugs!.messages[0]!.content, /%CODE_SELECTION%/, 'IDE placeholders stay for the IDE');
    assert.deepEqual(c.toolbox_commands.bugs!.selection_needed, [1, 50]);
    assert.equal(c.code_lens.open_chat!.new_tab, true);
    assert.equal(c.subchat_tool_parameters.strategic_planning!.subchat_model_type, 'thinking');
  });

  it('gives the agent its hidden prompts, with nested variables expanded', () => {
    const agent = merge(null, '', { includeHidden: true }).system_prompts.agentic_tools!.text;
    assert.match(agent, /careful programming assistant/);
    assert.ok(!/%[A-Z_]+%/.test(agent));
  });

  it('lets caps override defaults and the user override both; user variables apply to built-ins', () => {
    const caps = 'toolbox_commands:\n  bugs:\n    description: Server bugs\n    messages: []\n  server_only:\n    description: From the server\n    messages: []\n';
    const user = [
      'PROMPT_DEFAULT: Talk like a pirate.',
      'toolbox_commands:',
      '  bugs:',
      '    description: My bugs',
      '    messages: [{role: user, content: "Fix %CODE_SELECTION%"}]',
    ].join('\n');
    const c = merge(user, caps);
    assert.equal(c.toolbox_commands.bugs!.description, 'My bugs');
    assert.equal(c.toolbox_commands.server_only!.description, 'From the server');
    assert.equal(c.system_prompts.default!.text, 'Talk like a pirate.');
    assert.deepEqual(c.error_log, []);
  });

  it('logs a broken user file and keeps the defaults', () => {
    const c = merge('toolbox_commands: [oops\n');
    assert.equal(c.error_log.length, 1);
    assert.equal(c.error_log[0]!.path, '/cfg/customization.yaml');
    assert.ok(c.error_log[0]!.error_line > 0);
    assert.ok(c.toolbox_commands.shorter);
  });

  it('logs a bad entry by name and keeps the good ones', () => {
    const c = merge('toolbox_commands:\n  bad:\n    messages: []\n  good:\n    description: ok\n    messages: []\nsystem_prompts:\n  x:\n    show: experimental\n    text: hi\n');
    assert.equal(c.error_log.length, 1);
    assert.match(c.error_log[0]!.error_msg, /toolbox_commands\.bad\.description/);
    assert.ok(c.toolbox_commands.good);
    assert.equal(c.system_prompts.x, undefined, 'experimental prompts need --experimental');
    assert.equal(merge('system_prompts:\n  x:\n    show: experimental\n    text: hi\n', '', { experimental: true }).system_prompts.x!.text, 'hi');
  });
});
