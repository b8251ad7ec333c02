// Stub commands for running the gather script under sh: each one logs its own call to a file, then runs a shell body.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `binDir/name`, which appends "name args" to `callsFile` and then runs `body`. */
export function writeStubTool(binDir: string, callsFile: string, name: string, body: string): void {
  const file = join(binDir, name);
  writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> ${callsFile}\n${body}\n`);
  chmodSync(file, 0o755);
}
