// update-packages on Debian and Ubuntu: what apt would install (simulated, read-only) and the non-interactive install itself.
import { imagePackageRelease, parseDebUnameR, newestDeb, parseDebVersion } from '../deb/index.js';
import { KERNEL_ROLE } from '../facts/dpkg-query.js';
import type { HostFacts } from '../facts/types.js';
import { formatEvr } from '../rpm/index.js';
import { sh } from '../transport/shell-quote.js';
import { sleep } from '../util/sleep.js';
import { isAptLockError, isDpkgInterrupted, parseAptSimulation } from './apt-output.js';
import { CommandFailedError } from './errors.js';
import type { StepContext } from './types.js';

export interface AptOptions {
  timeout: number;
  /** How long a held dpkg/apt lock is waited for, retrying, before the host fails (0: fail at once). */
  lockWaitMs: number;
  /** Poll interval while the lock is held. */
  lockPollMs: number;
  /** Run `apt-get update` first, so the candidates are the archive's current ones (as yum check-update refreshes its metadata). */
  refreshLists: boolean;
}

// No prompt can wait for an answer: debconf answers its defaults, dpkg keeps a locally changed conffile and takes the
// package's default otherwise, and stdin is /dev/null (the sudo password, when there is one, came before it).
const NONINTERACTIVE = 'DEBIAN_FRONTEND=noninteractive; export DEBIAN_FRONTEND;';
const DPKG_OPTS = ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];

/** The apt-get names for the shortfalls: the kernel role is not a package, the metapackage the playbook lists brings it. */
export function aptNames(names: readonly string[]): string[] {
  return names.filter((n) => n !== KERNEL_ROLE);
}

type Ctx = StepContext<unknown>;

/** Runs an apt command, waiting out a held lock (bounded) and finishing an interrupted dpkg once, as apt asks. */
async function runApt(ctx: Ctx, what: string, command: string, opts: AptOptions): Promise<{ stdout: string; stderr: string }> {
  const deadline = Date.now() + opts.lockWaitMs;
  let configured = false;
  for (;;) {
    const res = await ctx.transport.exec(`${NONINTERACTIVE} ${command} </dev/null`, { become: true, signal: ctx.signal, timeoutMs: opts.timeout });
    if (res.code === 0) return res;
    const output = `${res.stdout}\n${res.stderr}`;
    if (isAptLockError(output)) {
      if (Date.now() >= deadline) {
        throw new CommandFailedError(`${what}: the dpkg/apt lock is held by another process (unattended-upgrades, another apt or dpkg) and was not released within ${Math.round(opts.lockWaitMs / 1000)} s; nothing was installed by this run: ${lastLines(res)}`);
      }
      ctx.log.info({ what }, 'dpkg/apt lock held by another process; waiting');
      await sleep(opts.lockPollMs, ctx.signal);
      continue;
    }
    if (isDpkgInterrupted(output) && !configured) {
      // An earlier install (this tool's, stopped mid-way, or anyone's) left packages unpacked but not configured.
      configured = true;
      ctx.log.warn({ what }, "dpkg was interrupted earlier: running 'dpkg --configure -a' as apt asks, then retrying");
      const fix = await ctx.transport.exec(`${NONINTERACTIVE} dpkg --force-confdef --force-confold --configure -a </dev/null`, { become: true, signal: ctx.signal, timeoutMs: opts.timeout });
      if (fix.code !== 0) throw new CommandFailedError(`dpkg --configure -a failed (exit ${fix.code}): ${lastLines(fix)}`);
      continue;
    }
    throw new CommandFailedError(`${what} failed (exit ${res.code}): ${lastLines(res)}`);
  }
}

function lastLines(res: { stdout: string; stderr: string }): string {
  return (res.stderr || res.stdout).trim().split('\n').slice(-3).join(' / ');
}

/**
 * What apt would install for these names (read-only: a simulation), as name -> version. The kernel role gets the
 * release of the newest kernel image of the running flavour the simulation would add, so the plan says from -> to for it.
 */
export async function aptOffered(ctx: Ctx, facts: HostFacts, names: readonly string[], opts: AptOptions): Promise<Map<string, string>> {
  if (opts.refreshLists) await runApt(ctx, 'apt-get update', 'apt-get -q update', opts);
  const pkgs = aptNames(names);
  const offered = new Map<string, string>();
  if (pkgs.length === 0) return offered;
  const res = await runApt(ctx, 'apt-get install --simulate', sh`apt-get -s -q install --only-upgrade --no-install-recommends ${pkgs}`, opts);
  const installs = parseAptSimulation(res.stdout);
  for (const i of installs) offered.set(i.name, i.to);
  const flavour = parseDebUnameR(facts.kernelRunning)?.flavour;
  const images = installs.flatMap((i) => {
    const k = imagePackageRelease(i.name);
    return k && k.flavour === flavour ? [parseDebVersion(k.release)] : [];
  });
  if (names.includes(KERNEL_ROLE) && images.length) offered.set(KERNEL_ROLE, formatEvr(newestDeb(images)));
  return offered;
}

/** The install: only upgrades of what is installed (new dependencies such as a kernel image come along), no recommends. */
export async function aptInstall(ctx: Ctx, names: readonly string[], opts: AptOptions): Promise<void> {
  const pkgs = aptNames(names);
  if (pkgs.length === 0) return;
  await runApt(ctx, 'apt-get install', sh`apt-get -y -q ${DPKG_OPTS} install --only-upgrade --no-install-recommends ${pkgs}`, opts);
}
