// The step is the plugin: the engine, CLI and reporters never name a step, no step data is decoded by cast, and CLI
// functions stay short enough to read top to bottom.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STEPS } from '../../../src/steps/registry.js';
import { codeOf, functionSpans, SRC, sourceFiles } from '../../helpers/source-scan.js';

const rel = (f: string): string => path.relative(SRC, f);
/** The lab's command and demo drive a lab, not the workflow's steps. */
const LAB_CLI = new Set(['cli/commands/lab.ts', 'cli/commands/demo.ts']);
const layers = ['engine', 'cli', 'report'].flatMap((d) => sourceFiles(path.join(SRC, d))).filter((f) => !LAB_CLI.has(rel(f)));

describe('architecture', () => {
  it('finds the layers it scans', () => {
    expect(layers.length).toBeGreaterThan(30);
    expect(STEPS.map((s) => s.id)).toContain('reboot');
  });

  it('no step id is written as a string in src/engine, src/cli or src/report', () => {
    const found: string[] = [];
    for (const file of layers) {
      const code = codeOf(readFileSync(file, 'utf8'), false);
      for (const { id } of STEPS) {
        const re = new RegExp(`(['"\`])${id.replace(/[-]/g, '\\-')}\\1`, 'g');
        for (const m of code.matchAll(re)) found.push(`${rel(file)}:${code.slice(0, m.index).split('\n').length}: ${m[0]}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('the scan would see a step id if one were written', () => {
    const code = codeOf("const a = 'reboot'; // 'drain'\nconst b = `x ${'verify'} y`;", false);
    expect(code).toContain("'reboot'");
    expect(code).not.toContain("'drain'");
    expect(code).toContain("'verify'");
  });

  it('no `.data as` cast outside the lab: change data is typed by its kind', () => {
    const found = sourceFiles(SRC)
      .filter((f) => !rel(f).startsWith('lab/'))
      .flatMap((f) => codeOf(readFileSync(f, 'utf8'), true).split('\n').map((l, i) => [f, i + 1, l] as const))
      .filter(([, , l]) => /\.data\s+as\b/.test(l))
      .map(([f, n]) => `${rel(f)}:${n}`);
    expect(found).toEqual([]);
  });

  it('no function in src/cli is longer than 60 lines', () => {
    const spans = sourceFiles(path.join(SRC, 'cli')).flatMap(functionSpans);
    expect(spans.length).toBeGreaterThan(40);
    const long = spans.filter((s) => s.lines > 60).map((s) => `${rel(s.file)}:${s.line} ${s.head} (${s.lines} lines)`);
    expect(long).toEqual([]);
  });

  it('measures a function from its header to its closing brace', () => {
    const spans = functionSpans(path.join(SRC, 'cli/exit-codes.ts'));
    expect(spans.find((s) => s.head.startsWith('function exitCodeFor'))?.lines).toBe(10);
    expect(spans.find((s) => s.head.startsWith('function describeError'))?.lines).toBe(6);
  });
});
