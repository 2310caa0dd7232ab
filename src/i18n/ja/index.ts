import { backup } from './backup.js';
import { core } from './core.js';
import { ddns } from './ddns.js';
import { health } from './health.js';
import { install } from './install.js';
import { lifecycle } from './lifecycle.js';
import { traffic } from './traffic.js';

/** Japanese catalogue: the same keys as English (a test checks they match). */
export const ja = { ...core, ...backup, ...ddns, ...health, ...install, ...lifecycle, ...traffic };
