import { describe, expect, it } from 'vitest';
import { Interpolator } from '../../../src/playbook/interpolate.js';

describe('Interpolator', () => {
  it('resolves chains of vars and dotted keys', () => {
    const i = new Interpolator({ site: 'dc1', host: '{{ site }}-c01', cfg: { port: 22, path: '/{{ site }}' } });
    i.resolveAll();
    expect(i.render({ a: '{{ host }}', b: 'ssh://{{ host }}:{{ cfg.port }}', c: '{{ cfg }}' }, ['x'])).toEqual({
      ok: true,
      value: { a: 'dc1-c01', b: 'ssh://dc1-c01:22', c: { port: 22, path: '/dc1' } },
    });
    expect(i.problems).toEqual([]);
  });

  it('reports a self-reference as a cycle at that var', () => {
    const i = new Interpolator({ a: 'x{{ a }}' });
    i.resolveAll();
    expect(i.problems).toEqual([{ path: ['vars', 'a'], problem: 'cycle in vars: a -> a' }]);
  });

  it('reports a missing key and leaves strings without templates alone', () => {
    const i = new Interpolator({ cfg: { port: 22 } });
    expect(i.render('{{ cfg.host }}', ['steps', 0, 'drain', 'h'])).toEqual({ ok: false });
    expect(i.problems[0]).toEqual({ path: ['steps', 0, 'drain', 'h'], problem: '"{{ cfg.host }}": cfg has no key "host"' });
    expect(i.render('plain {text}', ['p'])).toEqual({ ok: true, value: 'plain {text}' });
  });
});
