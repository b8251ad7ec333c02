// The bundle leaves pino's transports (thread-stream, a worker thread) out: nothing in src names one or starts a worker.
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PINO_TRANSPORT_LEFT_OUT } from '../../../src/build/bundle-plugins.js';
import { sourceFiles } from '../../helpers/source-scan.js';

const REPO = resolve(import.meta.dirname, '../../..');

const src = sourceFiles(join(REPO, 'src')).map((f) => ({ file: relative(REPO, f), text: readFileSync(f, 'utf8') }));

describe('pino in the bundle', () => {
  it('is used only by util/logger.ts, which names no transport (the stubbed one is never reached)', () => {
    const users = src.filter((s) => /^import (?!type )[^;]*from 'pino'/m.test(s.text)).map((s) => s.file);
    expect(users).toEqual(['src/util/logger.ts']);
    const logger = src.find((s) => s.file === 'src/util/logger.ts')!.text;
    expect(logger).toMatch(/pino\(/);
    expect(logger).not.toMatch(/transport|\.destination\(/);
  });

  it('runs on the main thread only: no source starts a worker thread (the bundle answers isMainThread with true)', () => {
    expect(src.filter((s) => /worker_threads/.test(s.text) && s.file !== 'src/build/bundle-plugins.ts').map((s) => s.file)).toEqual([]);
  });

  it('holds the throwing stand-in for pino.transport and none of thread-stream or Node\'s worker_threads', () => {
    const shipped = readFileSync(join(REPO, 'dist/bundle/cli.cjs'), 'utf8');
    expect(shipped).toContain(PINO_TRANSPORT_LEFT_OUT);
    expect(shipped).not.toContain('node_modules/thread-stream/');
    expect(shipped).not.toMatch(/require\("(node:)?worker_threads"\)/);
  });
});
