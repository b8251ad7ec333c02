// Run logger: file layout, mode, context fields and secret redaction.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { censorSecretKeys, clearSecrets, createRunLogger, hostLogger, registerSecret, scrubSecrets } from '../../../src/util/logger.js';

const dirs: string[] = [];
afterEach(() => {
  clearSecrets();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('run logger', () => {
  it('writes JSON lines with runId, host and step to <state>/logs/<run>.log with mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-test-'));
    dirs.push(dir);
    const run = createRunLogger({ stateDir: dir, runId: 'run-42' });
    hostLogger(run.logger, 'compute-1', 'reboot').info({ bootId: 'b1' }, 'rebooted');
    run.close();
    expect(run.path).toBe(join(dir, 'logs', 'run-42.log'));
    expect(statSync(run.path).mode & 0o777).toBe(0o600);
    const lines = readFileSync(run.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ runId: 'run-42', host: 'compute-1', step: 'reboot', bootId: 'b1', msg: 'rebooted' });
  });

  it('never writes a secret: redacted keys and registered values inside text and errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-test-'));
    dirs.push(dir);
    const secret = 's3cr3t-"pass\\word';
    const token = 'gAAAAABtokenvalue123';
    registerSecret(secret);
    const run = createRunLogger({ stateDir: dir, runId: 'r' });
    const log = hostLogger(run.logger, 'h1');
    log.info({ password: 'plain-pw-1', auth: { token }, headers: { 'X-Auth-Token': token } }, 'keys');
    log.error({ err: new Error(`sudo failed with password ${secret}`) }, `login with ${secret} refused`);
    log.warn({ detail: { nested: `stdin was ${secret}` } }, 'nested');
    run.close();
    const text = readFileSync(run.path, 'utf8');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('plain-pw-1');
    expect(text).not.toContain(token);
    expect(text).toContain('[redacted]');
    expect(text.split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('censors secret-named keys at any depth, in arrays too, whatever their case, without touching the caller\'s object', () => {
    const input = { a: { b: { c: { d: { Password: 'deep-pw' } } } }, list: [{ api_key: 'k1' }, 'plain'], ok: 1, err: new Error('e') };
    const out = censorSecretKeys(input);
    expect(JSON.stringify(out)).not.toMatch(/deep-pw|k1/);
    expect(out.a.b.c.d.Password).toBe('[redacted]');
    expect(out.list[1]).toBe('plain');
    expect(out.err).toBe(input.err);
    expect(input.a.b.c.d.Password).toBe('deep-pw');
    const clean = { host: 'h1', nested: { n: [1, 2] } };
    expect(censorSecretKeys(clean)).toBe(clean);
  });

  it('scrubSecrets replaces every occurrence and leaves other text alone', () => {
    registerSecret('hunter2');
    expect(scrubSecrets('a hunter2 b hunter2')).toBe('a [redacted] b [redacted]');
    expect(scrubSecrets('nothing here')).toBe('nothing here');
  });
});

describe('the run log on a full filesystem', () => {
  it('reports the first failed write once, drops the rest, and never throws into the code that logged', () => {
    const errors: string[] = [];
    const run = createRunLogger({ stateDir: mkdtempSync(join(tmpdir(), 'mds-log-full-')), runId: 'r', path: '/dev/full', onWriteError: (err, path) => errors.push(`${path}: ${(err as NodeJS.ErrnoException).code}`) });
    expect(() => { for (let i = 0; i < 5; i++) run.logger.info({ i }, 'a line'); }).not.toThrow();
    run.close();
    expect(errors).toEqual(['/dev/full: ENOSPC']);
    expect(run.path).toBe('/dev/full');
  });

  it('writes to --log-file instead of the state directory, 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mds-log-file-'));
    const path = join(dir, 'elsewhere', 'run.log');
    const run = createRunLogger({ stateDir: join(dir, 'state'), runId: 'r2', path });
    run.logger.info('hello');
    run.close();
    expect(readFileSync(path, 'utf8')).toContain('"msg":"hello"');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
