// The in-memory transport used by engine tests and the benchmark.
import { describe, expect, it } from 'vitest';
import { MemoryTransport } from '../../../src/transport/memory-transport.js';
import { UnreachableError } from '../../../src/transport/types.js';

describe('MemoryTransport', () => {
  it('answers exec through the handler and records commands', async () => {
    const t = new MemoryTransport('h1', { handler: (host, cmd) => ({ stdout: `${host}:${cmd}`, code: cmd === 'false' ? 1 : 0 }) });
    await t.connect();
    expect(await t.exec('uname -r')).toMatchObject({ stdout: 'h1:uname -r', code: 0, signal: null, truncated: false });
    expect((await t.exec('false')).code).toBe(1);
    expect(t.commands).toEqual(['uname -r', 'false']);
  });

  it('an unreachable host fails connect with UnreachableError', async () => {
    const t = new MemoryTransport('h1', { unreachable: true });
    await expect(t.connect()).rejects.toBeInstanceOf(UnreachableError);
  });

  it('latency honours the abort signal', async () => {
    const t = new MemoryTransport('h1', { latencyMs: 10_000 });
    const ac = new AbortController();
    const p = t.connect(ac.signal);
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'E_ABORTED' });
  });

  it('keeps written files', async () => {
    const t = new MemoryTransport('h1', { files: { '/etc/a': 'x' } });
    await t.writeFile('/etc/b', 'y');
    expect((await t.readFile('/etc/a')).toString()).toBe('x');
    expect((await t.readFile('/etc/b')).toString()).toBe('y');
    await expect(t.readFile('/nope')).rejects.toThrow(/no such file/);
  });
});
