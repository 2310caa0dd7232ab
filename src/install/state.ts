/**
 * What install did, for a later run, `uninstall` and `doctor`: decisions the system itself cannot show
 * (the user chose a router reservation; a UPnP mapping was made). Kept root-only (0600).
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../store/atomic-file.js';

export const STATE_PATH = '/etc/wg-chatops/install-state.json';

export interface InstallState {
  version: 1;
  /** 'static' made static by install, 'reserved' the user reserves it on the router. */
  lanAddress?: { decision: 'static' | 'reserved' | 'already-static'; address: string; via?: string };
  portMapping?: {
    method: 'upnp' | 'natpmp' | 'manual';
    port: number;
    lanAddress: string;
    controlUrl?: string;
    serviceType?: string;
    gateway?: string;
  };
  ddnsChecked?: { hostname: string; at: string };
  unattendedUpgrades?: 'enabled' | 'declined';
  pivpnAdopted?: boolean;
  /** sha256 of the backup `install --restore` restored (a re-run does not restore it again). */
  restoredBackup?: string;
  /** Files install created (uninstall removes only these). */
  created: string[];
}

export const emptyState = (): InstallState => ({ version: 1, created: [] });

export async function loadState(path: string): Promise<InstallState> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as InstallState;
    return parsed.version === 1 ? { ...emptyState(), ...parsed } : emptyState();
  } catch {
    return emptyState();
  }
}

export const saveState = (path: string, state: InstallState): Promise<void> => writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
