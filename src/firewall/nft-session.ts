/**
 * One long-lived `nft -i` fed over stdin, so a peer change costs a write and a read instead of a process.
 * Each batch is one input line (commands joined by "; "), which nft runs as one transaction: all or nothing.
 *
 * Completion: nft -i prints nothing when a line succeeds, so after each batch a marker line is sent that
 * nft must refuse ("wgcdone<seq>", a syntax error). Errors go to stderr in input order and nft echoes the
 * offending line, so everything on stderr before the marker's echo belongs to the batch: empty means
 * committed. Written by hand: no library speaks nft's interactive mode (libnftables would be a native module).
 *
 * If nft dies or stops answering (killed after `timeoutMs`), the batch in flight is rejected and marked
 * uncertain (it may have been committed); the next batch starts a new process.
 */
import type { ResultPromise } from 'execa';
import { ToolError } from '../core/errors.js';

export interface NftSessionOptions {
  /** argv that runs nft (e.g. ["nft"] or ["ip", "netns", "exec", NS, "nft"]); "-i" is added. */
  argv: readonly string[];
  /** How long a batch may take before nft is killed (generous: a Pi under load). */
  timeoutMs?: number;
}

interface Pending {
  seq: number;
  lines: string[];
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const MARKER = /^wgcdone(\d+)$/;

export class NftSession {
  private child: ResultPromise | undefined;
  private pending: Pending | undefined;
  private seq = 0;
  private partial = '';
  private skipCaret = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** A batch was cut off by nft's end or a timeout: whether it was committed is unknown. Reset by the caller. */
  uncertain = false;

  constructor(private readonly o: NftSessionOptions) {}

  /** Run `commands` as one transaction; rejects with nft's own message when it refused them (nothing changed). */
  batch(commands: readonly string[]): Promise<void> {
    if (commands.length === 0) return Promise.resolve();
    if (commands.some((c) => c.includes('\n') || MARKER.test(c.trim()))) throw new Error('an nft batch command must be one line');
    const run = this.queue.then(() => this.send(commands.join('; ')));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** End nft (stdin closed: it exits); waits for it. */
  async close(): Promise<void> {
    await this.queue;
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await child.catch(() => undefined);
    clearTimeout(timer);
  }

  /** The running nft's process id (tests kill it to check the restart). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts nft; returned in a box (a ResultPromise awaited directly would wait for nft's end). */
  private async start(): Promise<{ child: ResultPromise }> {
    const { execa } = await import('execa');
    const [file, ...args] = this.o.argv;
    const child = execa(file!, [...args, '-i'], {
      stdin: 'pipe',
      stdout: 'ignore',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: true,
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => this.onStderr(chunk));
    child.stdin.on('error', () => undefined); // a dead nft: reported by its end below
    // Its end is noticed at once ('exit'), and for a start that failed (not found) when execa settles.
    child.once('exit', (code, signal) => this.ended(child, signal ? `was killed (${signal})` : `exited with ${code}`));
    void child.then((r) => this.ended(child, r.failed ? (r.shortMessage ?? 'failed') : `exited with ${r.exitCode}`));
    this.child = child;
    this.partial = '';
    this.skipCaret = false;
    return { child };
  }

  private async send(line: string): Promise<void> {
    const child = this.child ?? (await this.start()).child;
    const seq = ++this.seq;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        this.fail(new ToolError(`nft did not answer within ${this.o.timeoutMs ?? 30_000} ms (killed; it starts again with the next change)`));
      }, this.o.timeoutMs ?? 30_000);
      this.pending = { seq, lines: [], resolve, reject, timer };
      child.stdin!.write(`${line}\nwgcdone${seq}\n`);
    });
  }

  private onStderr(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (this.skipCaret) {
        this.skipCaret = false;
        if (/^\s*\^+\s*$/.test(line)) continue;
      }
      const m = MARKER.exec(line.trim());
      const p = this.pending;
      if (m && p && Number(m[1]) === p.seq) {
        // The marker's own "Error: syntax error" line precedes its echo; anything before that is the batch's.
        // Only an "Error:" means refused (nft may warn about a line it still committed).
        const output = p.lines.slice(0, -1);
        this.pending = undefined;
        this.skipCaret = true;
        clearTimeout(p.timer);
        if (!output.some((l) => l.startsWith('Error:'))) p.resolve();
        else p.reject(new ToolError(`nft refused the change: ${output.join('\n').trim()}`));
        continue;
      }
      p?.lines.push(line);
    }
  }

  private ended(child: ResultPromise, why: string): void {
    if (this.child === child) this.child = undefined;
    this.fail(new ToolError(`nft (interactive) ${why}; it starts again with the next change`));
  }

  private fail(error: Error): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.uncertain = true;
    clearTimeout(p.timer);
    p.reject(error);
  }
}
