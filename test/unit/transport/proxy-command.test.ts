// Unit tests: ProxyCommand runs through the shell and its stdin/stdout carry the connection; the child dies with it.
import { describe, expect, it } from 'vitest';
import { spawnProxyCommand } from '../../../src/transport/proxy-command.js';

describe('spawnProxyCommand', () => {
  it('carries bytes both ways through the command and ends when it exits', async () => {
    const { sock } = spawnProxyCommand('cat');
    const got: Buffer[] = [];
    sock.on('data', (d: Buffer) => got.push(d));
    const ended = new Promise((r) => sock.on('end', r));
    sock.write('hello through the proxy');
    sock.end();
    await ended;
    expect(Buffer.concat(got).toString()).toBe('hello through the proxy');
  });

  it('keeps the command\'s stderr for the error message', async () => {
    const p = spawnProxyCommand('echo cannot reach bastion >&2; exit 1');
    p.sock.resume();
    await new Promise((r) => {
      p.sock.on('end', r);
      p.sock.on('error', r); // an exit before reading stdin may close the pipe early: either way the stream ends
    });
    // stderr may trail stdout's end (by more than a fixed sleep on a loaded machine): wait for it, bounded.
    for (let i = 0; i < 200 && p.stderr() === ''; i++) await new Promise((r) => setTimeout(r, 25));
    expect(p.stderr()).toBe('cannot reach bastion');
  });
});
