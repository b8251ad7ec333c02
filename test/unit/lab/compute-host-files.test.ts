// The one resolver of the fake compute host's files: the same folder from src/ (tsx), from dist/ and from deeper modules.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findComputeHostFiles } from '../../../src/lab/compute-host-files.js';

const REPO = path.resolve(import.meta.dirname, '../../..');

describe('findComputeHostFiles', () => {
  it('finds docker/compute-host from src/lab, dist/lab and src/lab/host alike', () => {
    const want = path.join(REPO, 'docker/compute-host');
    for (const from of ['src/lab', 'dist/lab', 'src/lab/host', 'dist/lab/host']) {
      expect(findComputeHostFiles(path.join(REPO, from)).dir).toBe(want);
    }
    const files = findComputeHostFiles();
    expect(existsSync(files.initScript)).toBe(true);
    expect(existsSync(path.join(files.toolsDir, 'virsh'))).toBe(true);
  });

  it('says what it looked for when the project is not above', () => {
    expect(() => findComputeHostFiles('/')).toThrow(/cannot find docker\/compute-host of mds-orchestrate above \//);
  });
});
