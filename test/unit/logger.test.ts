import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../../server/services/logger';
import { tempDir } from '../helpers/engine-process';

describe('logger', () => {
  it('writes a daily file named by the date, filtered by level', () => {
    const dir = join(tempDir('logs'), 'logs');
    const logger = createLogger({ kind: 'daily', dir }, 'info');
    logger.debug('hidden detail');
    logger.info('engine started');
    logger.error('something broke');
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^refact-ts\.\d{4}-\d{2}-\d{2}\.log$/);
    const text = readFileSync(join(dir, files[0]!), 'utf8');
    assert.match(text, /INFO  engine started\n/);
    assert.match(text, /ERROR something broke\n/);
    assert.doesNotMatch(text, /hidden detail/);
  });

  it('writes to a named file, creating its folder, with debug when verbose', () => {
    const path = join(tempDir('logs'), 'nested', 'engine.log');
    const logger = createLogger({ kind: 'file', path }, 'debug');
    logger.debug('fine detail');
    assert.match(readFileSync(path, 'utf8'), /DEBUG fine detail/);
  });
});
