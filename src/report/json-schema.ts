// JSON Schema (draft 2020-12) of the JSON report, for consumers (CI, dashboards) and for the tests that validate real output;
// test/schemas/write-schemas.ts writes it to REPORT_SCHEMA_FILE.
import { REPORT_SCHEMA_VERSION } from './model.js';

const HOST_STATUSES = ['ok', 'changed', 'would-change', 'drift', 'failed', 'refused', 'unknown', 'unreachable', 'deferred', 'skipped'];
const STEP_STATUSES = ['ok', 'changed', 'would-change', 'failed', 'refused', 'unknown', 'skipped', 'deferred', 'unreachable'];
const str = { type: 'string' };
const strOrNull = { type: ['string', 'null'] };
const count = { type: 'integer' };

/** Where the committed file lives, relative to the repository root. */
export const REPORT_SCHEMA_FILE = 'src/report/report.schema.json';

export const REPORT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://mds-orchestrate.invalid/schema/report-v1.json',
  title: 'mds-orchestrate report',
  type: 'object',
  required: ['schemaVersion', 'kind', 'tool', 'runId', 'playbook', 'startedAt', 'finishedAt', 'durationMs', 'summary', 'hosts'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: REPORT_SCHEMA_VERSION },
    kind: { enum: ['plan', 'run', 'sweep'] },
    tool: {
      type: 'object',
      required: ['name', 'version'],
      additionalProperties: false,
      properties: { name: { const: 'mds-orchestrate' }, version: str },
    },
    runId: str,
    playbook: strOrNull,
    startedAt: str,
    finishedAt: str,
    durationMs: { type: 'number' },
    summary: { $ref: '#/$defs/summary' },
    hosts: { type: 'array', items: { $ref: '#/$defs/host' } },
    migrations: { $ref: '#/$defs/migrations' },
    trend: { type: 'array', items: { $ref: '#/$defs/trendPoint' } },
    batches: { type: 'array', items: { $ref: '#/$defs/batch' } },
    // plan only; its fields are described in src/plan/rehearsed-duration.ts.
    rehearsal: { type: 'object' },
    batchRoom: { type: 'array', items: { type: 'object' } },
  },
  $defs: {
    hostStatus: { enum: HOST_STATUSES },
    stepStatus: { enum: STEP_STATUSES },
    change: {
      type: 'object',
      required: ['kind', 'summary'],
      additionalProperties: false,
      // data's shape follows the kind (src/steps/changes.ts).
      properties: { kind: str, summary: str, data: {} },
    },
    finding: {
      type: 'object',
      required: ['kind'],
      // The rest follows the kind (src/steps/changes.ts): checks, guests-needing-cold-boot, packages-not-offered.
      properties: { kind: str },
    },
    step: {
      type: 'object',
      required: ['id', 'status', 'changes', 'notes'],
      additionalProperties: false,
      properties: {
        id: str,
        status: { $ref: '#/$defs/stepStatus' },
        changes: { type: 'array', items: { $ref: '#/$defs/change' } },
        notes: { type: 'array', items: str },
        findings: { type: 'array', items: { $ref: '#/$defs/finding' } },
        error: str,
        durationMs: { type: 'number' },
      },
    },
    check: {
      type: 'object',
      required: ['name', 'ok', 'detail'],
      additionalProperties: false,
      properties: { name: str, ok: { type: 'boolean' }, detail: str, unknown: { const: true } },
    },
    guest: {
      type: 'object',
      required: ['uuid', 'name', 'host', 'projectId'],
      additionalProperties: false,
      properties: { uuid: str, name: str, host: str, projectId: strOrNull },
    },
    facts: {
      type: 'object',
      required: ['os', 'kernelRunning', 'bootId', 'cpuVendor', 'mds', 'tsxAsyncAbort', 'mmioStaleData'],
      additionalProperties: false,
      properties: {
        os: str, kernelRunning: str, bootId: str, cpuVendor: str, mds: strOrNull, tsxAsyncAbort: strOrNull, mmioStaleData: strOrNull,
        // Newest installed version per package the playbook names; absent when rpm could not be read.
        packages: { type: 'object', additionalProperties: str },
      },
    },
    stepSpan: {
      type: 'object',
      required: ['id', 'status', 'start', 'end'],
      additionalProperties: false,
      properties: { id: str, status: { $ref: '#/$defs/stepStatus' }, start: str, end: str, migrations: count, reboot: { const: true } },
    },
    timeline: {
      type: 'object',
      required: ['batch', 'start', 'end', 'steps'],
      additionalProperties: false,
      properties: { batch: { type: ['integer', 'null'] }, start: str, end: strOrNull, steps: { type: 'array', items: { $ref: '#/$defs/stepSpan' } } },
    },
    batch: {
      type: 'object',
      required: ['index', 'start', 'end', 'hosts'],
      additionalProperties: false,
      properties: { index: count, start: str, end: strOrNull, hosts: count },
    },
    host: {
      type: 'object',
      required: ['name', 'address', 'novaHost', 'availabilityZone', 'aggregate', 'status', 'steps', 'checks', 'rebootReasons', 'packagesBelowMinimum', 'guestsNeedingColdBoot', 'warnings'],
      additionalProperties: false,
      properties: {
        name: str,
        address: str,
        novaHost: str,
        availabilityZone: strOrNull,
        aggregate: strOrNull,
        status: { $ref: '#/$defs/hostStatus' },
        error: str,
        facts: { $ref: '#/$defs/facts' },
        before: { $ref: '#/$defs/facts' },
        timeline: { $ref: '#/$defs/timeline' },
        steps: { type: 'array', items: { $ref: '#/$defs/step' } },
        checks: { type: 'array', items: { $ref: '#/$defs/check' } },
        rebootReasons: { type: 'array', items: str },
        packagesBelowMinimum: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'installed', 'minimum'],
            additionalProperties: false,
            properties: { name: str, installed: strOrNull, minimum: str },
          },
        },
        guestsNeedingColdBoot: { type: 'array', items: { $ref: '#/$defs/guest' } },
        warnings: { type: 'array', items: str },
      },
    },
    summary: {
      type: 'object',
      required: ['hosts', 'ok', 'changed', 'wouldChange', 'drift', 'failed', 'refused', 'unknown', 'unreachable', 'deferred', 'skipped', 'guestsNeedingColdBoot'],
      additionalProperties: false,
      properties: {
        hosts: count,
        ok: count,
        changed: count,
        wouldChange: count,
        drift: count,
        failed: count,
        refused: count,
        unknown: count,
        unreachable: count,
        deferred: count,
        skipped: count,
        guestsNeedingColdBoot: count,
        stoppedBecause: str,
      },
    },
    migrations: {
      type: 'object',
      required: ['total', 'unconfirmed', 'perInstance', 'instances'],
      additionalProperties: false,
      properties: {
        total: count,
        unconfirmed: count,
        perInstance: { type: ['number', 'null'] },
        instances: {
          type: 'array',
          items: {
            type: 'object',
            required: ['serverId', 'name', 'projectId', 'migrations', 'fromHosts'],
            additionalProperties: false,
            properties: { serverId: str, name: strOrNull, projectId: strOrNull, migrations: count, fromHosts: { type: 'array', items: str } },
          },
        },
      },
    },
    trendPoint: {
      type: 'object',
      required: ['runId', 'at', 'hosts'],
      additionalProperties: false,
      properties: {
        runId: str,
        at: str,
        hosts: { type: 'object', additionalProperties: { $ref: '#/$defs/hostStatus' } },
      },
    },
  },
} as const;
