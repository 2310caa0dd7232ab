/**
 * The server's interface file (wg0.conf): its document model and parser (server-config-parse.ts), how it
 * is written (server-config-render.ts) and edited (server-config-edit.ts), imported from one place.
 */
export * from './server-config-parse.js';
export * from './server-config-render.js';
export * from './server-config-edit.js';
