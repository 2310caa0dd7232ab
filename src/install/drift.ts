/**
 * Doctor's drift check (read-only): what differs between the interface config file, the bot's database,
 * the change journal and the live interface. The bot adopts hand edits at its next command or start;
 * until then, and for whatever it could not adopt, doctor says so.
 */
import { readFile } from 'node:fs/promises';
import { listPeers, parseServerConfig, unmanagedPeers } from '../core/server-config.js';
import { decode, SLOT_BYTES } from '../store/journal.js';

export async function findDrift(files: { conf: string; db: string; journal: string }, liveAllowedIps: string | undefined): Promise<string[]> {
  const findings: string[] = [];
  const text = await readFile(files.conf, 'utf8').catch(() => undefined);
  if (text === undefined) return findings; // the config check reports a missing file
  let doc;
  try {
    doc = parseServerConfig(text);
  } catch (error) {
    return [`${files.conf}: ${(error as Error).message}`];
  }
  const peers = listPeers(doc);
  const dbText = await readFile(files.db, 'utf8').catch(() => undefined);
  let known: Record<string, { publicKey: string; disabled?: boolean }> = {};
  if (dbText !== undefined) {
    try {
      known = (JSON.parse(dbText) as { peers?: typeof known }).peers ?? {};
    } catch {
      findings.push(`${files.db} is not valid JSON`);
    }
  }
  const inFile = new Map(peers.map((p) => [p.name, p]));
  for (const p of peers) {
    const m = known[p.name];
    if (!m || m.publicKey !== p.publicKey) findings.push(`peer "${p.name}" is in ${files.conf} but not in the database (added by hand)`);
    else if (Boolean(m.disabled) === p.enabled)
      findings.push(`peer "${p.name}" is ${p.enabled ? 'enabled' : 'disabled'} in ${files.conf} but not in the database (changed by hand)`);
  }
  for (const [name, m] of Object.entries(known)) {
    if (inFile.get(name)?.publicKey !== m.publicKey) findings.push(`peer "${name}" is in the database but not in ${files.conf} (removed by hand)`);
  }
  const journal = await readFile(files.journal).catch(() => undefined);
  if (journal) {
    const records = [0, 1].map((i) => decode(journal.subarray(i * SLOT_BYTES, (i + 1) * SLOT_BYTES))).filter((r) => r !== undefined);
    const last = records.sort((a, b) => b.seq - a.seq)[0];
    if (last && (last.state === 'begun' || last.state === 'undoing'))
      findings.push(`the ${last.change.op} of "${last.change.entry.name}" was interrupted (finished at the next start)`);
  }
  if (liveAllowedIps !== undefined) {
    const live = new Map(
      liveAllowedIps
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t') as [string, string]),
    );
    const wanted = [...peers.filter((p) => p.enabled), ...unmanagedPeers(doc).map((p) => ({ ...p, name: '(hand-written [Peer])' }))];
    for (const p of wanted) if (!live.has(p.publicKey)) findings.push(`peer "${p.name}" is enabled in ${files.conf} but not on the live interface`);
    const allowed = new Set(wanted.map((p) => p.publicKey));
    for (const p of peers) if (!p.enabled && live.has(p.publicKey)) findings.push(`peer "${p.name}" is disabled in ${files.conf} but live on the interface`);
    for (const key of live.keys())
      if (!allowed.has(key) && !peers.some((p) => p.publicKey === key)) findings.push(`peer ${key.slice(0, 8)}… is live but not in ${files.conf}`);
  }
  return findings;
}
