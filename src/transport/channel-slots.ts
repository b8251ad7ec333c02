// Bounds concurrent channels on one SSH connection (sshd's MaxSessions) and races a promise against an AbortSignal.
import { AbortedError } from './types.js';

export class ChannelSlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async acquire(signal: AbortSignal | undefined, host: string): Promise<void> {
    if (signal?.aborted) throw new AbortedError('aborted while waiting for a channel', { host });
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new AbortedError('aborted while waiting for a channel', { host }));
      };
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.active--;
  }
}

/** A caller's own abort ends its wait without cancelling the shared work (another caller may still want it). */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined, host: string): Promise<T> {
  if (signal === undefined) return p;
  if (signal.aborted) return Promise.reject(new AbortedError('aborted while connecting', { host }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortedError('aborted while connecting', { host }));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}
