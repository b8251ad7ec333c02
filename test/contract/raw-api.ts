// Plain HTTP to the real Nova and Placement, independent of the client under test: seeding, and the truth to compare with.
export interface RawAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever JSON the real service sent
}

export async function raw(url: string, token: string, method: string, opts: { version?: string; body?: unknown; service?: 'compute' | 'placement' } = {}): Promise<RawAnswer> {
  const service = opts.service ?? 'compute';
  const res = await fetch(url, {
    method,
    headers: {
      'X-Auth-Token': token,
      Accept: 'application/json',
      ...(opts.version === undefined ? {} : { 'OpenStack-API-Version': `${service} ${opts.version}` }),
      ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // keep the text: an error page is still worth showing in a failed assertion
  }
  return { status: res.status, body };
}

/** Polls until `probe` returns a value other than undefined; fails naming what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
