// Two-stage cancellation: the first cancel() is graceful (no new hosts or steps), the second is hard (in-flight commands abort).
import { setMaxListeners } from 'node:events';

export type CancelStage = 'graceful' | 'hard';

export class CancelController {
  private readonly gracefulCtl = new AbortController();
  private readonly hardCtl = new AbortController();

  constructor() {
    // Every Nova request, sleep and command in flight listens on these: hundreds at once at fleet scale is expected, and
    // Node's default of 10 would print MaxListenersExceededWarning in the middle of the live view.
    setMaxListeners(0, this.gracefulCtl.signal, this.hardCtl.signal);
  }

  /** Fires on the first cancel: nothing new starts, in-flight steps finish. */
  get graceful(): AbortSignal {
    return this.gracefulCtl.signal;
  }

  /** Fires on the second cancel: handed to steps and commands, which abort. */
  get hard(): AbortSignal {
    return this.hardCtl.signal;
  }

  get stage(): CancelStage | null {
    if (this.hardCtl.signal.aborted) return 'hard';
    if (this.gracefulCtl.signal.aborted) return 'graceful';
    return null;
  }

  /** Escalates one stage per call (the CLI wires this to SIGINT); returns the stage now in force. */
  cancel(reason = 'cancelled by the operator'): CancelStage {
    if (!this.gracefulCtl.signal.aborted) {
      this.gracefulCtl.abort(reason);
      return 'graceful';
    }
    this.hardCtl.abort(reason);
    return 'hard';
  }

  /** Straight to the hard stage (graceful is implied). */
  abortNow(reason = 'aborted'): void {
    if (!this.gracefulCtl.signal.aborted) this.gracefulCtl.abort(reason);
    this.hardCtl.abort(reason);
  }
}
