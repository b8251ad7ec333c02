// One boot of one fake host: `unshare` around docker/compute-host/init.sh, whose PID 1 becomes sshd; killing PID 1 ends the boot.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabHostError } from './errors.js';
import type { HostLayout } from './layout.js';
import type { FakeHostSpec } from './spec.js';

export interface HostProcessOptions {
  spec: FakeHostSpec;
  layout: HostLayout;
  /** docker/compute-host/bin: bind-mounted over /usr/local/bin inside the host. */
  toolsDir: string;
  initScript: string;
  sshdConfig: string;
  /** Public key file copied to root's and stack's authorized_keys; null = the host refuses the lab key. */
  authorizedKeys: string | null;
  bootTimeoutMs: number;
}

export interface HostExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const TAIL = 20;

export class HostProcess {
  /** PID of `unshare` (outside the namespace); the namespace's PID 1 is its only child. */
  readonly pid: number;
  readonly exited: Promise<HostExit>;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private running = true;

  private constructor(child: ChildProcess) {
    this.child = child;
    this.pid = child.pid ?? -1;
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        this.running = false;
        resolve({ code, signal });
      };
      child.once('exit', done);
      // A spawn that fails (no setpriv) emits only 'error'.
      child.once('error', () => done(null, null));
    });
  }

  get alive(): boolean {
    return this.running;
  }

  /** The last lines sshd and init.sh wrote to stderr, for error messages. */
  stderrTail(): string[] {
    return [...this.tail];
  }

  /** Starts the host and resolves once its sshd listens; rejects (leaving nothing running) when it cannot. */
  static async boot(o: HostProcessOptions): Promise<HostProcess> {
    const listen = `${o.spec.listenAddress ?? o.spec.address}:${o.spec.port}`;
    // setpriv --pdeathsig: should this Node process die, unshare dies too, and --kill-child takes PID 1 with it.
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--',
      'unshare', '--mount', '--uts', '--pid', '--fork', '--mount-proc', '--kill-child', '--propagation', 'private',
      '/bin/sh', o.initScript], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
        FAKEHOST_DIR: o.layout.dir,
        FAKEHOST_TOOLS: o.toolsDir,
        FAKEHOST_SSHD_CONFIG: o.sshdConfig,
        FAKEHOST_LISTEN: listen,
        FAKEHOST_AUTHORIZED_KEYS: o.authorizedKeys ?? '',
      },
    });
    const host = new HostProcess(child);
    const listening = new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          host.tail.push(line);
          if (host.tail.length > TAIL) host.tail.shift();
          if (line.startsWith('Server listening on ')) resolve();
        }
      });
      child.once('error', reject);
      void host.exited.then((e) => reject(new LabHostError('E_LAB_BOOT',
        `host ${o.spec.name} exited while booting (${e.signal ?? `exit ${e.code}`}): ${host.tail.slice(-5).join(' | ')}`,
        { host: o.spec.name })));
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LabHostError('E_LAB_BOOT',
        `host ${o.spec.name}: sshd did not listen on ${listen} within ${o.bootTimeoutMs} ms: ${host.tail.slice(-5).join(' | ')}`,
        { host: o.spec.name })), o.bootTimeoutMs);
    });
    try {
      await Promise.race([listening, timeout]);
      return host;
    } catch (err) {
      await host.kill();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The namespace's PID 1 as seen from outside, or null when it is not (or no longer) there. */
  namespacePid1(): number | null {
    try {
      const first = readFileSync(`/proc/${this.pid}/task/${this.pid}/children`, 'utf8').trim().split(/\s+/)[0];
      return first ? Number(first) : null;
    } catch {
      return null;
    }
  }

  /**
   * SIGKILLs the namespace's PID 1: the kernel then kills every process of the host and unshare exits once they are
   * all gone, so when this resolves no process of the host is left and its mounts went with its namespace.
   */
  async kill(): Promise<void> {
    if (!this.running) return;
    let pid1 = this.namespacePid1();
    // Just after spawn, unshare may not have forked yet.
    for (let i = 0; pid1 === null && this.running && i < 50; i++) {
      await sleep(20);
      pid1 = this.namespacePid1();
    }
    try {
      process.kill(pid1 ?? this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await this.exited;
  }
}
