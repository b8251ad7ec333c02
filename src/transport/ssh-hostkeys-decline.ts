// Declines OpenSSH's host key update offer (`hostkeys-00@openssh.com`), as ssh does with UpdateHostKeys=no.
import type { Client } from 'ssh2';

type GlobalRequestHandler = (proto: unknown, name: string, wantReply: boolean, data: unknown) => void;

interface ClientInternals {
  _protocol?: { _handlers?: { GLOBAL_REQUEST?: GlobalRequestHandler }; requestFailure?: () => void };
}

export const HOSTKEYS_OFFER = 'hostkeys-00@openssh.com';

/**
 * sshd offers every host key it has right after authentication. ssh2 answers by asking the server to prove each one
 * (`hostkeys-prove-00`): the server signs with every key (RSA included) and the client verifies every signature, on
 * each connection, only to emit a 'hostkeys' event this tool never reads: host keys are learnt from known_hosts
 * alone, strictly. The offer is dropped here, before ssh2 sees it. Call right after `client.connect()`, which creates
 * the protocol object; returns false (and changes nothing) if ssh2's internals are not as expected.
 */
export function declineHostKeyOffers(client: Client): boolean {
  const proto = (client as unknown as ClientInternals)._protocol;
  const handlers = proto?._handlers;
  const next = handlers?.GLOBAL_REQUEST;
  if (handlers === undefined || typeof next !== 'function') return false;
  handlers.GLOBAL_REQUEST = (p, name, wantReply, data) => {
    if (name !== HOSTKEYS_OFFER) return next(p, name, wantReply, data);
    // OpenSSH sends the offer without asking for a reply; a server that asks is told no, as ssh2 does for any request it does not take.
    if (wantReply) proto?.requestFailure?.();
  };
  return true;
}
