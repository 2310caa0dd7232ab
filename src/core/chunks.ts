/**
 * File content as consecutive byte chunks, so a large file that changed in one place is written as the old
 * bytes around the change plus the new ones (one writev) instead of being rendered and encoded again.
 */

/** Joined into one chunk past this many, so a long run of edits does not become a write of thousands of pieces. */
const MAX_CHUNKS = 64;

/**
 * `chunks` with their bytes [start, end) replaced by `inserted`, as a new list (the old one may still be in use).
 * The bytes kept are views of the old chunks, not copies.
 */
export function spliceChunks(chunks: readonly Buffer[], start: number, end: number, inserted: readonly Buffer[]): Buffer[] {
  const total = byteLengthOf(chunks);
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= total)) {
    throw new RangeError(`cannot replace bytes ${start}–${end} of ${total}`);
  }
  const before: Buffer[] = [];
  const after: Buffer[] = [];
  let offset = 0;
  for (const chunk of chunks) {
    const from = offset;
    offset += chunk.length;
    if (from < start) before.push(offset <= start ? chunk : chunk.subarray(0, start - from));
    if (offset > end) after.push(from >= end ? chunk : chunk.subarray(end - from));
  }
  const all = [...before, ...inserted, ...after].filter((chunk) => chunk.length > 0);
  return all.length > MAX_CHUNKS ? [Buffer.concat(all)] : all;
}

export function byteLengthOf(chunks: readonly Buffer[]): number {
  let n = 0;
  for (const chunk of chunks) n += chunk.length;
  return n;
}
