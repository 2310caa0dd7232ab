import { backup } from './backup.js';
import { core } from './core.js';
import { ddns } from './ddns.js';
import { health } from './health.js';
import { install } from './install.js';
import { lifecycle } from './lifecycle.js';
import { traffic } from './traffic.js';

/** English catalogue: each area's messages under its own top-level keys. */
export const en = { ...core, ...backup, ...ddns, ...health, ...install, ...lifecycle, ...traffic };
