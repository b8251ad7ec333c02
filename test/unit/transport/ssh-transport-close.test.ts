// SshTransport.close(): a connect in flight is stopped, a command in flight is interrupted, a plain close ends the connection.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const chain = vi.hoisted(() => ({ pending: [] as ((clients: unknown[]) => void)[] }));
const execs = vi.hoisted(() => ({ hooks: [] as ((err: Error) => void)[] }));

vi.mock('../../../src/transport/ssh-connect.js', () => ({
  isTransient: () => false,
  openChain: () => new Promise((resolve) => chain.pending.push(resolve)),
}));
vi.mock('../../../src/transport/ssh-exec.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  // A command that runs until the connection owner interrupts it.
  execOnClient: (_client: unknown, _cmd: string, _opts: unknown, onInterrupt: (reject: (err: Error) => void) => () => void) =>
    new Promise((_resolve, reject) => {
      onInterrupt(reject);
      execs.hooks.push(reject);
    }),
}));

const { SshTransport } = await import('../../../src/transport/ssh-transport.js');
const { AbortedError, InterruptedError } = await import('../../../src/transport/types.js');

class FakeClient extends EventEmitter {
  ended = 0;
  end(): void {
    this.ended++;
  }
}

function transport(): InstanceType<typeof SshTransport> {
  const spec = { name: 'h1', address: 'h1', port: 22, user: 'root', become: false, novaHost: 'h1', groups: [], vars: {} };
  const target = { label: 'h1', address: 'h1', port: 22, user: 'root', identityFiles: [], knownHostNames: ['h1'], jumps: [], config: { identityFiles: [], origins: {} } };
  return new SshTransport(spec as never, target as never, { connect: {} as never, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
}

beforeEach(() => {
  chain.pending.length = 0;
  execs.hooks.length = 0;
});

/** Connects `t`, handing it `client` as the n-th connection the fake chain opens. */
async function connectWith(t: ReturnType<typeof transport>, client: FakeClient, n = 1): Promise<void> {
  const connecting = t.connect();
  await vi.waitFor(() => expect(chain.pending).toHaveLength(n));
  chain.pending[n - 1]!([client]);
  await connecting;
}

describe('SshTransport.close', () => {
  it('stops a connect in flight: the connection it finishes is ended, not kept', async () => {
    const t = transport();
    const connecting = t.connect();
    await vi.waitFor(() => expect(chain.pending).toHaveLength(1));
    await t.close();
    const client = new FakeClient();
    chain.pending[0]!([client]);
    await expect(connecting).rejects.toBeInstanceOf(AbortedError);
    expect(client.ended).toBe(1);
  });

  it('interrupts a command still running on the connection, and ends the connection', async () => {
    const t = transport();
    const client = new FakeClient();
    await connectWith(t, client);
    const running = t.exec('sleep 100');
    await vi.waitFor(() => expect(execs.hooks).toHaveLength(1));
    await t.close();
    await expect(running).rejects.toBeInstanceOf(InterruptedError);
    await expect(running).rejects.toThrow(/connection to h1 was closed/);
    expect(client.ended).toBe(1);
  });

  it('ends an idle connection, and a closed transport connects again', async () => {
    const t = transport();
    const first = new FakeClient();
    await connectWith(t, first);
    await t.close();
    expect(first.ended).toBe(1);
    const second = new FakeClient();
    await expect(connectWith(t, second, 2)).resolves.toBeUndefined();
    expect(second.ended).toBe(0);
  });
});
