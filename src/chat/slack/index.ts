/**
 * Slack platform entry point. Loaded by src/main.ts with a dynamic import only when Slack is configured,
 * so Bolt stays out of memory otherwise: nothing else imports this module statically.
 */
import type { ChatAdapter } from '../adapter.js';
import { SlackAdapter, type SlackAdapterDeps } from './adapter.js';

export type { SlackAdapterDeps } from './adapter.js';

export function createSlackAdapter(deps: SlackAdapterDeps): ChatAdapter {
  return new SlackAdapter(deps);
}
