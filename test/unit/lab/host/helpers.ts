// Test helpers for the fake host: a materialised host in a temp dir, and running its shell tools against that state.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findComputeHostFiles } from '../../../../src/lab/compute-host-files.js';
import { writeBootFiles } from '../../../../src/lab/host/boot-files.js';
import type { HostLayout } from '../../../../src/lab/host/layout.js';
import { materialiseHost } from '../../../../src/lab/host/materialise.js';
import { resolveHostSpec, type FakeHostInput, type FakeHostSpec } from '../../../../src/lab/host/spec.js';

export const TOOLS = findComputeHostFiles().toolsDir;

export interface TempHost {
  spec: FakeHostSpec;
  layout: HostLayout;
  cleanup(): void;
}

export function tempHost(input: FakeHostInput, control = { address: '127.0.0.1', port: 9 }): TempHost {
  const labDir = mkdtempSync(path.join(os.tmpdir(), 'fakehost-unit-'));
  const spec = resolveHostSpec(input, 0, '127.10.0.0', 2222);
  const layout = materialiseHost(spec, { labDir, control, controlToken: 'test-token' });
  writeBootFiles(layout, spec, '00000000-0000-4000-8000-000000000001');
  return { spec, layout, cleanup: () => rmSync(labDir, { recursive: true, force: true }) };
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of docker/compute-host/bin's tools with the host's state dir in place of /var/lib/fakehost. */
export function runTool(host: TempHost, tool: string, args: string[], input?: string): ToolResult {
  const r = spawnSync(path.join(TOOLS, tool), args, {
    encoding: 'utf8',
    input: input ?? '',
    env: { PATH: '/usr/bin:/bin', FAKEHOST_STATE: host.layout.state, HOSTNAME: host.spec.name },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Same, without blocking the event loop (for tools that talk to a server in this process). */
export async function runToolAsync(host: TempHost, tool: string, args: string[]): Promise<ToolResult> {
  try {
    const r = await promisify(execFile)(path.join(TOOLS, tool), args, {
      env: { PATH: '/usr/bin:/bin', FAKEHOST_STATE: host.layout.state },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : null, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
