import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostRefusal, isLoopbackBind } from '../../companion/src/http/host-guard';
import { guardRequest, isAllowedOrigin } from '../../server/core/request-guard';

/**
 * One table for both servers' loopback rule (`src/protocol/loopback.ts`): the engine's Host and
 * Origin checks and the companion's Host check and bind address must agree on every row.
 * Host names: localhost, [::1], or a dotted quad in 127.0.0.0/8; nothing else.
 */
const NAMES: [name: string, loopback: boolean][] = [
  ['localhost', true],
  ['LOCALHOST', true],
  ['[::1]', true],
  ['127.0.0.1', true],
  ['127.1.2.3', true],
  ['127.255.255.255', true],
  ['127.0.0.0', true],
  ['127.attacker.example', false],
  ['127.0.0.1.nip.io', false],
  ['127.0.0.1.evil.com', false],
  ['localhost.evil.com', false],
  ['evil.localhost.com', false],
  ['127.0.0.256', false],
  ['127.0.0', false],
  ['127.0.0.1.', false],
  ['127.0.0.1.2', false],
  ['127.0.0.-1', false],
  ['128.0.0.1', false],
  ['10.0.0.5', false],
  ['0.0.0.0', false],
  ['[::2]', false],
  ['[::ffff:127.0.0.1]', false],
  ['evil.example.com', false],
];

/** Host headers beyond `name` and `name:port`: malformed ones are refused. */
const HOST_HEADERS: [header: string | undefined, loopback: boolean][] = [
  ...NAMES.flatMap(([name, ok]): [string, boolean][] => [[name, ok], [`${name}:8008`, ok]]),
  ['::1', false],
  ['::1:8008', false],
  ['[::1]8008', false],
  ['localhost:', false],
  ['localhost:8008:1', false],
  ['localhost@evil.com', false],
  ['', false],
  [undefined, false],
];

describe('one loopback rule for the engine and the companion', () => {
  for (const [host, loopback] of HOST_HEADERS) {
    it(`${loopback ? 'serves' : 'refuses'} Host ${JSON.stringify(host)} on both servers`, () => {
      assert.equal(guardRequest(host, undefined, false).ok, loopback, 'engine');
      const refusal = hostRefusal(host);
      assert.equal(refusal === null, loopback, 'companion');
      if (refusal) assert.equal(refusal.status, 403);
    });
  }

  for (const [name, loopback] of NAMES) {
    // URL() normalizes some names (a trailing dot stays, 127.0.0.256 is invalid); the engine
    // must refuse what it cannot read as exactly this origin.
    it(`${loopback ? 'allows' : 'refuses'} the engine Origin http://${name}:5173`, () => {
      assert.equal(isAllowedOrigin(`http://${name.toLowerCase()}:5173`), loopback);
    });
    it(`${loopback ? 'takes' : 'does not take'} ${name} as a loopback bind address`, () => {
      assert.equal(isLoopbackBind(name), loopback);
    });
  }

  it('takes a bare ::1 as a bind address, never as a Host', () => {
    assert.equal(isLoopbackBind('::1'), true);
    assert.equal(hostRefusal('::1')?.status, 403);
    assert.equal(guardRequest('::1', undefined, false).ok, false);
  });
});
