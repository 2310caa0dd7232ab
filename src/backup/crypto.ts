/**
 * Encryption of backups with age (https://age-encryption.org, npm age-encryption by its author, pure JS).
 * The Pi keeps only the recipient (a public key); the identity (the recovery code, AGE-SECRET-KEY-1…)
 * is shown once to the admin and never stored here.
 */
import { armor, Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { UserError } from '../core/errors.js';

export interface BackupKey {
  /** The recovery code: show once, never store. */
  identity: string;
  recipient: string;
}

export async function generateBackupKey(): Promise<BackupKey> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

export const isRecipient = (s: string): boolean => /^age1[02-9ac-hj-np-z]{58}$/.test(s.trim());

const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';

/** ASCII-armored (text, so it survives the console, copy and paste, and any chat). */
export async function encryptFor(recipient: string, plaintext: Uint8Array): Promise<Uint8Array> {
  const e = new Encrypter();
  e.addRecipient(recipient.trim());
  return new TextEncoder().encode(armor.encode(await e.encrypt(plaintext)));
}

/** Binary age files (made with the age tool) are taken too. */
function unarmor(file: Uint8Array): Uint8Array {
  const head = new TextDecoder().decode(file.subarray(0, 64)).trimStart();
  if (!head.startsWith(ARMOR_BEGIN)) return file;
  try {
    return armor.decode(new TextDecoder().decode(file));
  } catch (error) {
    throw new UserError('backup.damaged', { detail: (error as Error).message }, { cause: error });
  }
}

/** Decrypts, or throws a UserError saying plainly what is wrong (the code, or the file). */
export async function decryptWith(code: string, file: Uint8Array): Promise<Uint8Array> {
  const identity = code.trim().toUpperCase();
  try {
    if (!identity.startsWith('AGE-SECRET-KEY-1')) throw new Error('prefix');
    await identityToRecipient(identity);
  } catch (error) {
    throw new UserError('backup.badCode', {}, { cause: error });
  }
  const raw = unarmor(file);
  if (!new TextDecoder().decode(raw.subarray(0, 40)).startsWith('age-encryption.org/v1\n')) throw new UserError('backup.notBackup');
  const d = new Decrypter();
  d.addIdentity(identity);
  try {
    return await d.decrypt(raw);
  } catch (error) {
    const message = (error as Error).message;
    if (/no identity matched/.test(message)) throw new UserError('backup.wrongCode', {}, { cause: error });
    throw new UserError('backup.damaged', { detail: message }, { cause: error });
  }
}
