// Unit tests: execOnClient against a fake ssh2 channel (output cap, PID header, timeout, abort, interrupted connection).
import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { execOnClient, isChannelRefused, withNullStdin, withPidHeader, type RawExecOptions } from '../../../src/transport/ssh-exec.js';
import { AbortedError, ExecTimeoutError, InterruptedError, UnreachableError } from '../../../src/transport/types.js';

/** Just enough of an ssh2 channel to drive execOnClient without a network. */
class FakeChannel extends EventEmitter {
  stderr = new EventEmitter();
  stdinData: Buffer[] = [];
  ended = false;
  closed = false;
  signals: string[] = [];
  end(data?: string | Buffer): void {
    if (data !== undefined) this.stdinData.push(Buffer.from(data));
    this.ended = true;
  }
  close(): void {
    this.closed = true;
  }
  signal(name: string): void {
    this.signals.push(name);
  }
}

function fakeClient(openError?: Error): { client: Client; channel: FakeChannel; commands: string[] } {
  const channel = new FakeChannel();
  const commands: string[] = [];
  const client = {
    exec(cmd: string, cb: (err: Error | undefined, ch: FakeChannel) => void) {
      commands.push(cmd);
      queueMicrotask(() => cb(openError, channel));
    },
  } as unknown as Client;
  return { client, channel, commands };
}

const base: RawExecOptions = { host: 'h1', label: 'test' };
let interrupt: ((err: Error) => void) | undefined;
const hook = (reject: (err: Error) => void): (() => void) => {
  interrupt = reject;
  return () => { interrupt = undefined; };
};
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('execOnClient', () => {
  it('collects stdout/stderr, exit status and feeds stdin then EOF', async () => {
    const { client, channel } = fakeClient();
    const p = execOnClient(client, 'cmd', { ...base, stdin: 'in' }, hook);
    await tick();
    channel.emit('data', Buffer.from('out'));
    channel.stderr.emit('data', Buffer.from('err'));
    channel.emit('exit', 3);
    channel.emit('close');
    const r = await p;
    expect({ ...r, stdout: r.stdout.toString(), stderr: r.stderr.toString() }).toMatchObject({ code: 3, signal: null, stdout: 'out', stderr: 'err', truncated: false });
    expect(Buffer.concat(channel.stdinData).toString()).toBe('in');
    expect(channel.ended).toBe(true);
  });

  it('sends no EOF for a command that reads /dev/null, and says so in the command', async () => {
    const { client, channel, commands } = fakeClient();
    const p = execOnClient(client, withNullStdin('cat'), { ...base, nullStdin: true }, hook);
    await tick();
    channel.emit('exit', 0);
    channel.emit('close');
    expect((await p).code).toBe(0);
    expect(channel.ended).toBe(false);
    expect(commands[0]).toMatch(/^exec <\/dev\/null; cat$/);
  });

  it('reports a signal exit and caps the output across both streams', async () => {
    const { client, channel } = fakeClient();
    const p = execOnClient(client, 'cmd', { ...base, maxOutputBytes: 5 }, hook);
    await tick();
    channel.emit('data', Buffer.from('abc'));
    channel.stderr.emit('data', Buffer.from('defgh'));
    channel.emit('data', Buffer.from('zzz'));
    channel.emit('exit', null, 'TERM');
    channel.emit('close');
    const r = await p;
    expect([r.code, r.signal, r.stdout.toString(), r.stderr.toString(), r.truncated]).toEqual([null, 'TERM', 'abc', 'de', true]);
  });

  it('rejects with InterruptedError when the connection closes under a pending exec (no stream events at all)', async () => {
    const { client } = fakeClient();
    const p = execOnClient(client, 'sleep', base, hook);
    await tick();
    interrupt?.(new InterruptedError('connection lost', { host: 'h1' }));
    await expect(p).rejects.toBeInstanceOf(InterruptedError);
    expect(interrupt).toBeUndefined(); // unhooked
  });

  it('treats a channel closing without exit status as interrupted, not as success', async () => {
    const { client, channel } = fakeClient();
    const p = execOnClient(client, 'x', base, hook);
    await tick();
    channel.emit('close');
    await expect(p).rejects.toBeInstanceOf(InterruptedError);
  });

  it('on timeout: signals, closes the channel, kills the reported process group and rejects', async () => {
    const { client, channel, commands } = fakeClient();
    const killed: number[] = [];
    const p = execOnClient(client, withPidHeader('sleep 9'), { ...base, timeoutMs: 50, kill: (pid) => killed.push(pid) }, hook);
    const outcome = p.catch((e: unknown) => e);
    await tick();
    channel.emit('data', Buffer.from('4242\nfirst output'));
    expect(await outcome).toBeInstanceOf(ExecTimeoutError);
    expect(commands[0]).toBe('echo "$$"; sleep 9');
    expect(killed).toEqual([4242]);
    expect(channel.closed).toBe(true);
    expect(channel.signals).toEqual(['KILL']);
  });

  it('strips the PID header from stdout even when it arrives in pieces', async () => {
    const { client, channel } = fakeClient();
    const p = execOnClient(client, 'x', { ...base, kill: () => undefined }, hook);
    await tick();
    channel.emit('data', Buffer.from('12'));
    channel.emit('data', Buffer.from('3\nhello'));
    channel.emit('exit', 0);
    channel.emit('close');
    expect((await p).stdout.toString()).toBe('hello');
  });

  it('aborts via AbortSignal, before and during the command', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(execOnClient(fakeClient().client, 'x', { ...base, signal: ac.signal }, hook)).rejects.toBeInstanceOf(AbortedError);
    const { client, channel } = fakeClient();
    const ac2 = new AbortController();
    const p = execOnClient(client, 'x', { ...base, signal: ac2.signal }, hook);
    await tick();
    ac2.abort();
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    expect(channel.closed).toBe(true);
  });

  it('a refused channel is UnreachableError (the command never ran) and marked retryable', async () => {
    const err = await execOnClient(fakeClient(new Error('open failed')).client, 'x', base, hook).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect(isChannelRefused(err)).toBe(true);
  });
});
