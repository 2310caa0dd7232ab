import { appendFile, rename, stat } from 'node:fs/promises';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  outcome: 'ok' | 'refused' | 'error' | 'requested';
  detail?: string;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
  /** Resolves when everything recorded so far is on disk. */
  flush(): Promise<void>;
}

export interface AuditLogOptions {
  path: string;
  /** Rotate when the file grows past this many bytes. */
  maxBytes?: number;
  /** How many rotated files (audit.log.1 …) to keep. */
  keep?: number;
  now?: () => Date;
  onError?: (error: unknown) => void;
}

/**
 * Append-only JSON lines beside the database. Appends are queued off the command path, so a busy
 * log never slows a database write; rotation keeps it from filling a Pi's SD card.
 */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const keep = options.keep ?? 3;
  const now = options.now ?? (() => new Date());
  let size: number | undefined;
  let queue: Promise<void> = Promise.resolve();

  const rotate = async () => {
    for (let i = keep - 1; i >= 1; i--) await rename(`${options.path}.${i}`, `${options.path}.${i + 1}`).catch(() => undefined);
    await rename(options.path, `${options.path}.1`).catch(() => undefined);
    size = 0;
  };

  const append = async (line: string) => {
    if (size === undefined)
      size = await stat(options.path).then(
        (s) => s.size,
        () => 0,
      );
    if (size + line.length > maxBytes && size > 0) await rotate();
    await appendFile(options.path, line, { mode: 0o600 });
    size += Buffer.byteLength(line);
  };

  return {
    record(entry) {
      const line = `${JSON.stringify({ time: now().toISOString(), ...entry })}\n`;
      queue = queue.then(() => append(line)).catch((error) => options.onError?.(error));
    },
    flush: () => queue,
  };
}
