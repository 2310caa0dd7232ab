/**
 * File content as consecutive byte chunks, so a large file that only grew is written as the old bytes
 * plus the new ones (one writev) instead of being encoded again.
 */

/** Joined into one chunk past this many, so a long run of appends does not become a write of thousands of pieces. */
const MAX_CHUNKS = 64;

/** `chunks` followed by `added`, as a new list (the old one may still be in use). */
export function appendChunks(chunks: readonly Buffer[], added: readonly Buffer[]): Buffer[] {
  const all = [...chunks, ...added];
  return all.length > MAX_CHUNKS ? [Buffer.concat(all)] : all;
}
