// ProxyCommand: run the command through the shell, as ssh does, and hand its stdin/stdout to ssh2 as the connection.
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';

/** The proxy's stdout is what the server sends, its stdin what we send; the child dies with the stream. */
export function spawnProxyCommand(command: string): { sock: Duplex; stderr: () => string } {
  // ssh runs `$SHELL -c "exec <command>"`; /bin/sh when SHELL is unset.
  const child = spawn(process.env['SHELL'] || '/bin/sh', ['-c', `exec ${command}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err = (err + d.toString('utf8')).slice(-2000); // kept for the error message only
  });
  const sock = Duplex.from({ readable: child.stdout, writable: child.stdin });
  child.on('error', (e) => sock.destroy(e));
  sock.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  return { sock, stderr: () => err.trim() };
}
