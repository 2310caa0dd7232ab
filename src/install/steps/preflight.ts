/** Refuses clearly where install cannot work: not root, another OS, an old Node, the port taken. */
import { UserError } from '../../core/errors.js';
import { probe } from '../probe.js';
import { emptyPlan, type InstallContext, type Step } from '../types.js';
import { MIN_NODE, nodeTooOld } from '../node-version.js';

export const SUPPORTED_CODENAMES = ['bookworm', 'trixie'];
export const SUPPORTED_ARCHES = ['arm64', 'armhf', 'amd64'];
export { MIN_NODE, nodeTooOld } from '../node-version.js';

/** Who already listens on UDP port (empty when free or when it is our own interface). */
async function portUser(ctx: InstallContext, port: number): Promise<string | undefined> {
  const ss = await probe(ctx.runner, 'ss', ['-H', '-u', '-l', '-n', '-p', `sport = :${port}`]);
  if (!ss || ss.exitCode !== 0 || ss.stdout.trim() === '') return undefined;
  const ours = await probe(ctx.runner, 'wg', ['show', ctx.answers.config.wireguard.WG_INTERFACE, 'listen-port']);
  if (ours?.exitCode === 0 && ours.stdout.trim() === String(port)) return undefined;
  return ss.stdout.trim().split('\n')[0];
}

export const preflight: Step = {
  id: 'preflight',
  title: 'install.step.preflight',
  async check(ctx) {
    const f = ctx.facts;
    if (!f.isRoot) throw new UserError('install.preflight.notRoot');
    const debianLike = f.osId === 'debian' || f.osId === 'raspbian' || f.osLike.includes('debian');
    if (!debianLike || !SUPPORTED_CODENAMES.includes(f.codename)) {
      throw new UserError('install.preflight.os', { os: f.prettyName, supported: SUPPORTED_CODENAMES.join(', ') });
    }
    if (!SUPPORTED_ARCHES.includes(f.arch)) throw new UserError('install.preflight.arch', { arch: f.arch, supported: SUPPORTED_ARCHES.join(', ') });
    if (nodeTooOld(f.nodeVersion)) throw new UserError('install.preflight.node', { version: f.nodeVersion, min: MIN_NODE.join('.') });
    const port = ctx.answers.config.wireguard.WG_PORT ?? 51820;
    const user = await portUser(ctx, port);
    if (user) throw new UserError('install.preflight.port', { port, user });
    return 'done';
  },
  plan: async () => emptyPlan(),
  apply: async () => {},
};
