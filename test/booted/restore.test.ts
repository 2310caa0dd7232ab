/**
 * Disaster recovery on a real, booted Debian trixie: install, /addpeer laptop, make a backup with the CLI
 * (as root, with the recovery code `backup-key` showed once), then lose everything the way a dead SD card
 * does (uninstall, purge, /etc/wireguard deleted, the interface gone), install the package again and run
 * `wg-chatops install --restore FILE`. A wrong code, a truncated and a tampered file are refused with
 * nothing changed; the right code brings the server back and the laptop's old, unchanged config pings
 * through the tunnel again. A second restore run changes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateX25519Identity } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { aptInstall, ask, bootedTestsEnabled, fileHashes, useTrixieLab, writeAnswers } from '../helpers/booted.js';
import { decodeQrPng } from '../helpers/qr.js';

const MIN = 60_000;
const SUBNET = '10.78.0.0/24';
const SERVER = '10.78.0.1';
/** Everything install and restore may write. */
const WATCHED = ['/etc/wireguard', '/etc/wg-chatops', '/var/lib/wg-chatops', '/etc/systemd/system', '/usr/local', '/etc/pivpn', '/etc/sysctl.d'];
const ENV_FILE = { WG_CHATOPS_ENV_FILE: '/etc/wg-chatops/.env' };

describe.runIf(bootedTestsEnabled())('restore a backup on a fresh install (booted Debian trixie)', () => {
  const { lab, start } = useTrixieLab(243, 238);

  it(
    'brings the server back so the old client config works unchanged, refusing a wrong code or a damaged file',
    async () => {
      const bootMs = await start();
      const { box, fake, lan } = lab;
      const deb = lab.debs[0]!;
      console.info(`booted restore: boot to running ${(bootMs / 1000).toFixed(1)} s`);
      expect((await aptInstall(box, deb)).code).toBe(0);
      await writeAnswers(box, fake, [`WG_ENDPOINT=${lan.serverIp}:51820`, `WG_SUBNET=${SUBNET}`]);
      let t0 = Date.now();
      const first = await box.exec(['wg-chatops', 'install', '--answers', '/root/answers.env']);
      console.info(`booted restore: first install took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(first.code, first.stdout + first.stderr).toBe(0);

      const photo = await ask(fake, '/addpeer laptop', (m) => m.kind === 'photo', 'the QR photo');
      const config = decodeQrPng((photo as { file: { data: Buffer } }).file.data)!;
      lan.bringUp(config, SUBNET);
      expect(await lan.ping(SERVER)).toBe(true);
      const serverKey = (await box.run(['wg', 'show', 'wg0', 'public-key'])).trim();

      // The recovery code is shown once (kept by the admin); the backup is made as root with the settings file.
      const keyOut = await box.run(['wg-chatops', 'backup-key'], { env: ENV_FILE });
      const code = /AGE-SECRET-KEY-1[0-9A-Z]+/.exec(keyOut)?.[0];
      expect(code, keyOut).toBeDefined();
      // The bot itself can make one now (/backup, to the admin's private chat), which the code opens.
      const sent = await ask(fake, '/backup', (m) => m.kind === 'document', 'the /backup file');
      expect(sent.file!.data.toString('utf8')).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
      const { Decrypter, armor } = await import('age-encryption');
      const opener = new Decrypter();
      opener.addIdentity(code!);
      expect(JSON.parse(new TextDecoder().decode(await opener.decrypt(armor.decode(sent.file!.data.toString('utf8'))))).interfaceName).toBe('wg0');
      // The one restored is the CLI's (as root): it also holds the settings, which the bot cannot read
      // (/etc/wg-chatops/.env is root's 0600), so the bot's own backups leave them out for now.
      const made = await box.run(['wg-chatops', 'backup', '/root/backup.age'], { env: ENV_FILE });
      expect(made).toContain('/root/backup.age');
      const backup = readFileSync(join(box.dir, 'root/backup.age'));

      // The SD card dies: everything of the bot and of WireGuard is gone, the interface too.
      expect((await box.exec(['wg-chatops', 'uninstall', '--yes'])).code).toBe(0);
      await box.run(['systemctl', 'disable', '--now', 'wg-quick@wg0']); // uninstall without --purge keeps the VPN up
      await box.run(['apt-get', 'purge', '-y', 'wg-chatops'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
      await box.run(['rm', '-rf', '/etc/wireguard', '/var/lib/wg-chatops', '/etc/wg-chatops']);
      expect((await box.exec(['ip', 'link', 'show', 'wg0'])).code).not.toBe(0);
      expect(await lan.ping(SERVER, 1)).toBe(false);

      // A fresh install of the package; the answers now hold only what the backup leaves out (the chat token).
      expect((await aptInstall(box, deb)).code).toBe(0);
      await writeAnswers(box, fake, []);
      const restore = (input: string, file = '/root/backup.age') =>
        box.exec(['wg-chatops', 'install', '--answers', '/root/answers.env', '--restore', file], { input });

      // Refused, each with nothing changed: a wrong code, a truncated file, a tampered file.
      const before = await fileHashes(box, WATCHED);
      const wrong = await restore(`${await generateX25519Identity()}\n`);
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/recovery code/i);
      writeFileSync(join(box.dir, 'root/truncated.age'), backup.subarray(0, Math.floor(backup.length / 2)));
      const truncated = await restore(`${code}\n`, '/root/truncated.age');
      expect(truncated.code).not.toBe(0);
      // One character changed in the encrypted payload (past the header, before the last line and the armor's end).
      const lines = backup.toString('utf8').split('\n');
      const line = lines.length - 5;
      lines[line] = `${lines[line]!.slice(0, 10)}${lines[line]![10] === 'A' ? 'B' : 'A'}${lines[line]!.slice(11)}`;
      writeFileSync(join(box.dir, 'root/tampered.age'), lines.join('\n'));
      const bad = await restore(`${code}\n`, '/root/tampered.age');
      expect(bad.code).not.toBe(0);
      console.info(`booted restore: refused: ${[wrong, truncated, bad].map((r) => r.stderr.trim().split('\n').at(-1)).join(' | ')}`);
      expect(await fileHashes(box, WATCHED)).toBe(before);
      expect((await box.exec(['ip', 'link', 'show', 'wg0'])).code).not.toBe(0);

      t0 = Date.now();
      const ok = await restore(`${code}\n`);
      console.info(`booted restore: install --restore took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect((await box.run(['wg', 'show', 'wg0', 'public-key'])).trim()).toBe(serverKey);
      // The settings came back from the backup (the answers did not give them).
      const env = await box.run(['cat', '/etc/wg-chatops/.env']);
      expect(env).toContain(`WG_ENDPOINT=${lan.serverIp}:51820`);
      expect(env).toContain(`WG_SUBNET=${SUBNET}`);
      // The laptop's client interface was never touched: its old config pings through the new server.
      let back = false;
      for (let i = 0; i < 10 && !back; i++) back = await lan.ping(SERVER);
      expect(back).toBe(true);
      const peers = await ask(fake, '/peers', (m) => m.text.includes('laptop'), '/peers after the restore');
      expect(peers.text).toContain('laptop');

      // Again with the same file: already restored, nothing changes (the bot's own changes since are kept).
      const hashes = await fileHashes(box, ['/etc/wireguard', '/var/lib/wg-chatops/backup-recipient.txt', '/etc/wg-chatops/.env']);
      const again = await restore(`${code}\n`);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(await fileHashes(box, ['/etc/wireguard', '/var/lib/wg-chatops/backup-recipient.txt', '/etc/wg-chatops/.env'])).toBe(hashes);
    },
    15 * MIN,
  );
});
