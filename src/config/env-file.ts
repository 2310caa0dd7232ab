/**
 * Writing a value into the .env so that every reader gets it back unchanged: node's parseEnv (the bot,
 * doctor and the next install) and systemd's EnvironmentFile= (the service). Both take single quotes
 * literally; double quotes are literal to node but systemd unescapes \\ \" \` and $ in them, so they are used
 * only for a value with a ' and none of those. What neither form can carry is refused with its reason.
 */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]*$/;

export type EnvQuoteResult = { ok: true; text: string } | { ok: false; reason: 'newline' | 'quotes' | 'nul' };

export function quoteEnvValue(value: string): EnvQuoteResult {
  if (/[\r\n]/.test(value)) return { ok: false, reason: 'newline' };
  if (value.includes('\0')) return { ok: false, reason: 'nul' };
  if (PLAIN.test(value)) return { ok: true, text: value };
  if (!value.includes("'")) return { ok: true, text: `'${value}'` };
  if (!/["\\`$]/.test(value)) return { ok: true, text: `"${value}"` };
  return { ok: false, reason: 'quotes' };
}
