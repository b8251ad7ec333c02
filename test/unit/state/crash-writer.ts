// Child process for the crash test: takes the lock and rewrites host records as fast as it can until killed with SIGKILL.
import { acquireLock } from '../../../src/state/lock.js';
import type { HostRecord } from '../../../src/state/records.js';
import { StateStore } from '../../../src/state/store.js';

const dir = process.argv[2]!;
const store = await StateStore.open(dir);
await acquireLock(dir, 'crash-run');
let n = 0;
for (;;) {
  const writes: Promise<void>[] = [];
  for (let h = 0; h < 5; h++) {
    const rec: HostRecord = {
      version: 1, host: `h${h}`, runId: 'crash-run', status: 'running', currentStep: 'drain',
      startedAt: new Date().toISOString(), endedAt: null, error: null,
      steps: { drain: { status: 'running', startedAt: new Date().toISOString(), endedAt: null, attempt: n, checkpoint: { pad: 'x'.repeat(4000 + (n % 97)) }, error: null, diff: [] } },
    };
    writes.push(store.saveHost(rec));
  }
  await Promise.all(writes);
  if (n++ === 3) process.stdout.write('ready\n');
}
