// What a sweep loads at start: its static imports must not reach the rehearsal or the lab (their schemas cost every start).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC } from '../../helpers/source-scan.js';

/** The files a module's value imports reach (`import type` and dynamic `import()` load nothing at start). */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^;'"]*?\sfrom\s+)?'(\.[^']+)'/gm)) {
      const target = path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts'));
      if (existsSync(target)) todo.push(target);
    }
  }
  return seen;
}

describe('start-up imports', () => {
  it('the closure walks real imports (sweep reaches the engine and the transport)', () => {
    const files = [...staticClosure(path.join(SRC, 'cli/commands/sweep.ts'))].map((f) => path.relative(SRC, f));
    expect(files).toContain('engine/runner.ts');
    expect(files).toContain('transport/ssh-transport.ts');
    // plan prints the rehearsed duration: its closure does reach the rehearsal, which shows the walk would see it.
    expect([...staticClosure(path.join(SRC, 'cli/commands/plan.ts'))].some((f) => path.relative(SRC, f).startsWith('rehearse/'))).toBe(true);
  });

  it('a sweep loads neither the rehearsal nor the lab', () => {
    const files = [...staticClosure(path.join(SRC, 'cli/commands/sweep.ts'))].map((f) => path.relative(SRC, f));
    expect(files.filter((f) => f.startsWith('rehearse/') || f.startsWith('lab/') || f === 'cli/commands/plan.ts')).toEqual([]);
  });
});
