/** Who is talking to the bot. User keys are "platform:id" (telegram:123, slack:U01, console:local). */
export type Role = 'admin' | 'user' | 'stranger';
export type Locale = 'en' | 'ja';

export interface Actor {
  /** "platform:id" */
  key: string;
  platform: string;
  /** Platform user id, as a string. */
  id: string;
  displayName: string;
  username?: string;
  role: Role;
  locale: Locale;
}

export const userKey = (platform: string, id: string | number): string => `${platform}:${id}`;

export function splitUserKey(key: string): { platform: string; id: string } {
  const at = key.indexOf(':');
  return at < 0 ? { platform: '', id: key } : { platform: key.slice(0, at), id: key.slice(at + 1) };
}
