/**
 * With a chat token set the bot runs the real VPN or nothing: when the server config cannot be used it
 * stops with the reason (exit 78, EX_CONFIG) instead of falling back to the offline trial.
 */
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { botEnv, runBin, runConsole } from '../helpers/cli.js';

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi';
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const runAs = (uid: number | undefined, env: NodeJS.ProcessEnv, cwd: string) => runBin([], env, '', { cwd, ...(uid === undefined ? {} : { uid }) });

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wgc-notrial-'));
  dirs.push(dir);
  await chown(dir, NOBODY, NOBODY).catch(() => undefined);
  return dir;
}

describe('no silent trial mode', () => {
  it.skipIf(!isRoot)('stops with "… is not readable by this user" when a token is set and the config dir is not readable', async () => {
    const dir = await scratch();
    const wgDir = join(dir, 'wireguard');
    await mkdir(wgDir, { mode: 0o700 }); // root's, as /etc/wireguard is
    const env = botEnv({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_URL: 'http://127.0.0.1:9',
      WG_CONFIG_DIR: wgDir,
      DATA_DIR: join(dir, 'data'),
      WG_CHATOPS_ENV_FILE: join(dir, 'absent.env'),
    });
    const r = await runAs(NOBODY, env, dir);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`${wgDir} is not readable by this user (nobody)`);
    expect(r.stderr).not.toContain('offline trial mode with');
    expect(existsSync(join(dir, 'data', 'trial'))).toBe(false);
  });

  it.skipIf(existsSync('/etc/wireguard/wg0.conf'))(
    'with a token and no WG_CONFIG_DIR, a missing /etc/wireguard/wg0.conf stops the bot; without a token it is the trial',
    async () => {
      const dir = await scratch();
      const dataDir = join(dir, 'data');
      const withToken = await runAs(undefined, botEnv({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_URL: 'http://127.0.0.1:9', DATA_DIR: dataDir }), dir);
      expect(withToken.code).toBe(78);
      expect(withToken.stderr).toMatch(/\/etc\/wireguard(\/wg0\.conf)? (does not exist|is not readable)/);
      expect(withToken.stderr).toContain('rather than run an offline trial');
      expect(existsSync(join(dataDir, 'trial'))).toBe(false);

      // The same machine without a chat token: the console trial, said out loud.
      const trial = await runConsole(botEnv({ DATA_DIR: dataDir }), ['/help']);
      expect(trial.code).toBe(0);
      expect(trial.stderr + trial.stdout).toMatch(/offline trial mode with .*trial\/wg0\.conf/);
    },
  );
});
