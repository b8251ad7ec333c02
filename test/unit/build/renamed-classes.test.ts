// The build's check that esbuild renamed none of our classes (the bundle is built without keepNames).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renamedClasses, sourceClassNames } from '../../../src/build/renamed-classes.js';

const REPO = resolve(import.meta.dirname, '../../..');

describe('renamed classes', () => {
  const ours = sourceClassNames(join(REPO, 'src'));

  it('finds the classes the sources declare, errors among them', () => {
    for (const name of ['OrchestratorError', 'ConfigError', 'HostKeyError', 'UnknownEvidenceError']) expect(ours.has(name)).toBe(true);
  });

  it('names a class of ours that a bundle declares with a numeric suffix, and nothing else', () => {
    const bundle = 'var a=class ConfigError2 extends OrchestratorError{};class HostKeyError extends X{};class Buffer2{};class s2{}';
    expect(renamedClasses(bundle, ours)).toEqual(['ConfigError (bundled as ConfigError2)']);
    expect(renamedClasses('class Ipv6 {}', new Set(['Ipv6', 'Ipv']))).toEqual([]);
    expect(renamedClasses('var HostKeyError3 = class extends OrchestratorError {};Client2=class{}', ours)).toEqual(['HostKeyError (bundled as HostKeyError3)']);
  });

  it('finds none in the shipped bundle, whose error classes keep their names without keepNames', async () => {
    const shipped = readFileSync(join(REPO, 'dist/bundle/cli.cjs'), 'utf8');
    expect(shipped).not.toContain('__name(');
    expect(renamedClasses(shipped, ours)).toEqual([]);
  });
});
