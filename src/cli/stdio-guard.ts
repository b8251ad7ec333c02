// A closed stdout or stderr (`run -y | head -3`, a terminal gone) never stops the controller: what it would say is dropped.

const closed = new Set<'stdout' | 'stderr'>();
let guarded = false;

/**
 * Node raises EPIPE (a reader gone) or EIO (a terminal gone) as an 'error' event on the stream, which kills the process
 * when nobody listens: in the middle of a host's drain. With a listener the stream is only destroyed; later writes are
 * dropped without an event. The run goes on, its state and log are kept, and the exit code is the run's own.
 */
export function guardStdio(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', () => { closed.add('stdout'); });
  process.stderr.on('error', () => { closed.add('stderr'); });
}

/** The standard streams that were closed under the controller (for the log). */
export function closedStdio(): ('stdout' | 'stderr')[] {
  return [...closed];
}
