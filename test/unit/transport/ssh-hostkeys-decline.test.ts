// The host key update offer (hostkeys-00@openssh.com) is dropped before ssh2 asks the server to prove every key.
import { createServer, type AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import { describe, expect, it, vi } from 'vitest';
import { declineHostKeyOffers, HOSTKEYS_OFFER } from '../../../src/transport/ssh-hostkeys-decline.js';

function fakeClient() {
  const next = vi.fn();
  const requestFailure = vi.fn();
  const client = { _protocol: { _handlers: { GLOBAL_REQUEST: next }, requestFailure } };
  return { client: client as unknown as ssh2.Client, next, requestFailure, handlers: client._protocol._handlers };
}

describe('declining host key offers', () => {
  it('drops the offer, without a reply unless one is asked for, and passes every other global request to ssh2', () => {
    const f = fakeClient();
    expect(declineHostKeyOffers(f.client)).toBe(true);
    f.handlers.GLOBAL_REQUEST({}, HOSTKEYS_OFFER, false, [Buffer.from('key')]);
    expect(f.next).not.toHaveBeenCalled();
    expect(f.requestFailure).not.toHaveBeenCalled();
    f.handlers.GLOBAL_REQUEST({}, HOSTKEYS_OFFER, true, []);
    expect(f.requestFailure).toHaveBeenCalledTimes(1);
    f.handlers.GLOBAL_REQUEST({}, 'keepalive@openssh.com', true, null);
    expect(f.next).toHaveBeenCalledWith({}, 'keepalive@openssh.com', true, null);
  });

  it('changes nothing when ssh2 has no protocol object (connect() not called yet)', () => {
    expect(declineHostKeyOffers({} as ssh2.Client)).toBe(false);
  });

  it("finds ssh2's handler where it expects it, right after connect() (a newer ssh2 that moved it fails here)", async () => {
    // A listener that closes every connection: connect() must only have built its protocol object.
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const client = new ssh2.Client();
      client.on('error', () => undefined);
      const closed = new Promise((r) => client.on('close', r));
      client.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, username: 'x', readyTimeout: 2000 });
      expect(declineHostKeyOffers(client)).toBe(true);
      client.end();
      await closed;
    } finally {
      server.close();
    }
  });
});
