/**
 * An upgrade the Debian way on a real, booted Debian trixie: v1 of the package installed and configured,
 * a peer added, a client pinging continuously through the tunnel; then `apt-get install ./wg-chatops_<v2>_all.deb`.
 * Peers and settings are kept, the bot is restarted (a new invocation) and answers, and wg-quick is not
 * touched (same invocation, same wireguard-go process): the WireGuard session survives, so the ping loses
 * (almost) nothing. The loss is printed; the tolerance is generous (a busy machine drops the odd packet).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { aptInstall, ask, bootedTestsEnabled, useTrixieLab, writeAnswers } from '../helpers/booted.js';
import { decodeQrPng } from '../helpers/qr.js';

const MIN = 60_000;
const SUBNET = '10.79.0.0/24';
const SERVER = '10.79.0.1';
const V1 = '0.1.0+up1';
const V2 = '0.1.0+up2';

describe.runIf(bootedTestsEnabled())('upgrade the package with the tunnel up (booted Debian trixie)', () => {
  const { lab, start } = useTrixieLab(242, 237, [V1, V2]);

  it(
    'keeps peers, settings and the running tunnel; restarts only the bot',
    async () => {
      const bootMs = await start();
      const { box, fake, lan } = lab;
      const [v1, v2] = lab.debs as [string, string];
      console.info(`booted upgrade: boot to running ${(bootMs / 1000).toFixed(1)} s`);
      expect((await aptInstall(box, v1)).code).toBe(0);
      await writeAnswers(box, fake, [`WG_ENDPOINT=${lan.serverIp}:51820`, `WG_SUBNET=${SUBNET}`]);
      const install = await box.exec(['wg-chatops', 'install', '--answers', '/root/answers.env']);
      expect(install.code, install.stdout + install.stderr).toBe(0);
      const photo = await ask(fake, '/addpeer laptop', (m) => m.kind === 'photo', 'the QR photo');
      lan.bringUp(decodeQrPng(photo.file!.data)!, SUBNET);
      expect(await lan.ping(SERVER)).toBe(true);

      const show = async (unit: string) =>
        Object.fromEntries(
          (await box.run(['systemctl', 'show', '-p', 'InvocationID,ActiveState,NRestarts', unit]))
            .trim()
            .split('\n')
            .map((l) => l.split('=', 2)),
        );
      const kept = async () => ({
        files: await box.run(['sha256sum', '/etc/wireguard/wg0.conf', '/etc/wg-chatops/.env']),
        peers: await box.run(['wg', 'show', 'wg0', 'allowed-ips']),
        // The database's peers (name, key, owner, creation), users and schema version.
        db: await box.run([
          'node',
          '-e',
          "const d=JSON.parse(require('fs').readFileSync('/var/lib/wg-chatops/db.json','utf8'));console.log(d.version, JSON.stringify(Object.values(d.peers).map((p)=>[p.name,p.publicKey,p.owner,p.createdAt])), JSON.stringify(d.users))",
        ]),
        wgGo: (await box.run(['pgrep', '-x', 'wireguard-go'])).trim(),
        wgQuick: (await show('wg-quick@wg0')).InvocationID,
      });
      const before = await kept();
      const botBefore = await show('wg-chatops');

      // A continuous ping through the tunnel for the whole upgrade.
      const pinger = spawn('ip', ['netns', 'exec', lan.ns, 'ping', '-i', '0.2', '-W', '1', SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
      let pingOut = '';
      pinger.stdout.on('data', (d) => (pingOut += d));
      await new Promise((r) => setTimeout(r, 2000));
      const t0 = Date.now();
      const upgrade = await aptInstall(box, v2);
      console.info(`booted upgrade: apt-get install v2 took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(upgrade.code, upgrade.stdout + upgrade.stderr).toBe(0);
      expect((await box.run(['dpkg-query', '-W', '-f', '${Version}', 'wg-chatops'])).trim()).toBe(V2);

      // The bot came back as a new process and answers; wg-quick and wireguard-go are the same as before.
      let botAfter = await show('wg-chatops');
      for (let i = 0; i < 60 && (botAfter.ActiveState !== 'active' || botAfter.InvocationID === botBefore.InvocationID); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        botAfter = await show('wg-chatops');
      }
      expect(botAfter.ActiveState).toBe('active');
      expect(botAfter.InvocationID).not.toBe(botBefore.InvocationID);
      const peers = await ask(fake, '/peers', (m) => m.text.includes('laptop'), '/peers after the upgrade');
      expect(peers.text).toContain('laptop');
      await new Promise((r) => setTimeout(r, 2000));
      const exited = new Promise((r) => pinger.once('close', r));
      pinger.kill('SIGINT');
      await exited;

      const after = await kept();
      expect(after).toEqual(before);
      const m = /(\d+) packets transmitted, (\d+) received/.exec(pingOut);
      expect(m, pingOut.slice(-300)).not.toBeNull();
      const sent = Number(m![1]);
      const lost = sent - Number(m![2]);
      console.info(
        `booted upgrade: ping during the upgrade: ${sent} sent, ${lost} lost (${((100 * lost) / sent).toFixed(1)} %); wireguard-go pid ${after.wgGo} unchanged`,
      );
      expect(sent).toBeGreaterThan(10);
      expect(lost).toBeLessThanOrEqual(Math.max(3, Math.ceil(sent * 0.05)));
      const doctor = await box.exec(['wg-chatops', 'doctor']);
      expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    },
    15 * MIN,
  );
});
