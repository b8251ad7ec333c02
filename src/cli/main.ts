#!/usr/bin/env node
// The mds-orchestrate command line: the only place that parses argv and calls process.exit.
import { CommanderError } from 'commander';
import { z } from 'zod';
import { describeError, EXIT } from './exit-codes.js';
import { buildProgram } from './main-program.js';
import { guardStdio } from './stdio-guard.js';

async function main(argv: string[]): Promise<void> {
  guardStdio();
  // A run parses each schema once or twice (playbook, step params, a history file): zod's compiled fast path, built with
  // new Function at a schema's first parse, costs more than it saves at that count, and V8's code cache cannot keep it.
  z.config({ jitless: true });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return;
    }
    const { message, code } = describeError(err);
    process.stderr.write(`mds-orchestrate: ${message}\n`);
    if (process.env['MDS_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = code;
  }
}

// Not a top-level await: the bundle that ships this file is a CommonJS script (src/build/bundle.ts), which has none.
void main(process.argv);
