/**
 * Before the database is opened: a database from an older schema is copied to db.json.v<N>.bak first
 * (the migration in bot-db.ts then runs in memory and is saved with the next change); one from a newer
 * schema (a downgrade) stops the program with a clear message and is left untouched.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-file.js';
import { SCHEMA_VERSION } from './bot-db.js';

export async function prepareDatabaseFile(path: string): Promise<{ from: number; backup?: string } | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  if (!bytes) return undefined;
  let version: number;
  // The bot writes "version" first, so its value is read without parsing the whole file a second time (the
  // store parses it next; 10,000 peers are 2 MB). Any other layout (a hand edit) is parsed whole.
  const head = /^\s*\{\s*"version"\s*:\s*(\d{1,9})\s*[,}]/.exec(bytes.subarray(0, 64).toString('latin1'));
  if (head) version = Number(head[1]);
  else {
    try {
      const raw = JSON.parse(bytes.toString('utf8')) as { version?: unknown };
      version = typeof raw?.version === 'number' ? raw.version : 0;
    } catch {
      return undefined; // opening reports it
    }
  }
  if (version > SCHEMA_VERSION) {
    throw new ConfigError(
      'DATA_DIR',
      `${path} has database schema version ${version}, newer than this wg-chatops understands (${SCHEMA_VERSION}). A downgrade is refused: install the newer wg-chatops again. Nothing was changed.`,
    );
  }
  if (version === SCHEMA_VERSION) return { from: version };
  const backup = `${path}.v${version}.bak`;
  if (!existsSync(backup)) await writeFileAtomic(backup, bytes, 0o600);
  return { from: version, backup };
}
