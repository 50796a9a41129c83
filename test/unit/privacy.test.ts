import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compilePrivacy, endpointUnderUserControl, parsePrivacyYaml, PrivacyLevel, privacyVerdict, type PrivacyRules } from '../../server/core/privacy';
import { PrivacyService } from '../../server/services/privacy';

const global = (rules: PrivacyRules) => compilePrivacy([{ path: '/cfg/privacy.yaml', projectRoot: null, rules }]);

describe('privacy rules (Refact\'s privacy.rs cases)', () => {
  it('levels paths with the most restrictive matching glob', () => {
    const decide = global({ only_send_to_servers_I_control: ['*.pem', '*/semi_private_dir/*.md'], blocked: ['*.pem', '*/secret_dir/*', 'secret_passwords.txt'] });
    const cases: [string, PrivacyLevel][] = [
      ['/cwd/secret.pem', PrivacyLevel.Blocked],
      ['/cwd/somedir/secret.pem', PrivacyLevel.Blocked],
      ['/cwd/secret.pub', PrivacyLevel.AllowToSendAnywhere],
      ['/cwd/secret_passwords.txt', PrivacyLevel.Blocked],
      ['/cwd/3/2/1/secret_passwords.txt', PrivacyLevel.Blocked],
      ['/cwd/secret_passwords.jpeg', PrivacyLevel.AllowToSendAnywhere],
      ['/cwd/secret_dir/anything.jpg', PrivacyLevel.Blocked],
      ['/cwd/semi_private_dir/wow1.md', PrivacyLevel.OnlySendToServersIControl],
      ['/cwd/semi_private_dir/wow1.jpeg', PrivacyLevel.AllowToSendAnywhere],
      ['/cwd/1/2/3/semi_private_dir/wow1.md', PrivacyLevel.OnlySendToServersIControl],
      ['/cwd/1/2/3/semi_private_dir/4/5/6/wow1.md', PrivacyLevel.OnlySendToServersIControl],
      ['/cwd/wow1.md', PrivacyLevel.AllowToSendAnywhere],
    ];
    for (const [path, level] of cases) assert.equal(decide(path).level, level, path);
    assert.deepEqual(decide('/cwd/a/secret_dir/x'), { level: PrivacyLevel.Blocked, rule: '*/secret_dir/*', source: '/cfg/privacy.yaml' });
  });

  it('lets local-only files go to models the user controls only', () => {
    const decide = global({ only_send_to_servers_I_control: ['*.md'], blocked: ['*.txt'] });
    assert.equal(privacyVerdict('/p/test.md', decide('/p/test.md'), true).allowed, true);
    const remote = privacyVerdict('/p/test.md', decide('/p/test.md'), false);
    assert.equal(remote.allowed, false);
    assert.match((remote as { reason: string }).reason, /only be sent to servers you control .*'\*\.md'/);
    const blocked = privacyVerdict('/p/a.txt', decide('/p/a.txt'), true);
    assert.equal(blocked.allowed, false);
    assert.match((blocked as { reason: string }).reason, /blocked by privacy rule '\*\.txt' in \/cfg\/privacy\.yaml/);
  });

  it('matches a project\'s globs below that project only, also relative to it', () => {
    const decide = compilePrivacy([{ path: '/p/.refact/privacy.yaml', projectRoot: '/p', rules: { blocked: ['private/*'], only_send_to_servers_I_control: [] } }]);
    assert.equal(decide('/p/private/keys.py').level, PrivacyLevel.Blocked);
    assert.equal(decide('/other/private/keys.py').level, PrivacyLevel.AllowToSendAnywhere);
  });

  it('parses the YAML and reports what is wrong', () => {
    assert.deepEqual(parsePrivacyYaml('privacy_rules:\n  blocked: ["*.pem"]\n', 'x'), { ok: true, rules: { blocked: ['*.pem'], only_send_to_servers_I_control: [] } });
    assert.deepEqual(parsePrivacyYaml('', 'x'), { ok: true, rules: { blocked: [], only_send_to_servers_I_control: [] } });
    assert.equal(parsePrivacyYaml('privacy_rules:\n  blocked: "*.pem"\n', 'x').ok, false);
    assert.equal(parsePrivacyYaml('privacy_rules: [', 'x').ok, false);
  });

  it('counts this machine, private networks and the user\'s own server as under their control', () => {
    for (const url of ['http://127.0.0.1:8008/v1/chat/completions', 'http://localhost:11434/v1', 'http://[::1]:8008/', 'http://192.168.1.5/v1', 'http://10.0.0.2/', 'http://172.20.0.1/', 'http://gpu-box.local/', 'http://[fd12::1]/']) {
      assert.equal(endpointUnderUserControl(url), true, url);
    }
    for (const url of ['https://api.openai.com/v1/chat/completions', 'https://172.32.0.1/', 'https://10.example.com/', 'not a url', 'https://fcbank.com/']) {
      assert.equal(endpointUnderUserControl(url), false, url);
    }
    assert.equal(endpointUnderUserControl('https://inference.corp.example/v1', ['inference.corp.example']), true);
  });
});

describe('privacy service', () => {
  function setup(globalYaml: string | null, projectYaml: string | null) {
    const dir = mkdtempSync(join(tmpdir(), 'privacy-'));
    const config = join(dir, 'config');
    const project = join(dir, 'project');
    mkdirSync(config, { recursive: true });
    mkdirSync(join(project, '.refact'), { recursive: true });
    if (globalYaml !== null) writeFileSync(join(config, 'privacy.yaml'), globalYaml);
    if (projectYaml !== null) writeFileSync(join(project, '.refact', 'privacy.yaml'), projectYaml);
    let now = 0;
    const service = new PrivacyService({ configDir: config, folders: () => [project], now: () => now });
    return { service, config, project, advance: (ms: number) => (now += ms) };
  }

  it('uses Refact\'s default rules when the config folder has no privacy.yaml', async () => {
    const { service, project } = setup(null, null);
    assert.equal(await service.isBlocked(join(project, 'keys/server.pem')), true);
    assert.equal(await service.isBlocked(join(project, 'src/main.py')), false);
    assert.equal((await service.check(join(project, 'secret_passwords.txt'), false)).allowed, false);
    assert.equal((await service.check(join(project, 'secret_passwords.txt'), true)).allowed, true);
  });

  it('adds the project\'s rules to the global ones', async () => {
    const { service, project } = setup('privacy_rules:\n  blocked: ["*.key"]\n', 'privacy_rules:\n  blocked: ["*/generated/*"]\n');
    assert.equal(await service.isBlocked(join(project, 'a.key')), true);
    assert.equal(await service.isBlocked(join(project, 'src/generated/x.ts')), true);
    assert.equal(await service.isBlocked(join(project, 'src/x.ts')), false);
  });

  it('blocks everything a broken file covers and says why', async () => {
    const { service, project, config } = setup('privacy_rules: [', null);
    assert.equal(await service.isBlocked(join(project, 'src/ok.ts')), true);
    const errors = await service.errors();
    assert.equal(errors.length, 1);
    assert.ok(errors[0]!.startsWith(join(config, 'privacy.yaml')));
    assert.match(errors[0]!, /blocked until it is fixed/);
  });

  it('reads the files again once its copy is older than three seconds', async () => {
    const { service, project, config, advance } = setup('privacy_rules:\n  blocked: []\n', null);
    const path = join(project, 'notes.txt');
    assert.equal(await service.isBlocked(path), false);
    writeFileSync(join(config, 'privacy.yaml'), 'privacy_rules:\n  blocked: ["*.txt"]\n');
    advance(2999);
    assert.equal(await service.isBlocked(path), false);
    advance(1);
    assert.equal(await service.isBlocked(path), true);
  });
});
