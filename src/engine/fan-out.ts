// The engine's one fan-out: work on many hosts at once, at most `forks` at a time, in the order given.
import PQueue from 'p-queue';

export function checkForks(forks: number): number {
  if (!Number.isInteger(forks) || forks < 1) throw new RangeError(`forks must be a whole number >= 1, got ${forks}`);
  return forks;
}

/**
 * Runs `work` for every item, `forks` at a time, and resolves when all have ended. `work` must not throw (each caller
 * turns a host's error into that host's outcome); a throw is a bug and rejects the whole fan-out once the rest ended.
 */
export async function forEachHost<T>(items: readonly T[], forks: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = new PQueue({ concurrency: checkForks(forks) });
  const bugs: unknown[] = [];
  for (const item of items) void queue.add(() => work(item).catch((err: unknown) => { bugs.push(err); }));
  await queue.onIdle();
  if (bugs.length) throw bugs[0];
}
