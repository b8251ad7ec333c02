// The event bus: typed listeners and onAny in subscription order, nothing built for a type nobody takes.
import { describe, expect, it } from 'vitest';
import { EngineEvents, type EngineEvent } from '../../../src/engine/events.js';

describe('EngineEvents', () => {
  it('calls listeners in subscription order, each with the types it takes', () => {
    const ev = new EngineEvents();
    const seen: string[] = [];
    ev.on('host-start', (e) => seen.push(`on:${e.host}`));
    ev.onAny((e) => seen.push(`any:${e.type}`));
    ev.onTypes(['host-start', 'warning'], (e) => seen.push(`types:${e.type}`));
    ev.emit({ type: 'host-start', host: 'h1', batch: 0 });
    ev.emit({ type: 'warning', message: 'w' });
    ev.emit({ type: 'run-start', runId: 'r', mode: 'plan', hosts: 1, batchSizes: [1], forks: 1, steps: [] });
    expect(seen).toEqual(['on:h1', 'any:host-start', 'types:host-start', 'any:warning', 'types:warning', 'any:run-start']);
  });

  it('wants a type only while someone takes it, and stamps the time on what it delivers', () => {
    const ev = new EngineEvents();
    expect(ev.wants('step-progress')).toBe(false);
    const got: EngineEvent[] = [];
    const off = ev.onTypes(['step-end'], (e) => got.push(e));
    expect(ev.wants('step-end')).toBe(true);
    expect(ev.wants('step-progress')).toBe(false);
    ev.emit({ type: 'step-progress', host: 'h', step: 's', phase: 'x' } as never);
    ev.emit({ type: 'step-end', host: 'h', step: 's', status: 'ok', durationMs: 1 });
    expect(got.map((e) => e.type)).toEqual(['step-end']);
    expect(typeof got[0]!.time).toBe('number');
    off();
    off();
    expect(ev.wants('step-end')).toBe(false);
    const offAny = ev.onAny(() => {});
    expect(ev.wants('step-progress')).toBe(true);
    offAny();
    expect(ev.wants('step-progress')).toBe(false);
  });

  it('hands a listener error to onListenerError and still calls the others', () => {
    const ev = new EngineEvents();
    const later: string[] = [];
    ev.onAny(() => { throw new Error('boom'); });
    ev.on('warning', (e) => later.push(e.message));
    ev.emit({ type: 'warning', message: 'still heard' });
    expect(later).toEqual(['still heard']);
    expect(ev.listenerErrors).toHaveLength(1);
  });
});
