/**
 * Differences made by hand (an editor, `pivpn -a/-r/-off`, `wg set`): found by comparing the database,
 * the config file and the live interface, reported, and adopted as the new truth, never undone.
 */
import type { BotData } from './database.js';
import { ADMINS_OWNER, type InterfaceLiveState, type PeerEntry, type PeerMeta } from './peer.js';
import { withoutDisabled, withoutEnd } from './peer-change.js';
import type { LiveInterface } from './ports.js';
import { listPeers, unmanagedPeers, type ServerConfigDoc } from './server-config.js';
import { livePeer } from './change-applier.js';

export interface HandEdits {
  /** Operator-facing findings (the log, doctor, the admins). */
  findings: string[];
  /** One database edit adopting them all (undefined: nothing differs). */
  edit?: (d: BotData) => void;
  /** Keys whose block was removed by hand: revoked, so they leave the live interface too. */
  revokedKeys: string[];
}

/**
 * The file is the truth for which peers exist and whether they are enabled; the database follows:
 * a block removed by hand = revoked, `#[disabled] ` added or removed = disabled or enabled, a block added
 * = adopted (owned by the admins). A peer enabled by hand whose end had passed loses that end (else it
 * would be switched off again at once, behind the back of whoever enabled it). Pure.
 */
export function findHandEdits(data: BotData, file: ReadonlyMap<string, PeerEntry>, path: string, now: Date, justApplied?: string): HandEdits {
  const findings: string[] = [];
  const edits: ((d: BotData) => void)[] = [];
  const revokedKeys: string[] = [];
  for (const name of Object.keys(data.peers)) {
    const meta = data.peers[name]!;
    const entry = file.get(name);
    if (entry && entry.publicKey === meta.publicKey) {
      if (entry.enabled === !meta.disabled) continue;
      let next: PeerMeta = withoutDisabled(meta);
      if (!entry.enabled) next = { ...next, disabled: true };
      let note = '';
      if (entry.enabled && meta.expiresAt && Date.parse(meta.expiresAt) <= now.getTime()) {
        next = withoutEnd(next);
        note = ' (its end had passed: the end is cleared)';
      }
      findings.push(`peer "${name}" was ${entry.enabled ? 'enabled' : 'disabled'} by hand in ${path}: kept${note}`);
      edits.push((d) => (d.peers[name] = next));
      continue;
    }
    if (entry) continue; // another key under this name: the block below is adopted in its place
    findings.push(`peer "${name}" (${meta.publicKey.slice(0, 8)}…) was removed from ${path} by hand: treated as revoked`);
    revokedKeys.push(meta.publicKey);
    edits.push((d) => delete d.peers[name]);
  }
  for (const entry of file.values()) {
    const meta = data.peers[entry.name];
    if (meta && meta.publicKey === entry.publicKey) continue;
    if (entry.name === justApplied) continue;
    findings.push(`peer "${entry.name}" (${entry.publicKey.slice(0, 8)}…) was added to ${path} by hand: adopted, owned by the admins`);
    const adopted: PeerMeta = {
      name: entry.name,
      publicKey: entry.publicKey,
      owner: ADMINS_OWNER,
      createdAt: now.toISOString(),
      ...(entry.enabled ? {} : { disabled: true as const }),
    };
    edits.push((d) => (d.peers[entry.name] = adopted));
  }
  if (edits.length === 0) return { findings, revokedKeys };
  return {
    findings,
    revokedKeys,
    edit: (d) => {
      for (const edit of edits) edit(d);
    },
  };
}

/**
 * Bring the live interface in line with the file: enabled peers set, disabled ones and keys the bot gave
 * out (`ours`: trash, journal, revoked by hand) removed; a live key nobody knows is reported and left alone.
 * Returns how many peers were touched.
 */
export async function reconcileLive(
  live: LiveInterface,
  state: InterfaceLiveState | undefined,
  doc: ServerConfigDoc,
  path: string,
  ours: ReadonlySet<string>,
  findings: string[],
): Promise<number> {
  if (!state) {
    findings.push(`interface ${live.name} is not up (start it with: systemctl start wg-quick@${live.name})`);
    return 0;
  }
  const current = new Map<string, (typeof state.peers)[number]>();
  for (const p of state.peers) current.set(p.publicKey, p);
  const inFile = new Set<string>();
  let applied = 0;
  for (const peer of [listPeers(doc), unmanagedPeers(doc)].flat()) {
    inFile.add(peer.publicKey);
    const now = current.get(peer.publicKey);
    if (!peer.enabled) {
      if (now) {
        await live.removePeer(peer.publicKey);
        applied++;
      }
      continue;
    }
    if (!now || !sameSet(now.allowedIps, peer.allowedIps)) {
      await live.setPeer(livePeer(peer));
      applied++;
    }
  }
  for (const key of current.keys()) {
    if (inFile.has(key)) continue;
    if (ours.has(key)) {
      await live.removePeer(key);
      applied++;
    } else {
      findings.push(`peer ${key.slice(0, 8)}… is live on ${live.name} but not in ${path} (added by hand with wg set?); left alone`);
    }
  }
  return applied;
}

function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  // Nearly every peer: the same addresses in the same order (no Set for it).
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (i === a.length) return true;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}
