// Records when the rollout's work happened, from the engine's event times: batches, and per host its steps' spans.
import type { EngineEvent } from '../engine/events.js';
import { isRebootChange, type Change } from '../steps/changes.js';
import type { BatchSpan, HostTimeline } from './model.js';
import { replaceLast } from './replace-last.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A change that moved an instance off the host: one live migration on the timeline. */
const isMigration = (c: Change): boolean => c.kind === 'migrate-instance' || c.kind === 'await-migration';

export class TimelineRecorder {
  private readonly batches: BatchSpan[] = [];
  private readonly hosts = new Map<string, HostTimeline>();
  /** host → step → start time of the step in flight */
  private readonly open = new Map<string, Map<string, number>>();

  onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'batch-start':
        this.batches.push({ index: e.index + 1, start: iso(e.time), end: null, hosts: e.hosts.length });
        return;
      case 'batch-end': {
        const b = this.batches.find((x) => x.index === e.index + 1);
        if (b) b.end = iso(e.time);
        return;
      }
      case 'host-start':
        this.hosts.set(e.host, { batch: e.batch + 1, start: iso(e.time), end: null, steps: [] });
        return;
      case 'step-start': {
        let perHost = this.open.get(e.host);
        if (!perHost) this.open.set(e.host, (perHost = new Map()));
        perHost.set(e.step, e.time);
        return;
      }
      case 'step-end': {
        const h = this.hosts.get(e.host);
        if (!h) return;
        // A step a resumed run found done has no start event: its span is its own duration, ending now.
        const start = this.open.get(e.host)?.get(e.step) ?? e.time - e.durationMs;
        this.open.get(e.host)?.delete(e.step);
        const changes = e.diff?.changes ?? [];
        const span: HostTimeline['steps'][number] = { id: e.step, status: e.status === 'aborted' ? 'failed' : e.status, start: iso(start), end: iso(e.time) };
        const migrations = changes.filter(isMigration).length;
        if (migrations) span.migrations = migrations;
        if (changes.some(isRebootChange) && e.status === 'changed') span.reboot = true;
        replaceLast(h.steps, span);
        return;
      }
      case 'host-end': {
        const h = this.hosts.get(e.host);
        if (h) h.end = iso(e.time);
        return;
      }
      default:
    }
  }

  host(name: string): HostTimeline | undefined {
    return this.hosts.get(name);
  }

  batchSpans(): BatchSpan[] {
    return this.batches;
  }
}
