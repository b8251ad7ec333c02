// Vitest setup: unit tests run in parallel; lab e2e tests run one file at a time (they share loopback ports and root namespaces);
// the contract suite runs the client against the real Keystone and Nova.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/conformance/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          // Compares the tool with ansible-core and OpenSSH run live (installed by .ci/run); fails under CI=true
          // when they are missing. Files run one at a time: each spawns many reference processes.
          name: 'differential',
          include: ['test/differential/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
      {
        // Real Keystone and Nova on loopback (test/contract/prepare.sh unpacks them; 25-45 s to start, 3 minutes in all).
        test: {
          name: 'contract',
          include: ['test/contract/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
      {
        // The same contract cases against the lab's own Nova, Keystone and Placement (in process, a few seconds).
        test: {
          name: 'contract-lab',
          include: ['test/contract/real-nova.test.ts'],
          env: { MDS_CONTRACT_CLOUD: 'lab' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
});
