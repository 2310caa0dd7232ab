/** Command-line options shared by install, uninstall and doctor. */
import { ConfigError } from '../core/errors.js';

export interface CliOptions {
  help: boolean;
  dryRun: boolean;
  yes: boolean;
  purge: boolean;
  root: string;
  answers?: string;
  /** install --restore FILE: an encrypted backup to bring back (src/install/restore.ts). */
  restore?: string;
}

export function parseArgs(argv: readonly string[], allowed: readonly string[]): CliOptions {
  const o: CliOptions = { help: false, dryRun: false, yes: false, purge: false, root: '/' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new ConfigError(name, 'needs a value');
      return v;
    };
    if (name === '-h' || name === '--help') o.help = true;
    else if (!allowed.includes(name)) throw new ConfigError(name, 'unknown option (see --help)');
    else if (name === '--dry-run') o.dryRun = true;
    else if (name === '--yes' || name === '-y') o.yes = true;
    else if (name === '--purge') o.purge = true;
    else if (name === '--root') o.root = value();
    else if (name === '--answers') o.answers = value();
    else if (name === '--restore') o.restore = value();
  }
  if (!o.root.startsWith('/')) throw new ConfigError('--root', 'expected an absolute path');
  return o;
}
