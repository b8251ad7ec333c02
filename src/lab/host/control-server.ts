// The supervisor's ear: a loopback TCP port where a host's reboot/poweroff tool says "ACTION NAME TOKEN" and hears "ok".
import net from 'node:net';

export type PowerAction = 'reboot' | 'poweroff';

/** Returns whether the request is accepted; the action itself runs after the reply, so the tool can exit first. */
export type PowerRequestHandler = (host: string, action: PowerAction, token: string) => boolean;

export interface ControlServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

export async function startControlServer(onRequest: PowerRequestHandler, address = '127.0.0.1'): Promise<ControlServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.setTimeout(10_000, () => sock.destroy());
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > 512) { sock.destroy(); return; }
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const [action, host, token] = buf.slice(0, nl).trim().split(/\s+/);
      const ok = (action === 'reboot' || action === 'poweroff') && host !== undefined && token !== undefined
        && onRequest(host, action, token);
      sock.end(ok ? 'ok\n' : 'denied\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    address,
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
