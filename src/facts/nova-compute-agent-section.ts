// The gather's nova-compute-agent section: the layout's agent asked whether it runs (is-active, or the engine's inspect), and its parser.
import { parseAgentState, type NovaComputeAgent } from '../layout/nova-compute-agent.js';
import { formatNovaComputeRestart, parseNovaComputeRestart } from '../layout/overrides.js';
import { DENIED_RC, LAYOUT_UNKNOWN_RC } from './evidence.js';
import type { Section } from './sections.js';
import type { GatheredAgentState } from './types.js';

export const AGENT_SECTION = 'nova-compute-agent';

/** Lines of stderr kept: enough for a diagnostic, bounded against a tool that floods it. */
const MAX_ERR_LINES = 20;

/**
 * sh for the section body; runs after the layout was decided (reads $_mo_nr, `systemd:<unit>` or `<engine>:<container>`,
 * and $_mo_t). The same commands as isActiveCommand(): `systemctl is-active <unit>` answers any user; an engine's
 * inspect answers only root (docker's socket refuses a user, a user's podman sees its own, empty, storage), so a
 * non-root gather says it is not root and asks nothing. Prints `agent\t<$_mo_nr>`, then `rc\t<status>` and the
 * command's stdout and stderr lines tagged `out\t` and `err\t`, kept apart so a diagnostic is never read as the state.
 */
export function novaComputeAgentSection(): string {
  return [
    `printf 'agent\\t%s\\n' "$_mo_nr"`,
    'case $_mo_nr in',
    '  systemd:?*) command -v systemctl >/dev/null 2>&1 || exit 127; set -- systemctl is-active "${_mo_nr#systemd:}" ;;',
    '  docker:?*|podman:?*) command -v "${_mo_nr%%:*}" >/dev/null 2>&1 || exit 127',
    `    _mo_u=$(id -u); [ "$_mo_u" = 0 ] || { printf 'not-root\\t%s\\n' "$_mo_u"; exit ${DENIED_RC}; }`,
    `    set -- "\${_mo_nr%%:*}" inspect --format '{{.State.Status}}' "\${_mo_nr#*:}" ;;`,
    '  *) exit 2 ;;',
    'esac',
    // fd 4 is the section's stdout; inside, the command's stderr goes (fd 3) to _mo_e, its stdout to _mo_o.
    `{ _mo_e=$( { _mo_o=$($_mo_t "$@" 2>&3); _mo_r=$?; printf 'rc\\t%s\\n' "$_mo_r" >&4; printf '%s\\n' "$_mo_o" | awk 'NF { print "out\\t" $0 }' >&4; } 3>&1 ); } 4>&1`,
    `printf '%s\\n' "$_mo_e" | awk 'NF && ++n <= ${MAX_ERR_LINES} { print "err\\t" $0 }'`,
  ].join('\n');
}

const unknown = (agent: NovaComputeAgent | null, detail: string): GatheredAgentState => ({ agent, state: 'unknown', detail });

/**
 * The section to the agent's state, by parseAgentState's rules (the live exec's), so both paths judge the same words the
 * same way. Anything that is not a complete answer (no section, cut short, layout unknown, not root for an engine, tool
 * missing, timeout) is unknown, never active or inactive.
 */
export function parseAgentSection(s: Section | undefined): GatheredAgentState {
  if (!s) return unknown(null, 'the gather printed no nova-compute-agent section');
  if (s.rc === LAYOUT_UNKNOWN_RC) return unknown(null, 'the deployment layout is unknown');
  const tagged = (key: string) => s.body.split('\n').filter((l) => l.startsWith(`${key}\t`)).map((l) => l.slice(key.length + 1).replace(/\r$/, ''));
  const named = tagged('agent')[0];
  const parsed = named === undefined ? null : parseNovaComputeRestart(named);
  const agent = parsed?.ok ? parsed.value : null;
  if (s.rc === null) return unknown(agent, 'output cut short');
  if (agent === null) return unknown(null, `the gather named no agent it asked${named ? ` ("${named}")` : ''}`);
  const asked = agent.kind === 'unit' ? 'systemctl is-active' : `${agent.engine} inspect`;
  if (s.rc === DENIED_RC) return unknown(agent, `${asked} needs root; the gather ran as uid ${tagged('not-root')[0] ?? '?'}`);
  if (s.rc === 127) return unknown(agent, `${agent.kind === 'unit' ? 'systemctl' : agent.engine}: command not found`);
  if (s.rc !== 0) return unknown(agent, `${asked} ${formatNovaComputeRestart(agent)}: the section ended with exit status ${s.rc}`);
  const rc = tagged('rc')[0];
  if (rc === undefined || !/^\d+$/.test(rc)) return unknown(agent, `${asked}: no exit status (output cut short?)`);
  // timeout(1)'s status: whatever was printed before the kill is no answer.
  if (rc === '124') return unknown(agent, `${asked}: timed out`);
  return { agent, ...parseAgentState(agent, { code: Number(rc), stdout: tagged('out').join('\n'), stderr: tagged('err').join('\n') }) };
}
