/**
 * Keeps PiVPN's own files in step with every peer change, so `pivpn -l`, `-c`, `-qr`, `-r`, `-off`
 * and `-on` keep working on the bot's peers (behaviour learnt from PiVPN's scripts/wireguard/*.sh):
 * - add (makeCONF.sh): keys/NAME_priv|_pub|_psk, configs/NAME.conf, a copy in $install_home/configs
 *   (0640, the install user's), a clients.txt line in the 32-bit integer form;
 * - revoke (removeCONF.sh): the clients.txt line, keys/NAME_*, configs/NAME.conf and every *.conf in
 *   $install_home (3 levels) with the same checksum are deleted;
 * - disable/enable (disableCONF.sh/enableCONF.sh): only wg0.conf changes, which the PeerService writes;
 *   keys and configs stay.
 */
import { createHash } from 'node:crypto';
import { chmod, chown, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PeerEntry } from '../../core/peer.js';
import type { PeerFileMirror } from '../../core/ports.js';
import type { Logger } from '../../log/logger.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import { formatClientLine, hostV4, removeClientLine, upsertClientLine } from './clients-txt.js';
import { readIfExists, type UserIds } from './fs-util.js';

export interface PivpnMirrorOptions {
  /** WG_CONFIG_DIR as seen by this process (e.g. /etc/wireguard). */
  configDir: string;
  /** $install_home as seen by this process; no home copies without it. */
  installHome?: string;
  /** Owner of the home copies; chown is skipped (the setgid group of configs/ applies) when not permitted. */
  installOwner?: UserIds;
  logger?: Logger;
}

const HOME_SEARCH_DEPTH = 3;

export class PivpnMirror implements PeerFileMirror {
  constructor(private readonly options: PivpnMirrorOptions) {}

  private get keysDir(): string {
    return join(this.options.configDir, 'keys');
  }
  private get configsDir(): string {
    return join(this.options.configDir, 'configs');
  }
  private get clientsTxt(): string {
    return join(this.configsDir, 'clients.txt');
  }

  async added(peer: PeerEntry, client: { privateKey?: string; config?: string; createdAt: Date }): Promise<void> {
    const v4 = hostV4(peer.allowedIps);
    if (v4 === undefined) throw new Error(`peer ${peer.name} has no IPv4 host address: PiVPN's clients.txt needs one`);
    if (client.privateKey) await this.write(join(this.keysDir, `${peer.name}_priv`), `${client.privateKey}\n`);
    await this.write(join(this.keysDir, `${peer.name}_pub`), `${peer.publicKey}\n`);
    if (peer.presharedKey) await this.write(join(this.keysDir, `${peer.name}_psk`), `${peer.presharedKey}\n`);
    if (client.config) {
      await this.write(join(this.configsDir, `${peer.name}.conf`), client.config);
      await this.copyToHome(peer.name, client.config);
    }
    const text = (await readIfExists(this.clientsTxt)) ?? '';
    await this.write(this.clientsTxt, upsertClientLine(text, peer.name, formatClientLine(peer.name, peer.publicKey, client.createdAt, v4)));
  }

  async removed(peer: PeerEntry): Promise<void> {
    const configPath = join(this.configsDir, `${peer.name}.conf`);
    const config = await readIfExists(configPath);
    const text = await readIfExists(this.clientsTxt);
    if (text !== undefined) {
      const next = removeClientLine(text, peer.name);
      if (next !== text) await this.write(this.clientsTxt, next);
    }
    await rm(configPath, { force: true });
    for (const suffix of ['priv', 'pub', 'psk']) await rm(join(this.keysDir, `${peer.name}_${suffix}`), { force: true });
    if (config !== undefined && this.options.installHome) await this.removeHomeCopies(sha256(config));
  }

  /** PiVPN's -off/-on only prefix the wg0.conf block (done by the PeerService); the files stay. */
  async enabledChanged(_peer: PeerEntry): Promise<void> {}

  private async write(path: string, data: string, mode = 0o600): Promise<void> {
    await writeFileAtomic(path, data, mode);
  }

  private async copyToHome(name: string, config: string): Promise<void> {
    const home = this.options.installHome;
    if (!home) return;
    const dir = join(home, 'configs');
    try {
      await mkdir(dir, { recursive: false, mode: 0o750 }).then(
        // The bot runs under umask 077, which narrows mkdir's and open's mode: set it as PiVPN does.
        async () => {
          await this.chownQuietly(dir);
          await chmod(dir, 0o750);
        },
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        },
      );
      const path = join(dir, `${name}.conf`);
      await writeFileAtomic(path, config, 0o640);
      // makeCONF.sh: chown install_user, chmod 640. Owner first, then the mode (chown may clear bits).
      await this.chownQuietly(path);
      await chmod(path, 0o640);
    } catch (error) {
      // The copy is a convenience for scp; the peer itself is fine without it.
      this.options.logger?.warn(`pivpn: could not copy ${name}.conf to ${dir}`, { error });
    }
  }

  private async chownQuietly(path: string): Promise<void> {
    const owner = this.options.installOwner;
    if (!owner) return;
    try {
      await chown(path, owner.uid, owner.gid);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    }
  }

  private async removeHomeCopies(digest: string): Promise<void> {
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && depth < HOME_SEARCH_DEPTH) await walk(path, depth + 1);
        else if (entry.isFile() && entry.name.endsWith('.conf')) {
          const text = await readIfExists(path).catch(() => undefined);
          if (text !== undefined && sha256(text) === digest) await rm(path, { force: true });
        }
      }
    };
    await walk(this.options.installHome!, 1);
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
