// The one place that finds the fake compute host's files (docker/compute-host): from src/ under tsx and from dist/ alike.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabHostError } from './host/errors.js';

/** The folder, relative to the repository root, that defines a fake compute host (its init, tools, Dockerfile). */
export const COMPUTE_HOST_FOLDER = 'docker/compute-host';

export interface ComputeHostFiles {
  /** docker/compute-host */
  dir: string;
  /** PID 1 of a host, for the namespace launcher and the container entrypoint alike. */
  initScript: string;
  /** The host's shell tools (rpm, yum, virsh, systemctl, docker, ...). */
  toolsDir: string;
}

function isProjectRoot(dir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return pkg.name === 'mds-orchestrate' && existsSync(path.join(dir, COMPUTE_HOST_FOLDER, 'init.sh'));
  } catch {
    return false;
  }
}

/**
 * Walks up from this module to the project root (its package.json), so the answer does not depend on how deep the
 * compiled file sits: src/lab/*.ts under tsx and dist/lab/*.js both find the same folder.
 */
export function findComputeHostFiles(from: string = path.dirname(fileURLToPath(import.meta.url))): ComputeHostFiles {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (isProjectRoot(dir)) {
      const host = path.join(dir, COMPUTE_HOST_FOLDER);
      return { dir: host, initScript: path.join(host, 'init.sh'), toolsDir: path.join(host, 'bin') };
    }
    if (path.dirname(dir) === dir) {
      throw new LabHostError('E_LAB_PREREQ', `cannot find ${COMPUTE_HOST_FOLDER} of mds-orchestrate above ${from}: the lab needs the project's files`);
    }
  }
}
