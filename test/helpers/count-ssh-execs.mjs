// Preload for the built CLI (node --import): counts the SSH exec channels it opens per host, written at exit as JSON to $MDS_TEST_SSH_EXEC_LOG.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The CLI loads ssh2 from this checkout's node_modules: the same module, so the same Client prototype.
const { Client } = createRequire(new URL('../../package.json', import.meta.url))('ssh2');
const counts = {};
const exec = Client.prototype.exec;
Client.prototype.exec = function countedExec(...args) {
  const key = `${this.config?.host}:${this.config?.port}`;
  counts[key] = (counts[key] ?? 0) + 1;
  return exec.apply(this, args);
};
process.on('exit', () => {
  if (process.env.MDS_TEST_SSH_EXEC_LOG) writeFileSync(process.env.MDS_TEST_SSH_EXEC_LOG, JSON.stringify(counts));
});
