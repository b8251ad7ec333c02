// nova-compute's live-migration executor per source host: max_concurrent_live_migrations at once, the rest wait queued.

export class HostSlots {
  private readonly running = new Map<string, Set<number>>();
  private readonly waiting = new Map<string, { id: number; start: () => void }[]>();

  /** limit 0 means unlimited, as in nova.conf. */
  constructor(private readonly limit: () => number) {}

  /** Starts `start` now if the host has a free slot, else queues it (first come, first served, as the executor does). */
  acquire(host: string, id: number, start: () => void): void {
    const run = this.running.get(host) ?? new Set<number>();
    this.running.set(host, run);
    const limit = this.limit();
    if (limit === 0 || run.size < limit) {
      run.add(id);
      start();
      return;
    }
    const q = this.waiting.get(host) ?? [];
    q.push({ id, start });
    this.waiting.set(host, q);
  }

  /** Frees the slot (or the queue place) of migration `id` and starts the next one waiting on that host. */
  release(host: string, id: number): void {
    const q = this.waiting.get(host) ?? [];
    const queued = q.findIndex((w) => w.id === id);
    if (queued >= 0) {
      q.splice(queued, 1);
      return;
    }
    const run = this.running.get(host);
    if (!run?.delete(id)) return;
    const next = q.shift();
    if (next) {
      run.add(next.id);
      next.start();
    }
  }

  clear(): void {
    this.running.clear();
    this.waiting.clear();
  }
}
