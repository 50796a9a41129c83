/**
 * An HTTPS upstream (as OpenAI, OpenRouter or a TLS-fronted vLLM are), through the built server:
 * a certificate made with openssl for 127.0.0.1, trusted through NODE_EXTRA_CA_CERTS the way a
 * team trusts its private CA; without that trust the server refuses the upstream with a 502.
 */
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';
import { sseEvents } from '../helpers/server';
import { spawnServer } from '../helpers/server-process';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

function selfSignedCert(): { key: string; cert: string; certPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  const [keyPath, certPath] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}

async function post(url: string, body: object): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, text: await r.text() };
}

describe('an HTTPS upstream through the server', () => {
  let up: FakeUpstream;
  let certPath: string;
  const servers: ChildProcess[] = [];
  const start = async (env: NodeJS.ProcessEnv) => {
    const s = await spawnServer([MAIN], ['--port', '0', '--upstream', `m=${up.url}`, '--perm-dir', mkdtempSync(join(tmpdir(), 'perm-'))], env);
    servers.push(s.child);
    return s.url;
  };
  before(async () => {
    const tls = selfSignedCert();
    certPath = tls.certPath;
    up = await fakeUpstream('T', ['m'], 0, tls);
  });
  after(async () => {
    for (const c of servers) c.kill('SIGTERM');
    await up.stop();
  });

  it('proxies answers and streams over TLS when the certificate is trusted', async () => {
    assert.match(up.url, /^https:/);
    const url = await start({ NODE_EXTRA_CA_CERTS: certPath });
    const plain = await post(`${url}/v1/completions`, { model: 'm', prompt: 'x' });
    assert.equal(plain.status, 200, plain.text);
    assert.equal(JSON.parse(plain.text).choices[0].text, 'from T');
    const streamed = await post(`${url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
    assert.equal(streamed.status, 200);
    const events = sseEvents(streamed.text);
    assert.equal(events.at(-1), '[DONE]');
    assert.equal(events[0].choices[0].delta.content, 'from T');
  });

  it('refuses an upstream whose certificate is not trusted with a 502 that says why', async () => {
    const url = await start({});
    const r = await post(`${url}/v1/completions`, { model: 'm', prompt: 'x' });
    assert.equal(r.status, 502);
    assert.match(JSON.parse(r.text).error.message, /certificate/i);
  });
});
