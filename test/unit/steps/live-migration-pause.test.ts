// A live migration's deadline across a controller pause: one more look before the migration is called hung and aborted.
import { afterEach, describe, expect, it } from 'vitest';
import { migrateAway } from '../../../src/steps/live-migration.js';
import { PauseWatch, useProcessPauseWatch } from '../../../src/util/deadline.js';
import { FakeNovaApi } from '../../helpers/fake-nova-api.js';

const SRC = 'compute-0.example.org';
let undo: () => void = () => undefined;
afterEach(() => undo());

/** A fake clock behind every deadline; each poll of the server first lets `perPoll` happen to it. */
function setup(polls: number, perPoll: (clock: { mono: number; wall: number }, poll: number) => void) {
  const clock = { mono: 1_000, wall: Date.parse('2019-05-15T09:00:00Z') };
  undo = useProcessPauseWatch(new PauseWatch({ mono: () => clock.mono, wall: () => clock.wall }));
  const nova = new FakeNovaApi().addHost(SRC).addHost('compute-1.example.org');
  const server = nova.addServer({ name: 'web-1', host: SRC });
  nova.planMigrations(server.id, { outcome: 'complete', polls });
  const get = nova.getServer.bind(nova);
  let n = 0;
  nova.getServer = async (id: string) => {
    n += 1;
    perPoll(clock, n);
    return get(id);
  };
  return { nova, server };
}

const policy = { timeoutMs: 60_000, retries: 0, pollMs: 1 };

describe('migrateAway after a pause', () => {
  it('a migration that finished while the controller slept is found on the one more look, not aborted', async () => {
    // Nova finishes it on the second poll; the first comes back two hours later, past the 60 s deadline.
    const { nova, server } = setup(2, (clock, n) => { if (n === 1) { clock.mono += 7_200_000; clock.wall += 7_200_000; } });
    expect(await migrateAway(nova, server, SRC, policy, new AbortController().signal)).toBe(1);
    expect(nova.calls.filter((c) => c.method === 'abortLiveMigration')).toEqual([]);
  });

  it('time the controller lived through is no pause: the migration is called hung and aborted', async () => {
    // Nova would finish it on the fourth poll; 25 s pass before each, so the third is already past the deadline.
    const { nova, server } = setup(4, (clock) => { clock.mono += 25_000; clock.wall += 25_000; });
    await expect(migrateAway(nova, server, SRC, policy, new AbortController().signal)).rejects.toThrow(/did not finish within 60s; /);
    expect(nova.calls.filter((c) => c.method === 'abortLiveMigration').length).toBe(1);
  });
});
